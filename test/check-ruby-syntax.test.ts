import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { RUBY_DIR } from "../check/ruby.js";
import { rubySyntax } from "../check/validators/ruby-syntax.js";
import { packageRoot } from "../core/paths.js";
import { requireTool } from "./helpers/tools.js";

const fixture = (name: string) =>
  join(packageRoot, "test/fixtures/check", name);
const check = (name: string) =>
  checkRepo(fixture(name), { validators: [rubySyntax] });

describe("check: ruby-syntax validator", function () {
  before(function () {
    requireTool(this, "ruby");
  });

  it("finds nothing in a clean repo, checking .rb, .rake, Gemfile, Capfile, Rakefile, config.ru and ruby bin/ scripts", async () => {
    const report = await check("clean");
    assert.deepEqual(report.findings, []);
    // 5 .rb, 1 .rake, Gemfile, Capfile, Rakefile, config.ru, bin/setup; not bin/dev (bash).
    assert.equal(report.ran[0]?.files, 11);
  });

  it("reports planted syntax errors with ruby's line, in .rb files and ruby shebang scripts", async () => {
    const report = await check("broken");
    assert.deepEqual(
      report.findings.map(({ file, line }) => ({ file, line })),
      [
        { file: "app/models/user.rb", line: 6 },
        { file: "bin/setup", line: 6 },
      ],
    );
    assert.match(report.findings[0]!.message, /syntax error/);
    assert.ok(
      !report.findings[0]!.message.startsWith("app/models"),
      "the path prefix is stripped",
    );
  });

  it("passes the checker's own Ruby: every file of check/ruby/, which the package ships", async () => {
    const files = readdirSync(RUBY_DIR, { recursive: true }).filter((path) =>
      String(path).endsWith(".rb"),
    );
    const report = await checkRepo(RUBY_DIR, { validators: [rubySyntax] });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, files.length);
    assert.ok(files.length >= 9, files.join(", "));
  });
});
