// Decides, file by file, what a run does with the generator's output. This is the update
// algorithm, kept in one place (docs/regeneration.md draws it):
//
//   on disk?  in manifest?  decision
//   no        no            create
//   no        yes           deleted: the user deleted it; it stays deleted unless restoreDeleted
//   = output  any           unchanged
//   yes       no, or as     the app's own file (onboarding): adopted by the part's rule
//             the app's     (create-only files are kept; Gemfile and routes get only what is
//                           missing, and never again what the user removed), else never merged:
//                           the output is proposed beside it, in <path>.rails-aws-proposal, a
//                           conflict until the user deletes the proposal, and again whenever
//                           the output changes
//   has conflict markers    conflict, untouched, until the user resolves it
//   = base    yes           update: the user did not touch it
//   yes       output = base kept: the user changed it, the generator did not
//   yes       yes           three-way merge of yours, base and output: merged, or conflict
//   not UTF-8 any           conflict, the file untouched: a merge over text would change its bytes
//
// Modes are compared on the executable bit alone: a script the generator writes must be
// executable; any other mode is the user's.
//
// A file the manifest gives to a part of this run that the part no longer generates (the app
// was renamed, an environment dropped) is removed when it is as generated, and left as the
// user's own, with a word, when it was edited. The app's own files are never removed.
//
// --force replaces every kept, merged or conflicting file by the output, and says so.
import { isUtf8 } from "node:buffer";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { comparePaths } from "./paths.js";
import type { Manifest, ManifestEntry } from "./manifest.js";
import { hasConflictMarkers, mergeThreeWay } from "./merge.js";
import type { Adoption } from "./parts/part.js";
import type { PlannedFile } from "./render.js";
import { readInDestination } from "./write.js";

export type Action =
  | "create"
  | "update"
  | "unchanged"
  | "kept"
  | "merged"
  | "conflict"
  | "overwrite"
  | "deleted"
  /** No longer generated, and as generated: removed. */
  | "removed"
  /** No longer generated, but edited: left as the user's own. */
  | "orphaned";

export interface Change {
  path: string;
  mode: number;
  action: Action;
  /** The generator's output for this path. */
  generated: string;
  /** What the run writes (the output, or a merge), when the action writes. */
  contents: string;
  /** What was on disk before, for diffs. */
  previous?: string;
  /** Whether the manifest records this file as the generator's. */
  tracked: boolean;
  /** Not UTF-8 on disk: never merged, never written but by --force. */
  binary?: boolean;
  /** The app's own file: the output is written to this path beside it, not to it. */
  proposal?: string;
  /** The app's own file, recorded as such in the manifest (never merged into, never removed). */
  appOwned?: boolean;
  /** What the part's adoption has added to the app's file so far. */
  added?: string[];
  /** What the adoption added by this run. */
  addedNow?: string[];
  /** What the adoption could not do, for the user. */
  note?: string;
}

/** Where the generator's version of an app's own file is written: beside it. */
export const proposalPath = (path: string) => `${path}.rails-aws-proposal`;

export interface PlanOptions {
  /** The parts of this run: files the manifest gives them that they no longer write are orphans. */
  parts: string[];
  /** Whether this run is every part: then files of old manifests, which name no part, count too. */
  allParts: boolean;
  force?: boolean;
  restoreDeleted?: boolean;
  adoptionOf?: (path: string) => Adoption | undefined;
}

const WRITES: ReadonlySet<Action> = new Set([
  "create",
  "update",
  "merged",
  "conflict",
  "overwrite",
]);

type Decision = Pick<
  Change,
  | "action"
  | "contents"
  | "binary"
  | "proposal"
  | "appOwned"
  | "added"
  | "addedNow"
  | "note"
> & {
  tracked?: boolean;
  previous?: string;
};

function merged(onDisk: string, base: string, file: PlannedFile): Decision {
  const result = mergeThreeWay(onDisk, base, file.contents);
  return {
    action: result.conflict ? "conflict" : "merged",
    contents: result.contents,
  };
}

const readIfExists = (path: string) =>
  existsSync(path) ? readFileSync(path, "utf8") : undefined;

/**
 * The app's own file: adopted by the part's rule, else left as it is with the output proposed
 * beside it until the user has dealt with the proposal of this very output (deleted it).
 */
function adopt(
  onDisk: string,
  file: PlannedFile,
  destination: string,
  entry: ManifestEntry | undefined,
  adoption: Adoption | undefined,
  force: boolean,
): Decision {
  if (adoption === "keep")
    return { action: "kept", contents: onDisk, tracked: false };
  if (adoption) {
    const before = entry?.added ?? [];
    const adopted = adoption(onDisk, file.contents, before);
    return {
      action: adopted.contents === onDisk ? "unchanged" : "merged",
      contents: adopted.contents,
      appOwned: true,
      added: adopted.added,
      addedNow: adopted.added.filter((item) => !before.includes(item)),
      ...(adopted.note ? { note: adopted.note } : {}),
    };
  }
  if (force) return { action: "overwrite", contents: file.contents };
  const proposal = proposalPath(file.path);
  const proposed = readIfExists(join(destination, proposal));
  if (proposed === undefined && entry?.base === file.contents)
    return { action: "kept", contents: onDisk, appOwned: true };
  return {
    action: "conflict",
    contents: file.contents,
    previous: proposed,
    proposal,
    appOwned: true,
  };
}

function decide(
  file: PlannedFile,
  destination: string,
  entry: ManifestEntry | undefined,
  options: PlanOptions,
): Decision {
  const path = join(destination, file.path);
  const force = options.force ?? false;
  if (!existsSync(path))
    return entry && !options.restoreDeleted
      ? { action: "deleted", contents: file.contents }
      : { action: "create", contents: file.contents };
  const bytes = readInDestination(destination, file.path);
  const onDisk = bytes.toString("utf8");
  const previous = { previous: onDisk };
  if (onDisk === file.contents) {
    const needsExecutable =
      (file.mode & 0o111) !== 0 && (statSync(path).mode & 0o111) === 0;
    return {
      ...previous,
      action: needsExecutable ? "update" : "unchanged",
      contents: file.contents,
    };
  }
  if (!isUtf8(bytes))
    return force
      ? { ...previous, action: "overwrite", contents: file.contents }
      : { ...previous, action: "conflict", contents: onDisk, binary: true };
  if (!entry || entry.appOwned)
    return {
      ...previous,
      ...adopt(
        onDisk,
        file,
        destination,
        entry,
        options.adoptionOf?.(file.path),
        force,
      ),
    };
  if (onDisk === entry.base)
    return { ...previous, action: "update", contents: file.contents };
  if (force)
    return { ...previous, action: "overwrite", contents: file.contents };
  // Unresolved markers from an earlier run stay a conflict until the user resolves them, even
  // when the output changed since: merging over them would hide them among "merged" files.
  if (hasConflictMarkers(onDisk))
    return { ...previous, action: "conflict", contents: onDisk };
  if (file.contents === entry.base)
    return { ...previous, action: "kept", contents: onDisk };
  return { ...previous, ...merged(onDisk, entry.base, file) };
}

export function planChanges(
  files: PlannedFile[],
  destination: string,
  manifest: Manifest,
  options: PlanOptions,
): Change[] {
  const generated = files.map((file): Change => {
    const decision = decide(
      file,
      destination,
      manifest.files[file.path],
      options,
    );
    return {
      path: file.path,
      mode: file.mode,
      generated: file.contents,
      tracked: true,
      ...decision,
    };
  });
  return [...generated, ...orphans(files, destination, manifest, options)].sort(
    (a, b) => comparePaths(a.path, b.path),
  );
}

/** Files of this run's parts that the manifest records and the parts no longer generate. */
function orphans(
  files: PlannedFile[],
  destination: string,
  manifest: Manifest,
  options: PlanOptions,
): Change[] {
  const produced = new Set(files.map((file) => file.path));
  return Object.entries(manifest.files)
    .filter(
      ([path, entry]) =>
        !produced.has(path) &&
        (entry.part ? options.parts.includes(entry.part) : options.allParts),
    )
    .flatMap(([path, entry]): Change[] => {
      const full = join(destination, path);
      // The app's own file is the app's, whatever the generator now writes.
      if (entry.appOwned || !existsSync(full)) return [];
      const onDisk = readInDestination(destination, path).toString("utf8");
      const common = { path, mode: 0, generated: "", tracked: false };
      return [
        onDisk === entry.base
          ? { ...common, action: "removed", contents: "", previous: onDisk }
          : { ...common, action: "orphaned", contents: onDisk },
      ];
    });
}

/** Whether a change writes to disk (a conflict left by an earlier run is only reported). */
export function writes(change: Change): boolean {
  return (
    WRITES.has(change.action) &&
    !change.binary &&
    (change.contents !== change.previous || change.action === "update")
  );
}

/** The manifest after this run: the base of each file the generator now owns is its output. */
export function nextManifest(
  manifest: Manifest,
  changes: Change[],
  partOf: (path: string) => string | undefined,
  options: Pick<PlanOptions, "parts" | "allParts">,
): Manifest {
  const produced = new Set(changes.map((change) => change.path));
  // A file of this run's parts that is no longer generated is no longer the generator's.
  const files = Object.fromEntries(
    Object.entries(manifest.files).filter(
      ([path, entry]) =>
        produced.has(path) ||
        !(entry.part ? options.parts.includes(entry.part) : options.allParts),
    ),
  );
  for (const change of changes) {
    if (change.action === "removed" || change.action === "orphaned") {
      delete files[change.path];
      continue;
    }
    const owned =
      change.tracked &&
      (WRITES.has(change.action) ||
        change.action === "unchanged" ||
        Boolean(change.appOwned));
    const part = partOf(change.path);
    // The app's file as it is now, equal to the output: the generator's from here on.
    const appOwned = change.appOwned && change.action !== "unchanged";
    if (owned)
      files[change.path] = {
        base: change.generated,
        ...(part ? { part } : {}),
        ...(appOwned || change.added ? { appOwned: true as const } : {}),
        ...(change.added?.length ? { added: change.added } : {}),
      };
  }
  return { ...manifest, files };
}
