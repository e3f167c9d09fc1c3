// Every generated file passes the checker, over a matrix of answer sets; and the checker fails on
// an error planted in a generated repo, for each validator (test/plants/<validator>.ts).
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkRepo, formatReport, validators } from "../check/index.js";
import { answerSets } from "./helpers/answer-sets.js";
import { VALIDATOR_TOOLS } from "./helpers/check.js";
import { answerSetRepo, copyOfAnswerSetRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const plantsDir = join(dirname(fileURLToPath(import.meta.url)), "plants");
const plantNames = readdirSync(plantsDir)
  .filter((file) => file.endsWith(".js"))
  .map((file) => basename(file, ".js"));

describe("generated repos pass the checker", () => {
  before(function () {
    requireTool(this, VALIDATOR_TOOLS);
  });

  for (const name of Object.keys(answerSets)) {
    it(`${name}: zero findings, every validator ran`, async () => {
      const report = await checkRepo(await answerSetRepo(name));
      assert.deepEqual(report.findings, [], formatReport(report));
      assert.deepEqual(report.failed, [], formatReport(report));
      assert.deepEqual(report.notRun, [], formatReport(report));
      assert.equal(report.ran.length, validators.length);
    });
  }

  describe("an error planted in a generated repo is found", () => {
    it("has a planted error for every validator", () => {
      assert.deepEqual(
        plantNames.sort(),
        validators.map((validator) => validator.name).sort(),
      );
    });

    for (const validator of plantNames) {
      it(validator, async () => {
        const { default: plant } = (await import(
          join(plantsDir, `${validator}.js`)
        )) as { default: (dir: string) => void };
        const dir = await copyOfAnswerSetRepo("defaults");
        plant(dir);
        // Only the validator under test: every one of them already ran clean on this repo.
        const report = await checkRepo(dir, {
          validators: validators.filter((v) => v.name === validator),
        });
        const found = report.findings.filter(
          (finding) => finding.validator === validator,
        );
        assert.ok(found.length > 0, formatReport(report));
      });
    }
  });
});
