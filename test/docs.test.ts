import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { answersReference, DERIVED_DOCS } from "../cli/derived-docs.js";

import { flagOf, settingNames } from "../core/settings.js";
import { runCli } from "./helpers/repo.js";

describe("docs derived from the settings", () => {
  for (const [path, render] of Object.entries(DERIVED_DOCS))
    it(`${path} is up to date (run \`npm run docs\` after changing a setting or an option)`, async () => {
      const onDisk = readFileSync(join(packageRoot, path), "utf8");
      assert.equal(onDisk, await render());
    });

  it("the answers reference names every setting and its flag", async () => {
    const page = await answersReference();
    for (const name of settingNames) {
      assert.ok(page.includes(`\`${name}\``), name);
      assert.ok(page.includes(`\`--${flagOf(name)}\``), name);
    }
  });

  it("--help lists every command and every setting's flag", async () => {
    const run = await runCli(["--help"]);
    assert.equal(run.code, 0);
    for (const command of ["docker", "rails", "check"])
      assert.match(run.stdout, new RegExp(`^  ${command}\\s`, "m"));
    for (const name of settingNames)
      assert.ok(run.stdout.includes(flagOf(name)), name);
    for (const option of ["--defaults", "--answers FILE", "--force"])
      assert.ok(run.stdout.includes(option), option);
  });

  it("an unknown option is a usage error that points to --help", async () => {
    const run = await runCli(["--colour"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown option --colour\n/);
    assert.match(run.stderr, /rails-aws --help/);
  });
});
