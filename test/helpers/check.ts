// Running the checker in tests: over files a test writes, in a scratch folder that is removed
// afterwards, whatever the outcome.
import assert from "node:assert/strict";
import {
  checkRepo,
  type CheckOptions,
  type CheckReport,
} from "../../check/check.js";
import { validators as registered } from "../../check/registry.js";
import { formatReport } from "../../check/report.js";
import { withScratchDir } from "../../check/scratch.js";
import type { Validator } from "../../check/types.js";
import { writeRepo } from "./repo.js";

/** Every tool some validator runs: what a test of the whole checker needs installed. */
export const VALIDATOR_TOOLS = [
  ...new Set(registered.flatMap((validator) => validator.tools)),
];

/**
 * Checks a repo made of `files` (path → contents) with `validators`. A validator that broke
 * fails the test: its findings would be missing, which must not pass for "none".
 */
export function checkFiles(
  files: Record<string, string>,
  validators: readonly Validator[],
  options: Omit<CheckOptions, "validators"> = {},
): Promise<CheckReport> {
  return withScratchDir("test", async (dir) => {
    writeRepo(dir, files);
    const report = await checkRepo(dir, { ...options, validators });
    assert.deepEqual(report.failed, [], formatReport(report));
    return report;
  });
}
