// What every adapter does with one run: one at a time per destination, complete a run that was
// interrupted, generate, write what the core decided, and say what happened with which exit code.
// The CLI and the Yeoman generators only print the outcome.
import { spawn } from "node:child_process";
import type { Writable } from "node:stream";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { planEjection, type EjectRequest } from "./eject.js";
import {
  filesToRemove,
  filesToWrite,
  generate,
  type GenerateRequest,
} from "./generate.js";
import { acquireLock, alive, LOCK_PATH, LockedError } from "./lock.js";
import { MANIFEST_PATH, StateError } from "./manifest.js";
import { STATE_DIR } from "./paths.js";
import { YO_RC } from "./state.js";
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
    // Only a run that asks before writing shows it: its cost estimate takes a run milliseconds.
    plan: request.confirm && {
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

/** A folder holding no project yet: nothing but the state of a run that wrote no file. */
function holdsNothingYet(destination: string): boolean {
  return (
    !existsSync(join(destination, MANIFEST_PATH)) &&
    readdirSync(destination).every(
      (name) => name === STATE_DIR || name === YO_RC,
    )
  );
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
 * `mayInitGit`: the decision may make a new project's first commit (runs without --skip-git).
 */
async function decideAndWrite(
  destination: string,
  dryRun: boolean | undefined,
  decide: () => Promise<Decision>,
  {
    confirm,
    mayInitGit = false,
  }: { confirm?: Confirm; mayInitGit?: boolean } = {},
): Promise<RunOutcome> {
  if (dryRun) return decide().catch(asOutcome);
  const created = !existsSync(destination);
  let release: (() => void) | undefined;
  let git: FirstCommit | undefined;
  try {
    release = acquireLock(destination);
    removeUnfinishedRepository(destination);
    const resumed = resumeInterruptedWrite(destination);
    // Git makes the repository while the files are rendered, where a first commit is likely and
    // nobody is asked before: a run that makes none after all removes it. Likely: a folder with
    // nothing in it yet but the run's state, so that no decision reads a repository of the run's
    // own (an existing app's .gitignore is asked of git only where it is the user's repository).
    if (
      !confirm &&
      (resumed.firstCommit || (mayInitGit && holdsNothingYet(destination)))
    )
      git = await startFirstCommit(destination);
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
    if (firstCommit)
      await (git ??= await startFirstCommit(destination)).commit(firstCommit);
    await writeFiles(destination, decision.files, decision.removals, {
      firstCommit: decision.gitInit,
    });
    const gitReport =
      firstCommit && (await timedAsync("git", () => git!.written()));
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
    // A run that stops short of writing everything: git first removes what it began.
    await git?.abandon();
    release?.();
    removeIfEmpty(join(destination, STATE_DIR));
    if (created) removeIfEmpty(destination);
  }
}

/**
 * In the .git of a repository a run has begun and not yet finished writing the files of (its
 * first commit's), with the process id of the shell making it (FIRST_COMMIT_SCRIPT): the next
 * run removes that repository and begins again, a folder with a repository being otherwise left
 * to it.
 */
const UNFINISHED_MARK = "rails-aws-unfinished";

/**
 * Removes a repository a killed run began. Its shell outlives the run and may still be writing in
 * it (fast-import, then read-tree): it is waited for first, a few seconds at most.
 */
function removeUnfinishedRepository(destination: string): void {
  const mark = join(destination, ".git", UNFINISHED_MARK);
  if (!existsSync(mark)) return;
  const shell = Number(readFileSync(mark, "utf8"));
  const giveUp = Date.now() + 3000;
  while (shell > 0 && alive(shell) && Date.now() < giveUp)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  rmSync(join(destination, ".git"), { recursive: true, force: true });
}

/**
 * git's side of a first commit, as one shell: each process Node starts costs its main thread
 * milliseconds, and git's steps need each other's outcome only. The shell prints the identities
 * (none, or one, when git cannot tell who commits), then a blank line; reads `commit` on
 * descriptor 3 (the run's files are then on standard input as a fast-import stream, of the commit
 * or, without identities, of the files' blobs alone, which `git add` then finds stored; the index
 * is the commit's, made without waiting for the files), then `written`, once every file is.
 * `stop` instead: the run stopped, the repository goes. The end of descriptor 3 instead: the run
 * was killed; the next one removes the repository (the mark), once this shell has ended. Its exit
 * status is the outcome (FIRST_COMMIT_OUTCOME).
 * fast-import is what the run waits for at its end. It packs at zlib's fastest level: the stream
 * (some 800 KB, half of it the manifest) spent half of fast-import's time in zlib at git's
 * default level, a quarter at this one, for a pack 15% larger. And it stores no deltas
 * (--depth=0): it tried each file against the one before it in the stream, unrelated files,
 * which took a third of its time (48 ms, 32 without) and made the pack 4% larger, not smaller.
 */
const FIRST_COMMIT_SCRIPT = `
mark=$1
command -v git >/dev/null || exit 10
git rev-parse --is-inside-work-tree >/dev/null 2>&1 && exit 11
mkdir .git 2>/dev/null && echo $$ >".git/$mark"
git init --quiet >/dev/null 2>&1 || { [ -e ".git/$mark" ] && rm -rf .git; exit 12; }
git var GIT_AUTHOR_IDENT 2>/dev/null && git var GIT_COMMITTER_IDENT 2>/dev/null && known=1
echo
# A repository this shell did not begin (no mark) is never removed.
next() { read -r line <&3 || exit 13; [ "$line" = "$1" ] || { [ -e ".git/$mark" ] && rm -rf .git; exit 13; }; }
next commit
git -c pack.compression=1 fast-import --quiet --depth=0 >/dev/null && [ "$known" ] &&
  committed=1 && git read-tree HEAD >/dev/null
next written
rm -f ".git/$mark"
[ "$committed" ] && exit 0
git add --all -- . ":!$2" >/dev/null
exit 14
`;

/** What FIRST_COMMIT_SCRIPT's exit status says; none: the shell was stopped. */
const FIRST_COMMIT_OUTCOME: Record<number, string | undefined> = {
  0: "git: a new repository, with the generated files as its first commit.",
  10: "git: not installed, so the project is not a repository yet.",
  11: undefined,
  12: "git: git init failed; the project is not a repository yet.",
  13: undefined,
  14: "git: a new repository with the generated files staged; commit them once git knows who you are (git config user.name and user.email).",
};

/**
 * The first commit as one `git fast-import` stream: the files, then the trees and the commit, go
 * into one pack file. `git add` and `git commit` wrote a loose object, in a folder of its own, for
 * each file and each folder, which took longer than rendering and writing the whole repo. Without
 * both identities, the stream holds the files alone, for `git add` to find them in the pack.
 */
function firstCommitStream(
  files: PlannedFile[],
  [author, committer]: string[],
): string {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  if (!author || !committer)
    return files.map((file) => `blob\n${data(file.contents)}`).join("");
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
 * A new project's first commit, begun before the run knows it makes one: see startFirstCommit.
 * `commit` gives git the files; `written` says every file is, and waits for what git did, for
 * the report; `abandon` (a run that stops before) has git remove the repository, and waits.
 */
interface FirstCommit {
  commit(files: PlannedFile[]): Promise<void>;
  written(): Promise<string | undefined>;
  abandon(): Promise<unknown>;
}

/**
 * A new project becomes a git repository with what was generated as its first commit, as
 * `rails new` does, so that the next regeneration's merges show as a diff. A folder already
 * inside a repository (`git rev-parse --is-inside-work-tree`) is left to it; without a git
 * identity (`git var`, by git's own rules, failing as `git commit` would), the files are only
 * staged. The commit is made from the planned files, so it does not wait until they are
 * written; a run that could not write everything leaves no repository of its own.
 */
async function startFirstCommit(destination: string): Promise<FirstCommit> {
  const child = spawn(
    "/bin/sh",
    ["-c", FIRST_COMMIT_SCRIPT, "sh", UNFINISHED_MARK, LOCK_PATH],
    { cwd: destination, stdio: ["pipe", "pipe", "ignore", "pipe"] },
  );
  // A shell that stops reading (git failed, or it had no need) closes the pipes: its status says so.
  const stdin = child.stdin!;
  const control = child.stdio[3] as Writable;
  for (const pipe of [stdin, control]) pipe.on("error", () => {});
  let identities = "";
  let files: PlannedFile[] | undefined;
  const feed = () => {
    if (!files || !/(^|\n)\n$/.test(identities)) return;
    stdin.end(firstCommitStream(files, identities.split("\n").filter(Boolean)));
    files = undefined; // Sent: a second end() would destroy the stream before it is written.
  };
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    identities += text;
    feed();
  });
  const outcome = new Promise<string | undefined>((resolve) => {
    child.on("error", () => resolve(FIRST_COMMIT_OUTCOME[10]));
    child.on("close", (status) =>
      resolve(
        status !== null && status in FIRST_COMMIT_OUTCOME
          ? FIRST_COMMIT_OUTCOME[status]
          : "git: stopped before the first commit was made; the project may not be a repository yet.",
      ),
    );
  });
  // The shell's output is read from the loop's turn after this one on: a turn now, so that what
  // it prints while the files are rendered (which holds the loop) is read at the next.
  await new Promise(setImmediate);
  return {
    async commit(planned) {
      files = planned;
      control.write("commit\n");
      // The render turned the event loop only at promises: what the shell printed meanwhile (the
      // identities) is read now, so that the stream goes before the checks and the journal.
      await new Promise(setImmediate);
      feed();
    },
    written() {
      control.end("written\n");
      return outcome;
    },
    abandon() {
      if (!control.writableEnded) control.end("stop\n");
      return outcome;
    },
  };
}

export function runParts(request: RunRequest): Promise<RunOutcome> {
  return decideAndWrite(
    request.destination,
    request.dryRun,
    () => decideParts(request),
    { confirm: request.confirm, mayInitGit: !request.skipGit },
  );
}

export function ejectParts(request: EjectRequest): Promise<RunOutcome> {
  return decideAndWrite(request.destination, request.dryRun, async () => ({
    exitCode: 0,
    ...planEjection(request),
  }));
}
