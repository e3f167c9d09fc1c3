// `rails-aws check`: runs every validator whose tools are installed over a repo's files and
// gathers one report. Validators run concurrently; each runs its tool over all its files at once.
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { validators as registry } from "./registry.js";
import { listRepoFiles, type RepoFile } from "./repo.js";
import { ownedPaths } from "./owned.js";
import { findTool, toolEnv } from "./tools.js";
import type { Finding, Validator } from "./types.js";

export interface CheckOptions {
  /** Where to look for tools, PATH-style; defaults to process.env.PATH. "" finds no tool. */
  path?: string;
  /** Defaults to every registered validator. */
  validators?: readonly Validator[];
  /**
   * "owned": only the files the generator wrote (its manifest), so an onboarded app's own files
   * are not judged; "all" (the default here): every file of the repo.
   */
  scope?: "owned" | "all";
}

/** Which files were looked at: the generator's own (by its manifest), or all of the repo. */
export type CheckScope =
  { kind: "all"; reason?: string } | { kind: "owned"; manifest: string };

export interface ValidatorRun {
  name: string;
  /** How many files it checked. */
  files: number;
  milliseconds: number;
}

export interface ValidatorNotRun {
  name: string;
  /** How many files it would have checked. */
  files: number;
  /** The tools not found on PATH. */
  missing: string[];
  reason: string;
}

/** A validator that started but broke (a tool crashed or printed what it should not). */
export interface ValidatorFailure {
  name: string;
  files: number;
  error: string;
}

export interface CheckReport {
  /** The checked folder, absolute. */
  root: string;
  scope: CheckScope;
  /** Sorted by file, then line. */
  findings: Finding[];
  ran: ValidatorRun[];
  notRun: ValidatorNotRun[];
  failed: ValidatorFailure[];
}

type Outcome =
  | { kind: "ran"; run: ValidatorRun; findings: Finding[] }
  | { kind: "notRun"; notRun: ValidatorNotRun }
  | { kind: "failed"; failure: ValidatorFailure };

export async function checkRepo(
  dir: string,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const root = resolve(dir);
  const path = options.path ?? process.env.PATH ?? "";
  const { files, scope } = await filesInScope(root, options.scope ?? "all");
  const conflicted = new Set(
    files.filter((file) => file.hasConflictMarkers).map((file) => file.path),
  );
  const outcomes = await Promise.all(
    (options.validators ?? registry).map((validator) =>
      runValidator(
        validator,
        // A file with conflict markers is reported as a conflict, not as what the markers break.
        validator.readsConflicts
          ? files
          : files.filter((file) => !conflicted.has(file.path)),
        root,
        path,
      ),
    ),
  );
  const report: CheckReport = {
    root,
    scope,
    findings: [],
    ran: [],
    notRun: [],
    failed: [],
  };
  for (const outcome of outcomes) {
    if (outcome.kind === "ran") {
      report.ran.push(outcome.run);
      report.findings.push(...outcome.findings);
    } else if (outcome.kind === "notRun") report.notRun.push(outcome.notRun);
    else report.failed.push(outcome.failure);
  }
  report.findings.sort(byPosition);
  return report;
}

async function filesInScope(
  root: string,
  wanted: "owned" | "all",
): Promise<{ files: RepoFile[]; scope: CheckScope }> {
  const files = await listRepoFiles(root);
  if (wanted === "all") return { files, scope: { kind: "all" } };
  const owned = ownedPaths(root);
  if (!owned)
    return {
      files,
      scope: {
        kind: "all",
        reason: "no .rails-aws/manifest.json here, so every file was checked",
      },
    };
  return {
    files: files.filter((file) => owned.paths.has(file.path)),
    scope: { kind: "owned", manifest: owned.manifest },
  };
}

/** Validators that could not run although files of theirs are here: those files went unchecked. */
export const unchecked = (report: CheckReport) =>
  report.notRun.filter((validator) => validator.files > 0);

/** How many files the validators that ran looked at. */
export const checkedFiles = (report: CheckReport) =>
  report.ran.reduce((sum, validator) => sum + validator.files, 0);

/**
 * True when the repo passed: something was checked, nothing was found, no validator broke, and no
 * file went unchecked for want of a tool (a false green would hide exactly those files).
 */
export function isClean(report: CheckReport): boolean {
  return (
    report.findings.length === 0 &&
    report.failed.length === 0 &&
    unchecked(report).length === 0 &&
    checkedFiles(report) > 0
  );
}

async function runValidator(
  validator: Validator,
  files: readonly RepoFile[],
  root: string,
  path: string,
): Promise<Outcome> {
  const { name } = validator;
  let matching: RepoFile[] = [];
  try {
    matching = files.filter((file) => validator.appliesTo(file));
    const tools = resolveTools(validator.tools, path);
    if (tools.missing.length > 0) {
      const reason = `${tools.missing.join(", ")} not found on PATH`;
      return {
        kind: "notRun",
        notRun: {
          name,
          files: matching.length,
          missing: tools.missing,
          reason,
        },
      };
    }
    const started = performance.now();
    const problems =
      matching.length === 0
        ? []
        : await validator.run(matching, {
            root,
            tools: tools.found,
            env: toolEnv(path),
          });
    const milliseconds = Math.round(performance.now() - started);
    return {
      kind: "ran",
      run: { name, files: matching.length, milliseconds },
      findings: problems.map((problem) => ({ ...problem, validator: name })),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      kind: "failed",
      failure: { name, files: matching.length, error: message },
    };
  }
}

function resolveTools(
  names: readonly string[],
  path: string,
): { found: Record<string, string>; missing: string[] } {
  const found: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const executable = findTool(name, path);
    if (executable) found[name] = executable;
    else missing.push(name);
  }
  return { found, missing };
}

function byPosition(a: Finding, b: Finding): number {
  return (
    compare(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compare(a.validator, b.validator)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
