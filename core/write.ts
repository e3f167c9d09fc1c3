// Writes planned files to disk so that no kill, full disk or stray link leaves the destination
// half-written:
// - everything that can be known before the first write is checked first (a file where a folder
//   must be, a read-only file, a link out of the destination, free space), and nothing is written
//   when any check fails;
// - every file is first written to a temporary file beside it, and only once all of them are does
//   the run replace any file, by renaming: a run stopped before then (a full disk) has changed
//   nothing, and a file is either as it was or as planned, never torn;
// - the run's intent (every file, with digests of what it replaces and of what it writes) is
//   recorded in a journal, so that a run killed while renaming is completed by the next one from
//   its temporary files (resumeInterruptedWrite). The journal holds digests, not contents: the
//   contents are on disk once, in the temporary files.
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statfsSync,
  type Stats,
  unlinkSync,
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
  /** sha256 of what the run writes; null: the run removes the file. */
  planned: string | null;
  /** The planned file's mode, for a first commit the next run makes (see Resumed). */
  mode: number;
  /** sha256 of what the file held before the run; null: it did not exist. */
  before: string | null;
}

interface Journal {
  files: JournalEntry[];
  /** The run also makes the destination's first commit (see WriteOptions). */
  firstCommit?: true;
  /**
   * The temporary files are still being written: no file has been replaced yet, and a run killed
   * now is undone by the next one (its temporary files removed) rather than completed.
   */
  staging?: true;
  /** While staging: the folders the run makes, relative to the destination, each after its own. */
  folders?: string[];
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

/** Where a planned file really goes, and what is there now (undefined: nothing). */
interface Target {
  path: string;
  stat?: Stats;
}

/**
 * Where a planned file really goes: links inside the destination are followed, a link that leads
 * out of it is refused by name, and a file standing where a folder must be is refused. The
 * folders the file needs that do not exist yet are added to `missing`. `seen` keeps each path's
 * status for the next file, which is mostly in the same folders.
 */
function targetOf(
  root: string,
  path: string,
  missing = new Set<string>(),
  seen = new Map<string, Stats | undefined>(),
): Target {
  const segments = path.split("/");
  let current = root;
  for (const [index, segment] of segments.entries()) {
    current = join(current, segment);
    let stat = seen.has(current)
      ? seen.get(current)
      : lstatOrUndefined(current);
    seen.set(current, stat);
    if (!stat) {
      const target = join(current, ...segments.slice(index + 1));
      for (
        let folder = dirname(target);
        folder.length >= current.length;
        folder = dirname(folder)
      )
        missing.add(folder);
      return { path: target };
    }
    const shown = relative(root, current);
    if (stat.isSymbolicLink()) {
      const resolved = existsSync(current) ? realpathSync(current) : undefined;
      if (!resolved || !inside(root, resolved))
        throw new WriteError(
          `${shown} is a symbolic link to ${resolved ?? "a missing file"}, outside the destination: the generator never writes through it. Replace the link by a real ${index < segments.length - 1 ? "folder" : "file"}, or remove it.`,
        );
      current = resolved;
      stat = lstatSync(current);
    }
    if (index < segments.length - 1 && !stat.isDirectory())
      throw new WriteError(
        `${shown} is a file where the generator needs a folder (for ${path}): move it away and run again.`,
      );
    if (index === segments.length - 1) return { path: current, stat };
  }
  return { path: current };
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

function readOnlyProblem({ stat }: Target, path: string): string | undefined {
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

/**
 * Checks everything that can fail before the first write; returns each file's real target, and
 * the folders to make (relative to the destination), each after the folder it is in.
 */
function preflight(
  destination: string,
  files: PlannedFile[],
): { root: string; targets: Target[]; folders: string[] } {
  mkdirSync(destination, { recursive: true });
  const root = realpathSync(destination);
  const problems: string[] = [];
  const missing = new Set<string>();
  const seen = new Map<string, Stats | undefined>();
  const targets = files.map((file) => {
    try {
      const target = targetOf(root, file.path, missing, seen);
      const problem = readOnlyProblem(target, file.path);
      if (problem) problems.push(problem);
      return target;
    } catch (error) {
      if (!(error instanceof WriteError)) throw error;
      problems.push(error.message);
      return { path: "" };
    }
  });
  const space = spaceProblem(root, files);
  if (space) problems.push(space);
  if (problems.length)
    throw new WriteError(
      `nothing written, because:\n${problems.map((problem) => `  ${problem}`).join("\n")}`,
    );
  const folders = [...missing].map((folder) => relative(root, folder)).sort();
  return { root, targets, folders };
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
 * Undoes a run stopped before it replaced any file: its temporary files and journal go, and the
 * folders it made, where they are empty again.
 */
function undoStaging(root: string, targets: Target[], folders: string[]) {
  for (const target of targets)
    rmSync(temporaryOf(target.path), { force: true });
  for (const journal of [JOURNAL_PATH, temporaryOf(JOURNAL_PATH)])
    rmSync(join(root, journal), { force: true });
  for (const folder of [...folders].reverse())
    try {
      rmdirSync(join(root, folder));
    } catch {
      // Not empty, or gone: something else is in it.
    }
}

/**
 * Writes contents to the temporary file beside a target, which a rename later puts in its place;
 * the folder exists. Not flushed to the device: a killed process loses nothing the kernel
 * already has, and only a power cut would need it.
 */
function writeTemporary(
  { path, stat: existing }: Target,
  contents: string,
  mode: number,
): string {
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
  return temporary;
}

/** The journal, replaced as a whole: it is either the previous one or this one. */
function recordJournal(destination: string, journal: Journal): void {
  const path = join(destination, JOURNAL_PATH);
  renameSync(
    writeTemporary({ path }, `${JSON.stringify(journal)}\n`, 0o644),
    path,
  );
}

function digestOf(path: string): string | null {
  return existsSync(path) ? sha256(readFileSync(path)) : null;
}

/** Carries out one journal entry whose temporary file is written: the file replaced, or removed. */
function replace({ path: target }: Target, entry: JournalEntry): void {
  if (entry.planned === null) rmSync(target, { force: true });
  else renameSync(temporaryOf(target), target);
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
    const { root, targets, folders } = preflight(destination, [
      ...files,
      ...removals.map((path) => ({ path, contents: "", mode: 0o644 })),
    ]);
    const journal: Journal = {
      files: [
        ...files.map(({ path, contents, mode }) => ({
          path,
          planned: sha256(contents),
          mode,
        })),
        ...removals.map((path) => ({ path, planned: null, mode: 0 })),
      ].map((entry, index) => ({
        ...entry,
        before: targets[index]!.stat ? digestOf(targets[index]!.path) : null,
      })),
      ...(firstCommit && { firstCommit }),
    };
    let writing = JOURNAL_PATH;
    try {
      recordJournal(root, { ...journal, staging: true, folders });
      for (const folder of folders) mkdirSync(join(root, folder));
      for (const [index, file] of files.entries()) {
        writing = file.path;
        writeTemporary(targets[index]!, file.contents, file.mode);
        await new Promise(setImmediate);
      }
      writing = JOURNAL_PATH;
      recordJournal(root, journal);
    } catch (error) {
      undoStaging(root, targets, folders);
      throw new WriteError(
        `writing ${writing} failed: ${(error as Error).message}. Nothing was changed: fix the cause and run the same command again.`,
      );
    }
    for (const [index, entry] of journal.files.entries())
      try {
        replace(targets[index]!, entry);
      } catch (error) {
        throw new WriteError(
          `writing ${entry.path} failed: ${(error as Error).message}. The files not yet written are recorded in ${JOURNAL_PATH}: fix the cause and run the same command again to complete the run.`,
        );
      }
    unlinkSync(join(destination, JOURNAL_PATH));
  });
}

export interface Resumed {
  /** Files the interrupted run had still to write, written now. */
  completed: string[];
  /**
   * Files left as they are: changed since the interruption, or their temporary file is gone or
   * not what the run wrote.
   */
  left: string[];
  /**
   * The interrupted run's files, when it was making the destination's first commit and left the
   * repository unfinished (no index yet): that repository is removed, to be made again.
   */
  firstCommit?: PlannedFile[];
}

const isDigest = (value: unknown) =>
  value === null || (typeof value === "string" && /^[0-9a-f]{64}$/.test(value));

function readJournal(path: string): Journal {
  try {
    const journal = JSON.parse(readFileSync(path, "utf8")) as Journal;
    if (!Array.isArray(journal.files)) throw new Error("no list of files");
    for (const entry of journal.files)
      if (
        typeof entry.path !== "string" ||
        !isDigest(entry.planned) ||
        !isDigest(entry.before)
      )
        throw new Error(`not a file entry: ${JSON.stringify(entry)}`);
    for (const folder of journal.folders ?? [])
      if (typeof folder !== "string" || !inside(".", folder))
        throw new Error(`not a folder inside the destination: ${folder}`);
    return journal;
  } catch (error) {
    throw new WriteError(
      `${JOURNAL_PATH} records a run that was interrupted, but cannot be read (${(error as Error).message}). Remove it and run again: files that run did not finish are then treated as yours.`,
    );
  }
}

/** What a file holds if it holds what the journal planned for it. */
function holdingPlanned(path: string, planned: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const contents = readFileSync(path, "utf8");
  return sha256(contents) === planned ? contents : undefined;
}

/**
 * Ends a run that was killed while writing. Killed while its temporary files were written: none
 * of its files was replaced, and its temporary files go. Killed while renaming: each file still
 * as it was before that run gets what that run planned, from its temporary file; a file changed
 * since is left alone and named.
 */
export function resumeInterruptedWrite(destination: string): Resumed {
  const path = join(destination, JOURNAL_PATH);
  const resumed: Resumed = { completed: [], left: [] };
  if (!existsSync(path)) return resumed;
  const { files, firstCommit, staging, folders } = readJournal(path);
  const root = realpathSync(destination);
  const targets = files.map((entry) => targetOf(root, entry.path));
  if (staging) {
    undoStaging(root, targets, folders ?? []);
    return resumed;
  }
  const committed: PlannedFile[] = [];
  for (const [index, entry] of files.entries()) {
    const target = targets[index]!;
    const temporary = temporaryOf(target.path);
    if (firstCommit && entry.planned !== null) {
      const contents =
        holdingPlanned(target.path, entry.planned) ??
        holdingPlanned(temporary, entry.planned);
      if (contents !== undefined)
        committed.push({ path: entry.path, contents, mode: entry.mode });
    }
    // A file that holds what was planned was renamed before the kill.
    const now = digestOf(target.path);
    if (now !== entry.planned) {
      const completable =
        now === entry.before &&
        (entry.planned === null || digestOf(temporary) === entry.planned);
      if (completable) replace(target, entry);
      (completable ? resumed.completed : resumed.left).push(entry.path);
    }
    rmSync(temporary, { force: true });
  }
  if (firstCommit && !existsSync(join(destination, ".git", "index"))) {
    rmSync(join(destination, ".git"), { recursive: true, force: true });
    resumed.firstCommit = committed;
  }
  rmSync(path);
  return resumed;
}
