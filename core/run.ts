// What every adapter does with one run: one at a time per destination, complete a run that was
// interrupted, generate, write what the core decided, and say what happened with which exit code.
// The CLI and the Yeoman generators only print the outcome.
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { planEjection, type EjectRequest } from "./eject.js";
import {
  filesToRemove,
  filesToWrite,
  generate,
  type GenerateRequest,
} from "./generate.js";
import { acquireLock, LOCK_PATH, LockedError } from "./lock.js";
import { StateError } from "./manifest.js";
import { STATE_DIR } from "./paths.js";
import { writes } from "./changes.js";
import { preview, summarize } from "./summary.js";
import { resumeInterruptedWrite, writeFiles, WriteError } from "./write.js";
import type { PlannedFile } from "./render.js";
import { timedAsync } from "./timings.js";

export interface RunRequest extends GenerateRequest {
  dryRun?: boolean;
  /** Leave a new project without git (by default: git init and a first commit). */
  skipGit?: boolean;
  /** The destination as the user should read it in the report (`.` for the current folder). */
  destinationLabel: string;
  /** Asked before anything is written, with the answers and what the run will write. */
  confirm?: Confirm;
}

/** Whether to write: shown the run's preview (answers and cost) and the number of files. */
export type Confirm = (plan: {
  preview: string;
  files: number;
}) => Promise<boolean>;

export interface RunOutcome {
  exitCode: number;
  /** For standard output: what happened to each file and what to do next. */
  report: string;
  /** For standard error: why nothing (more) was written. */
  error?: string;
}

/** What a run decided: the files to write and the report, before anything is written. */
interface Decision extends RunOutcome {
  files: PlannedFile[];
  removals?: string[];
  /** Make the destination a git repository once written (a new project). */
  gitInit?: boolean;
  /** What the user confirms before anything is written, when asked to. */
  plan?: { preview: string; files: number };
}

async function decideParts(request: RunRequest): Promise<Decision> {
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
    removals: dryRun ? [] : filesToRemove(result),
    gitInit: result.newApp && !request.skipGit,
    plan: {
      preview: preview(result.answers, result.context),
      files: result.changes.filter(writes).length,
    },
    report: summarize(
      result.changes,
      result.context,
      request.destinationLabel,
      {
        dryRun,
        warnings: result.warnings,
      },
    ),
  };
}

/** Removes what taking the lock created, when the run left nothing else there. */
function removeIfEmpty(path: string): void {
  if (existsSync(path) && readdirSync(path).length === 0)
    rmSync(path, { recursive: true });
}

/** A problem with the destination or its state, as the run's outcome; anything else is a bug. */
function asOutcome(error: unknown): RunOutcome {
  if (
    error instanceof WriteError ||
    error instanceof LockedError ||
    error instanceof StateError
  )
    return { exitCode: 1, report: "", error: error.message };
  throw error;
}

/**
 * Runs a decision under the destination's lock and writes it. A dry run takes no lock and creates
 * nothing. A destination this run created is removed again when nothing was written to it.
 */
async function decideAndWrite(
  destination: string,
  dryRun: boolean | undefined,
  decide: () => Promise<Decision>,
  confirm?: Confirm,
): Promise<RunOutcome> {
  if (dryRun) return decide().catch(asOutcome);
  const created = !existsSync(destination);
  let release: (() => void) | undefined;
  try {
    release = acquireLock(destination);
    const resumed = resumeInterruptedWrite(destination);
    const decision = await decide();
    if (confirm && decision.plan?.files && !(await confirm(decision.plan)))
      return {
        exitCode: 1,
        report: "",
        error: "nothing written: you answered no.",
      };
    // Git makes the first commit from the planned files while this process writes them; a run
    // completing one that was killed before its commit was made makes it.
    const firstCommit = decision.gitInit ? decision.files : resumed.firstCommit;
    let committing: Promise<string | undefined> | undefined;
    let wrote: (written: boolean) => void = () => {};
    const written = new Promise<boolean>((resolve) => (wrote = resolve));
    const commit = () => {
      if (firstCommit)
        committing ??= initialCommit(destination, firstCommit, written);
    };
    try {
      await writeFiles(destination, decision.files, decision.removals, {
        firstCommit: decision.gitInit,
        checked: commit,
      });
      wrote(true);
      commit();
    } catch (error) {
      wrote(false);
      await committing;
      throw error;
    }
    const gitReport =
      committing && (await timedAsync("git", () => committing!));
    const notes = [
      ...(resumed.completed.length
        ? [
            `rails-aws: completed the interrupted previous run (${resumed.completed.length} files).`,
          ]
        : []),
      ...resumed.left.map(
        (path) =>
          `warning: ${path} changed since the previous run was interrupted: left as it is.`,
      ),
    ];
    return {
      ...decision,
      report: `${notes.length ? `${notes.join("\n")}\n` : ""}${decision.report}${gitReport ? `${gitReport}\n` : ""}`,
    };
  } catch (error) {
    return asOutcome(error);
  } finally {
    release?.();
    removeIfEmpty(join(destination, STATE_DIR));
    if (created) removeIfEmpty(destination);
  }
}

/**
 * git's side of a first commit, as one shell: each process Node starts costs its main thread
 * milliseconds, and git's steps need each other's outcome only. The shell says it on standard
 * output (the identities, then a blank line) when it is ready for the fast-import stream on
 * standard input, and waits on descriptor 3 until the run says every file is `written` (or closes
 * it: the run failed). Its exit status is the outcome (FIRST_COMMIT_OUTCOME).
 */
const FIRST_COMMIT_SCRIPT = `
command -v git >/dev/null || exit 10
git rev-parse --is-inside-work-tree >/dev/null 2>&1 && exit 11
git init --quiet >/dev/null 2>&1 || exit 12
git var GIT_AUTHOR_IDENT 2>/dev/null && git var GIT_COMMITTER_IDENT 2>/dev/null &&
  echo && git fast-import --quiet >/dev/null && committed=1
read -r written <&3 || exit 13
if [ "$committed" ]; then git read-tree HEAD >/dev/null; exit 0; fi
git add --all -- . ":!$1" >/dev/null
exit 14
`;

/** What FIRST_COMMIT_SCRIPT's exit status says; none: the shell was stopped. */
const FIRST_COMMIT_OUTCOME: Record<number, string | undefined> = {
  0: "git: a new repository, with the generated files as its first commit.",
  10: "git: not installed, so the project is not a repository yet.",
  11: undefined,
  12: "git: git init failed; the project is not a repository yet.",
  14: "git: a new repository with the generated files staged; commit them once git knows who you are (git config user.name and user.email).",
};

/**
 * The first commit as one `git fast-import` stream: the files, then the trees and the commit, go
 * into one pack file. `git add` and `git commit` wrote a loose object, in a folder of its own, for
 * each file and each folder, which took longer than rendering and writing the whole repo.
 */
function firstCommitStream(
  files: PlannedFile[],
  author: string,
  committer: string,
): string {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  return [
    "commit HEAD\n",
    `author ${author}\n`,
    `committer ${committer}\n`,
    data("New Rails app from generator-rails-aws"),
    ...files.map(
      (file) =>
        `M ${file.mode & 0o111 ? "100755" : "100644"} inline ${file.path}\n${data(file.contents)}`,
    ),
  ].join("");
}

/**
 * A new project becomes a git repository with what was generated as its first commit, as
 * `rails new` does, so that the next regeneration's merges show as a diff. A folder already
 * inside a repository (`git rev-parse --is-inside-work-tree`) is left to it; without a git
 * identity (`git var`, by git's own rules, failing as `git commit` would), the files are only
 * staged. The commit is made from the planned files, so it does not wait until they are
 * `written`; a run that could not write everything leaves no repository of its own.
 */
function initialCommit(
  destination: string,
  files: PlannedFile[],
  written: Promise<boolean>,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(
      "/bin/sh",
      ["-c", FIRST_COMMIT_SCRIPT, "sh", LOCK_PATH],
      {
        cwd: destination,
        stdio: ["pipe", "pipe", "ignore", "pipe"],
      },
    );
    // A shell that stops reading (git failed, or it had no need) closes the pipes: its status says so.
    const stdin = child.stdin!;
    const control = child.stdio[3] as Writable;
    for (const pipe of [stdin, control]) pipe.on("error", () => {});
    let identities = "";
    child.stdout!.setEncoding("utf8").on("data", (text: string) => {
      identities += text;
      if (!identities.endsWith("\n\n")) return;
      const [author, committer] = identities.split("\n");
      stdin.end(firstCommitStream(files, author!, committer!));
    });
    void written.then((done) => control.end(done ? "written\n" : undefined));
    child.on("error", () => resolve(FIRST_COMMIT_OUTCOME[10]));
    child.on("close", (status) => {
      if (status === 13) {
        rmSync(join(destination, ".git"), { recursive: true, force: true });
        resolve(undefined);
      } else
        resolve(
          status !== null && status in FIRST_COMMIT_OUTCOME
            ? FIRST_COMMIT_OUTCOME[status]
            : "git: stopped before the first commit was made; the project may not be a repository yet.",
        );
    });
  });
}

export function runParts(request: RunRequest): Promise<RunOutcome> {
  return decideAndWrite(
    request.destination,
    request.dryRun,
    () => decideParts(request),
    request.confirm,
  );
}

export function ejectParts(request: EjectRequest): Promise<RunOutcome> {
  return decideAndWrite(request.destination, request.dryRun, async () => ({
    exitCode: 0,
    ...planEjection(request),
  }));
}
