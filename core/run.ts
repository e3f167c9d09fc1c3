// What every adapter does with one run: generate, decide what to write, say what happened and
// with which exit code. The CLI writes to disk itself; the Yeoman generators hand the files to
// Yeoman's file system. Neither decides anything else.
import { filesToWrite, generate, type GenerateRequest } from "./generate.js";
import type { PlannedFile } from "./render.js";
import { summarize } from "./summary.js";

export interface RunRequest extends GenerateRequest {
  dryRun?: boolean;
  /** The destination as the user should read it in the report (`.` for the current folder). */
  destinationLabel: string;
  /** Yeoman prints a line per file it writes: then the report lists only the others. */
  adapterListsWrites?: boolean;
}

export interface RunOutcome {
  exitCode: number;
  /** What to write, in order; empty when the answers are invalid or on a dry run. */
  files: PlannedFile[];
  /** For standard output: what happened to each file and what to do next. */
  report: string;
  /** For standard error: why nothing was written. */
  error?: string;
}

export async function runParts(request: RunRequest): Promise<RunOutcome> {
  const result = await generate(request);
  if (!result.ok)
    return {
      exitCode: 1,
      files: [],
      report: "",
      error: `invalid answers, nothing written:\n${result.problems.map((problem) => `  ${problem}`).join("\n")}`,
    };
  const dryRun = Boolean(request.dryRun);
  const conflicts = result.changes.some(
    (change) => change.action === "conflict",
  );
  return {
    exitCode: conflicts ? 1 : 0,
    files: dryRun ? [] : filesToWrite(result, request.destination),
    report: summarize(
      result.changes,
      result.context,
      request.destinationLabel,
      {
        listWritten: !request.adapterListsWrites || dryRun,
        dryRun,
        warnings: result.warnings,
      },
    ),
  };
}
