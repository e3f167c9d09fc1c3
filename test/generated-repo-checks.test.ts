// Every generated file passes the checker, over a matrix of answer sets; and the checker fails on
// an error planted in a generated repo, for each validator.
import assert from "node:assert/strict";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkRepo, formatReport, validators } from "../core/check/index.js";
import { generateRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const ALL_TOOLS = [
  ...new Set(validators.flatMap((validator) => validator.tools)),
];

const answerSets: Record<string, string[]> = {
  defaults: [],
  "staging only": ["--environments", "staging"],
  redis: ["--cable-adapter", "redis"],
  "other regions and sizes": [
    "--production-region",
    "eu-central-1",
    "--staging-region",
    "eu-west-1",
    "--production-instance-type",
    "m7g.large",
    "--production-asg-min",
    "3",
    "--production-asg-max",
    "6",
    "--production-db-class",
    "db.r7g.large",
    "--puma-workers",
    "3",
    "--app-name",
    "collab-board",
  ],
};

describe("generated repos pass the checker", () => {
  before(function () {
    requireTool(this, ALL_TOOLS);
  });

  for (const [name, args] of Object.entries(answerSets)) {
    it(`${name}: zero findings, every validator ran`, async () => {
      const dir = await generateRepo(args);
      const report = await checkRepo(dir);
      assert.equal(
        formatReport(report).includes("not run"),
        false,
        formatReport(report),
      );
      assert.deepEqual(report.findings, [], formatReport(report));
      assert.deepEqual(report.failed, []);
      assert.deepEqual(report.notRun, []);
      assert.equal(report.ran.length, validators.length);
    });
  }

  describe("an error planted in a generated repo is found", () => {
    const plants: Record<string, (dir: string) => void> = {
      yaml: (dir) =>
        appendFileSync(join(dir, "docker-compose.yml"), "volumes: [unclosed\n"),
      "ruby-syntax": (dir) =>
        appendFileSync(join(dir, "config/puma.rb"), "def broken(\n"),
      "erb-yaml": (dir) =>
        appendFileSync(
          join(dir, "config/database.yml"),
          'broken: <%= ENV.fetch("X", "a") %>: b\n',
        ),
      "docker-compose": (dir) => {
        const path = join(dir, "docker-compose.yml");
        // Debian's docker-compose 1.29 rejects keys it does not know, such as a top-level name.
        writeFileSync(path, `name: demo\n${readFileSync(path, "utf8")}`);
      },
      shellcheck: (dir) =>
        appendFileSync(join(dir, "bin/dev"), "rm -rf $1/tmp\n"),
    };

    it("has a planted error for every validator", () => {
      assert.deepEqual(
        Object.keys(plants).sort(),
        validators.map((v) => v.name).sort(),
      );
    });

    for (const [validator, plant] of Object.entries(plants)) {
      it(validator, async () => {
        const dir = await generateRepo();
        plant(dir);
        const report = await checkRepo(dir);
        const found = report.findings.filter(
          (finding) => finding.validator === validator,
        );
        assert.ok(found.length > 0, formatReport(report));
      });
    }
  });
});
