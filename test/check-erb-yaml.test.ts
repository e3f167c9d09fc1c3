import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { envVariants, erbYaml } from "../check/validators/erb-yaml.js";
import { checkFiles } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

const lines = (...text: string[]) => `${text.join("\n")}\n`;

/** A repo whose .env.example sets DATABASE_HOST and a JOB_CONCURRENCY that is not a number. */
const BROKEN = {
  ".env.example": lines(
    "DATABASE_HOST=localhost",
    'export JOB_CONCURRENCY="two"',
  ),
  // Line 5: no default, and an empty ENV does not set it.
  "config/database.yml": lines(
    "default: &default",
    "  adapter: postgresql",
    "  encoding: unicode",
    '  max_connections: <%= ENV.fetch("RAILS_MAX_THREADS") { 3 } %>',
    '  host: <%= ENV.fetch("DATABASE_HOST") %>',
    "development:",
    "  <<: *default",
  ),
  // Line 5: fine with the default, not with .env.example's value.
  "config/queue.yml": lines(
    "default: &default",
    "  workers:",
    '    - queues: "*"',
    "      threads: 3",
    '      processes: <%= Integer(ENV.fetch("JOB_CONCURRENCY", 1)) %>',
    "development:",
    "  <<: *default",
  ),
  // Line 7: indented wrongly, which only the YAML after ERB shows.
  "config/cable.yml": lines(
    "development:",
    "  adapter: async",
    "",
    "production:",
    "  adapter: solid_cable",
    '  polling_interval: <%= "0.1.seconds" %>',
    "   message_retention: 1.day",
  ),
};

describe("check: erb-yaml validator", function () {
  before(function () {
    requireTool(this, "ruby");
  });

  it("renders what Rails config uses (anchors, merge keys, Rails.env, durations, byte sizes, presence) without findings", async () => {
    const report = await checkFiles(
      {
        "config/cache.yml": lines(
          "default: &default",
          "  store_options:",
          "    max_age: <%= 60.days.to_i %>",
          "    max_size: <%= 256.megabytes %>",
          "    namespace: <%= Rails.env %>",
          '    url: <%= ENV["CACHE_URL"].presence || "none" %>',
          "development:",
          "  <<: *default",
          "production:",
          "  <<: *default",
        ),
        "config/cable.yml": lines(
          "production:",
          "  adapter: solid_cable",
          '  polling_interval: <%= Rails.env.production? ? "0.1.seconds" : "1.second" %>',
          "  message_retention: 1.day",
        ),
        "config/plain.yml": "no: erb\n",
      },
      [erbYaml],
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 2);
  });

  it("reports an ENV.fetch without default that only an empty ENV breaks", async () => {
    const report = await checkFiles(BROKEN, [erbYaml]);
    const finding = report.findings.find(
      (f) => f.file === "config/database.yml",
    );
    assert.ok(finding, "database.yml is reported");
    assert.equal(finding.line, 5);
    assert.match(finding.message, /KeyError.*DATABASE_HOST/);
    assert.match(finding.message, /empty ENV, RAILS_ENV=development/);
    assert.doesNotMatch(
      finding.message,
      /\.env\.example/,
      ".env.example sets DATABASE_HOST",
    );
  });

  it("reports a bad value that only .env.example brings", async () => {
    const report = await checkFiles(BROKEN, [erbYaml]);
    const finding = report.findings.find((f) => f.file === "config/queue.yml");
    assert.ok(finding, "queue.yml is reported");
    assert.equal(finding.line, 5);
    assert.match(finding.message, /ArgumentError.*"two"/);
    assert.match(finding.message, /with \.env\.example, RAILS_ENV=development/);
    assert.doesNotMatch(finding.message, /empty ENV/);
  });

  it("reports YAML that breaks once rendered, once for every ENV tried", async () => {
    const report = await checkFiles(BROKEN, [erbYaml]);
    const cable = report.findings.filter((f) => f.file === "config/cable.yml");
    assert.equal(cable.length, 1);
    assert.equal(cable[0]!.line, 7);
    assert.match(
      cable[0]!.message,
      /^YAML after ERB: .*\(with every ENV tried\)$/,
    );
  });

  it("renders with an empty ENV for development and test, and .env.example for all three", () => {
    assert.deepEqual(
      envVariants().map((v) => v.env),
      [{ RAILS_ENV: "development" }, { RAILS_ENV: "test" }],
    );
    const withExample = envVariants({ PORT: "3000", RAILS_ENV: "staging" });
    assert.equal(withExample.length, 5);
    assert.deepEqual(withExample[4]!.env, {
      PORT: "3000",
      RAILS_ENV: "production",
    });
  });

  it("never executes ERB in YAML that Rails does not render: a template, a locale, a fixture", async function () {
    requireTool(this, "ruby");
    const marker = `/tmp/rails-aws-erb-ran-${process.pid}`;
    const code = `<%= File.write("${marker}", "ran") %>`;
    const report = await checkFiles(
      {
        "infra/cloudformation/app.yml": lines(`Description: ${code}`),
        "config/locales/en.yml": lines(`en:`, `  hello: ${code}`),
        "test/fixtures/users.yml": lines(`one:`, `  name: ${code}`),
      },
      [erbYaml],
    );
    assert.deepEqual(report.ran, [
      { name: "erb-yaml", files: 0, milliseconds: report.ran[0]!.milliseconds },
    ]);
    assert.ok(!existsSync(marker), "the ERB ran");
  });
});
