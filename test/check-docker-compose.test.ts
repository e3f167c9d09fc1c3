import assert from "node:assert/strict";
import { dockerCompose } from "../check/validators/docker-compose.js";
import { checkFiles } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

const check = (compose: string) =>
  checkFiles({ "compose.yml": compose }, [dockerCompose]);

describe("check: docker-compose validator", function () {
  before(function () {
    requireTool(this, "docker-compose");
  });

  it("reports keys docker-compose 1.29 rejects, such as a top-level name", async () => {
    const report = await check(
      "name: example\nservices:\n  db:\n    image: postgres:17\n",
    );
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]!.file, "compose.yml");
    assert.match(report.findings[0]!.message, /'name'/);
  });

  it("reports an unset variable even when the caller's shell sets it", async () => {
    const name = "RAILS_AWS_CHECK_TEST_IMAGE";
    process.env[name] = "postgres:17";
    try {
      const report = await check(`services:\n  db:\n    image: \${${name}}\n`);
      assert.equal(report.findings.length, 1);
      assert.match(
        report.findings[0]!.message,
        new RegExp(`${name} variable is not set`),
      );
    } finally {
      delete process.env[name];
    }
  });

  it("gives the line of a YAML syntax error", async () => {
    const report = await check(
      "services:\n  db:\n    image: x\n   ports: []\n",
    );
    assert.deepEqual(
      report.findings.map(({ file, line }) => ({ file, line })),
      [{ file: "compose.yml", line: 4 }],
    );
  });
});
