// What the generated Rails config must hold for production to boot as the e2e suite found it
// (issue 11): the suite proves each on real hosts; these are the quick checks of the same.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { generateRepo, read as readIn } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** Passwords RDS may generate or rotate in: each breaks or changes the YAML if spliced in bare. */
const PASSWORDS = [
  "*alias",
  "&anchor",
  "!tag",
  "%directive",
  "#comment",
  "{flow",
  "[flow",
  "|block",
  ">folded",
  ",comma",
  "]bracket",
  "ends-in-colon:",
  "key: value",
  "~",
  "null",
  "yes",
  "12345",
  "0x1F",
  "1e3",
  `quote"and'apostrophe`,
  "back\\slash",
  "tab\there",
  "ünïcødé",
  " leading and trailing space ",
  "<%= not erb %>",
];

describe("the generated Rails config boots production", function () {
  let dir: string;
  before(async function () {
    this.timeout(60_000);
    dir = await generateRepo(["--defaults"]);
  });
  const read = (path: string) => readIn(dir, path);

  it("reads any database password and user name from the environment verbatim", function () {
    requireTool(this, "ruby");
    // database.yml rendered as Rails renders it: ERB, then YAML with aliases.
    const script = `
      require "erb"; require "yaml"; require "json"
      passwords = JSON.parse($stdin.read)
      template = File.read("config/database.yml")
      results = passwords.map do |password|
        ENV.replace("RAILS_ENV" => "production", "DB_USERNAME" => password, "DB_PASSWORD" => password)
        primary = YAML.safe_load(ERB.new(template).result, aliases: true)["production"]["primary"]
        [primary["username"], primary["password"]]
      end
      ENV.replace("RAILS_ENV" => "production")
      unset = YAML.safe_load(ERB.new(template).result, aliases: true)["production"]["primary"]
      print JSON.generate(results: results, unset: [unset["username"], unset["password"]])
    `;
    const output = JSON.parse(
      execFileSync("ruby", ["-e", script], {
        cwd: dir,
        input: JSON.stringify(PASSWORDS),
        encoding: "utf8",
      }),
    ) as { results: [unknown, unknown][]; unset: unknown[] };
    assert.deepEqual(
      output.results,
      PASSWORDS.map((p) => [p, p]),
    );
    assert.deepEqual(output.unset, [null, null], "unset is nil, as before");
  });

  it("eager-loads no lib/ folder the generator writes, since none holds app code", () => {
    const ignored = /config\.autoload_lib\(ignore: %w\[([^\]]*)\]\)/.exec(
      read("config/application.rb"),
    )?.[1];
    assert.ok(ignored, "application.rb calls autoload_lib with an ignore list");
    const folders = readdirSync(join(dir, "lib"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    assert.ok(folders.includes("capistrano"));
    for (const folder of folders)
      assert.ok(
        ignored.split(/\s+/).includes(folder),
        `lib/${folder} is left out of autoloading`,
      );
  });

  it("lets Puma serve the sockets systemd hands over, whatever address `port` names", () => {
    assert.match(read("config/puma.rb"), /^bind_to_activated_sockets "only"$/m);
  });

  it("has the page allow_browser renders for old browsers", () => {
    assert.match(
      read("app/controllers/application_controller.rb"),
      /allow_browser/,
    );
    assert.ok(existsSync(join(dir, "public/406-unsupported-browser.html")));
  });

  it("disables Active Storage variants, as no image processing gem is bundled", () => {
    assert.doesNotMatch(
      read("Gemfile"),
      /image_processing|mini_magick|ruby-vips/,
    );
    assert.match(
      read("config/application.rb"),
      /^\s*config\.active_storage\.variant_processor = :disabled$/m,
    );
  });
});
