import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { shellcheck } from "../check/validators/shellcheck.js";
import { packageRoot } from "../core/paths.js";
import { requireTool } from "./helpers/tools.js";

const fixture = (name: string) =>
  join(packageRoot, "test/fixtures/check", name);
const check = (name: string) =>
  checkRepo(fixture(name), { validators: [shellcheck] });

describe("check: shellcheck validator", function () {
  before(function () {
    requireTool(this, "shellcheck");
  });

  it("finds nothing in a clean repo, checking shebang scripts, .sh files and .env.example", async () => {
    const report = await check("clean");
    assert.deepEqual(report.findings, []);
    // bin/dev (bash shebang), scripts/deploy-stack.sh, .env.example (as sh)
    assert.equal(report.ran[0]?.files, 3);
  });

  it("reports every severity, with file, line and column", async () => {
    const report = await check("broken");
    assert.deepEqual(
      report.findings.map(({ file, line, column }) => ({ file, line, column })),
      [
        { file: "bin/dev", line: 2, column: 36 },
        { file: "scripts/deploy-stack.sh", line: 5, column: 40 },
      ],
    );
    assert.match(report.findings[0]!.message, /^SC2068 \(error\): /);
    assert.match(report.findings[1]!.message, /^SC2086 \(info\): /);
  });
});
