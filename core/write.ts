// Writes planned files to disk so that no kill, full disk or stray link leaves the destination
// half-written:
// - everything that can be known before the first write is checked first (a file where a folder
//   must be, a read-only file, a link out of the destination, free space), and nothing is written
//   when any check fails;
// - the run's intent (every file with what it replaces) is recorded in a journal before the first
//   write, so that a run killed halfway is completed by the next one (resumeInterruptedWrite);
// - each file is written to a temporary file beside it and renamed over the old one, so a file is
//   either as it was or as planned, never torn.
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative } from "node:path";
import { sha256 } from "./manifest.js";
import { STATE_DIR } from "./paths.js";
import type { PlannedFile } from "./render.js";
import { timedAsync } from "./timings.js";

export const JOURNAL_PATH = `${STATE_DIR}/pending-run.json`;

/** A problem with the destination, in the user's terms: the path and what to do. */
export class WriteError extends Error {}

interface JournalEntry {
  path: string;
  /** What the run writes; null: the run removes the file. */
  contents: string | null;
  mode: number;
  /** sha256 of what the file held before the run; null: it did not exist. */
  before: string | null;
}

const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
};

/**
 * A path's own status, undefined when nothing is there. throwIfNoEntry covers ENOENT only: a path
 * through a file (ENOTDIR), which the checks then name, still throws.
 */
function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * Where a planned file really goes: links inside the destination are followed, a link that leads
 * out of it is refused by name, and a file standing where a folder must be is refused.
 */
function targetOf(root: string, path: string): string {
  const segments = path.split("/");
  let current = root;
  for (const [index, segment] of segments.entries()) {
    current = join(current, segment);
    const stat = lstatOrUndefined(current);
    if (!stat) return join(current, ...segments.slice(index + 1));
    const shown = relative(root, current);
    if (stat.isSymbolicLink()) {
      const resolved = existsSync(current) ? realpathSync(current) : undefined;
      if (!resolved || !inside(root, resolved))
        throw new WriteError(
          `${shown} is a symbolic link to ${resolved ?? "a missing file"}, outside the destination: the generator never writes through it. Replace the link by a real ${index < segments.length - 1 ? "folder" : "file"}, or remove it.`,
        );
      current = resolved;
    }
    if (index < segments.length - 1 && !statSync(current).isDirectory())
      throw new WriteError(
        `${shown} is a file where the generator needs a folder (for ${path}): move it away and run again.`,
      );
  }
  return current;
}

const folderInPlaceOfFile = (path: string) =>
  `${path} is a folder where the generator writes a file: move it away and run again.`;

/**
 * A file of the destination as it is now (path relative to it), for the update decision: a folder
 * or an unreadable file in its place is named, with what to do, rather than failing with EISDIR.
 */
export function readInDestination(destination: string, path: string): Buffer {
  try {
    return readFileSync(join(destination, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EISDIR") throw new WriteError(folderInPlaceOfFile(path));
    if (code === "EACCES")
      throw new WriteError(
        `${path} cannot be read: make it readable (chmod u+r ${path}) and run again.`,
      );
    throw new WriteError(`${path} cannot be read: ${(error as Error).message}`);
  }
}

function readOnlyProblem(target: string, path: string): string | undefined {
  const stat = lstatOrUndefined(target);
  if (stat && stat.isDirectory()) return folderInPlaceOfFile(path);
  if (stat && (stat.mode & 0o200) === 0)
    return `${path} is read-only (mode ${(stat.mode & 0o777).toString(8)}): make it writable (chmod u+w ${path}) or run without the part that writes it.`;
  return undefined;
}

/** The nearest folder of path that exists, where free space is measured. */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current)) current = dirname(current);
  return current;
}

/** Room for the files, their temporary copies and the journal, with a margin. */
function spaceProblem(root: string, files: PlannedFile[]): string | undefined {
  const bytes = files.reduce(
    (sum, file) => sum + Buffer.byteLength(file.contents),
    0,
  );
  const needed = 3 * bytes + 1024 * 1024;
  const { bavail, bsize } = statfsSync(existingAncestor(root));
  const free = bavail * bsize;
  return free < needed
    ? `not enough free space in ${root}: ${Math.ceil(needed / 1024)} KiB needed, ${Math.floor(free / 1024)} KiB free. Free some space and run again.`
    : undefined;
}

/** Checks everything that can fail before the first write; returns each file's real target. */
function preflight(destination: string, files: PlannedFile[]): string[] {
  mkdirSync(destination, { recursive: true });
  const root = realpathSync(destination);
  const problems: string[] = [];
  const targets = files.map((file) => {
    try {
      const target = targetOf(root, file.path);
      const problem = readOnlyProblem(target, file.path);
      if (problem) problems.push(problem);
      return target;
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      problems.push(error.message);
      return "";
    }
  });
  const space = spaceProblem(root, files);
  if (space) problems.push(space);
  if (problems.length)
    throw new WriteError(
      `nothing written, because:\n${problems.map((problem) => `  ${problem}`).join("\n")}`,
    );
  return targets;
}

/** The temporary file a write goes through; one name per target, so a resumed run finds it. */
const temporaryOf = (path: string) =>
  join(dirname(path), `.${basename(path)}.rails-aws-tmp`);

/** Opens a new temporary file; one left by a killed run (or anything else there) goes first. */
function createTemporary(temporary: string, mode: number): number {
  try {
    return openSync(temporary, "wx", mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    rmSync(temporary, { force: true });
    return openSync(temporary, "wx", mode);
  }
}

/**
 * Writes contents to a temporary file beside path, then renames it over path. Not flushed to the
 * device: a killed process loses nothing the kernel already has, and only a power cut would need it.
 * `folders` are those known to exist already, so that a run makes each folder once, not per file.
 */
function replaceAtomically(
  path: string,
  contents: string,
  mode: number,
  folders = new Set<string>(),
) {
  const folder = dirname(path);
  if (!folders.has(folder)) {
    mkdirSync(folder, { recursive: true });
    folders.add(folder);
  }
  const existing = lstatOrUndefined(path);
  const temporary = temporaryOf(path);
  // A new file is created through the umask; an existing one keeps the user's mode, but becomes
  // executable where the generator's file is a script.
  const finalMode = existing
    ? (existing.mode & 0o7777) |
      (mode & 0o111 ? (existing.mode & 0o444) >> 2 : 0)
    : mode;
  const fd = createTemporary(temporary, finalMode);
  try {
    writeSync(fd, contents);
  } catch (error) {
    // A full disk: the half-written copy goes, the file stays as it was.
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(temporary, path);
}

function digestOf(path: string): string | null {
  return existsSync(path) ? sha256(readFileSync(path)) : null;
}

function failedWrite(path: string, error: unknown): WriteError {
  return new WriteError(
    `writing ${path} failed: ${(error as Error).message}. The files not yet written are recorded in ${JOURNAL_PATH}: fix the cause and run the same command again to complete the run.`,
  );
}

/** Carries out one journal entry: the file as planned, or removed. */
function apply(
  target: string,
  entry: JournalEntry,
  folders?: Set<string>,
): void {
  if (entry.contents === null) rmSync(target, { force: true });
  else replaceAtomically(target, entry.contents, entry.mode, folders);
}

export interface WriteOptions {
  /**
   * The run also makes the destination's first commit: the journal says so, so that the run that
   * completes this one after a kill makes it too (see resumeInterruptedWrite).
   */
  firstCommit?: boolean;
}

/**
 * Writes files and removes others, all or nothing as far as can be known in advance. Between
 * files, the event loop turns, so that what runs beside the writes can move on.
 */
export async function writeFiles(
  destination: string,
  files: PlannedFile[],
  removals: string[] = [],
  { firstCommit }: WriteOptions = {},
): Promise<void> {
  if (files.length === 0 && removals.length === 0) return;
  await timedAsync("write", async () => {
    const targets = preflight(destination, [
      ...files,
      ...removals.map((path) => ({ path, contents: "", mode: 0o644 })),
    ]);
    const journal: JournalEntry[] = [
      ...files,
      ...removals.map((path) => ({ path, contents: null, mode: 0 })),
    ].map((entry, index) => ({ ...entry, before: digestOf(targets[index]!) }));
    replaceAtomically(
      join(destination, JOURNAL_PATH),
      `${JSON.stringify({ files: journal, ...(firstCommit && { firstCommit }) })}\n`,
      0o644,
    );
    const folders = new Set<string>();
    for (const [index, entry] of journal.entries()) {
      try {
        apply(targets[index]!, entry, folders);
      } catch (error) {
        throw failedWrite(entry.path, error);
      }
      await new Promise(setImmediate);
    }
    rmSync(join(destination, JOURNAL_PATH));
  });
}

export interface Resumed {
  /** Files the interrupted run had still to write, written now. */
  completed: string[];
  /** Files changed since the interruption: left as they are. */
  left: string[];
  /**
   * The interrupted run's files, when it was making the destination's first commit and left the
   * repository unfinished (no index yet): that repository is removed, to be made again.
   */
  firstCommit?: PlannedFile[];
}

/**
 * Completes a run that was killed while writing: each file still as it was before that run gets
 * what that run planned; a file changed since is left alone and named.
 */
export function resumeInterruptedWrite(destination: string): Resumed {
  const path = join(destination, JOURNAL_PATH);
  const resumed: Resumed = { completed: [], left: [] };
  if (!existsSync(path)) return resumed;
  let files: JournalEntry[];
  let firstCommit: boolean | undefined;
  try {
    ({ files, firstCommit } = JSON.parse(readFileSync(path, "utf8")) as {
      files: JournalEntry[];
      firstCommit?: boolean;
    });
    if (!Array.isArray(files)) throw new Error("no list of files");
  } catch (error) {
    throw new WriteError(
      `${JOURNAL_PATH} records a run that was interrupted, but cannot be read (${(error as Error).message}). Remove it and run again: files that run did not finish are then treated as yours.`,
    );
  }
  const root = realpathSync(destination);
  for (const file of files) {
    const target = targetOf(root, file.path);
    rmSync(temporaryOf(target), { force: true });
    const now = digestOf(target);
    const planned = file.contents === null ? null : sha256(file.contents);
    if (now === planned) continue;
    if (now === file.before) {
      apply(target, file);
      resumed.completed.push(file.path);
    } else resumed.left.push(file.path);
  }
  if (firstCommit && !existsSync(join(destination, ".git", "index"))) {
    rmSync(join(destination, ".git"), { recursive: true, force: true });
    resumed.firstCommit = files.flatMap(({ path, contents, mode }) =>
      contents === null ? [] : [{ path, contents, mode }],
    );
  }
  rmSync(path);
  return resumed;
}
