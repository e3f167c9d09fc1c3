import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { envVariants, erbYaml } from "../check/validators/erb-yaml.js";
import { packageRoot } from "../core/paths.js";
import { requireTool } from "./helpers/tools.js";

const fixture = (name: string) =>
  join(packageRoot, "test/fixtures/check", name);
const check = (name: string) =>
  checkRepo(fixture(name), { validators: [erbYaml] });

describe("check: erb-yaml validator", function () {
  before(function () {
    requireTool(this, "ruby");
  });

  it("renders Rails config (anchors, merge keys, Rails.env, durations, presence) without findings in a clean repo", async () => {
    const report = await check("clean");
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 4); // cable, cache, database and queue.yml
  });

  it("reports an ENV.fetch without default that only an empty ENV breaks", async () => {
    const report = await check("broken");
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
    const report = await check("broken");
    const finding = report.findings.find((f) => f.file === "config/queue.yml");
    assert.ok(finding, "queue.yml is reported");
    assert.equal(finding.line, 5);
    assert.match(finding.message, /ArgumentError.*"two"/);
    assert.match(finding.message, /with \.env\.example, RAILS_ENV=development/);
    assert.doesNotMatch(finding.message, /empty ENV/);
  });

  it("reports YAML that breaks once rendered, once for every ENV tried", async () => {
    const report = await check("broken");
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
});
