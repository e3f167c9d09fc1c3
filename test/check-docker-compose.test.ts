import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { dockerCompose } from "../check/validators/docker-compose.js";
import { packageRoot } from "../core/paths.js";
import { requireTool } from "./helpers/tools.js";

const fixture = (name: string) =>
  join(packageRoot, "test/fixtures/check", name);
const check = (dir: string) => checkRepo(dir, { validators: [dockerCompose] });

describe("check: docker-compose validator", function () {
  before(function () {
    requireTool(this, "docker-compose");
  });

  it("finds nothing in a clean repo", async () => {
    const report = await check(fixture("clean"));
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 1);
  });

  it("reports keys docker-compose 1.29 rejects, such as a top-level name", async () => {
    const report = await check(fixture("broken"));
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]!.file, "docker-compose.yml");
    assert.match(report.findings[0]!.message, /'name'/);
  });

  describe("in a repo written by the test", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "check-compose-"));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it("reports an unset variable even when the caller's shell sets it", async () => {
      const name = "RAILS_AWS_CHECK_TEST_IMAGE";
      await writeFile(
        join(dir, "compose.yml"),
        `services:\n  db:\n    image: \${${name}}\n`,
      );
      process.env[name] = "postgres:17";
      try {
        const report = await check(dir);
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
      await writeFile(
        join(dir, "compose.yml"),
        "services:\n  db:\n    image: x\n   ports: []\n",
      );
      const report = await check(dir);
      assert.deepEqual(
        report.findings.map(({ file, line }) => ({ file, line })),
        [{ file: "compose.yml", line: 4 }],
      );
    });
  });
});
