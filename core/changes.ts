// Decides, file by file, what a run does with the generator's output. This is the update
// algorithm, kept in one place (docs/regeneration.md draws it):
//
//   on disk?  in manifest?  decision
//   no        no            create
//   no        yes           deleted: the user deleted it; it stays deleted unless restoreDeleted
//   = output  any           unchanged
//   yes       no            not the generator's file: adopted by the part's rule (create-only
//                           files are kept; Gemfile and routes get only what is missing), else
//                           merged against an empty base (in practice, a conflict to resolve)
//   = base    yes           update: the user did not touch it
//   yes       output = base kept: the user changed it, the generator did not
//   yes       yes           three-way merge of yours, base and output: merged, or conflict
//
// --force replaces every kept, merged or conflicting file by the output, and says so.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readManifest, type Manifest, type ManifestEntry } from "./manifest.js";
import { hasConflictMarkers, mergeThreeWay } from "./merge.js";
import type { Adoption } from "./parts/part.js";
import type { PlannedFile } from "./render.js";

export type Action =
  | "create"
  | "update"
  | "unchanged"
  | "kept"
  | "merged"
  | "conflict"
  | "overwrite"
  | "deleted";

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
}

export interface PlanOptions {
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

type Decision = Pick<Change, "action" | "contents"> & { tracked?: boolean };

function mergeOrConflict(
  onDisk: string,
  base: string,
  file: PlannedFile,
  force: boolean,
): Decision {
  if (force) return { action: "overwrite", contents: file.contents };
  const merged = mergeThreeWay(onDisk, base, file.contents);
  return {
    action: merged.conflict ? "conflict" : "merged",
    contents: merged.contents,
  };
}

function adopt(
  onDisk: string,
  file: PlannedFile,
  adoption: Adoption | undefined,
  force: boolean,
): Decision {
  if (adoption === "keep")
    return { action: "kept", contents: onDisk, tracked: false };
  if (adoption) {
    const adopted = adoption(onDisk, file.contents);
    return adopted === onDisk
      ? { action: "unchanged", contents: onDisk, tracked: false }
      : { action: "merged", contents: adopted, tracked: false };
  }
  return mergeOrConflict(onDisk, "", file, force);
}

function decide(
  file: PlannedFile,
  destination: string,
  entry: ManifestEntry | undefined,
  options: PlanOptions,
): Decision & { previous?: string } {
  const path = join(destination, file.path);
  const force = options.force ?? false;
  if (!existsSync(path))
    return entry && !options.restoreDeleted
      ? { action: "deleted", contents: file.contents }
      : { action: "create", contents: file.contents };
  const onDisk = readFileSync(path, "utf8");
  const previous = { previous: onDisk };
  if (onDisk === file.contents) {
    const sameMode = (statSync(path).mode & 0o777) === file.mode;
    return {
      ...previous,
      action: sameMode ? "unchanged" : "update",
      contents: file.contents,
    };
  }
  if (!entry)
    return {
      ...previous,
      ...adopt(onDisk, file, options.adoptionOf?.(file.path), force),
    };
  if (onDisk === entry.base)
    return { ...previous, action: "update", contents: file.contents };
  if (file.contents === entry.base) {
    // Unresolved markers from an earlier run stay a conflict until the user resolves them.
    const action = hasConflictMarkers(onDisk) ? "conflict" : "kept";
    if (force)
      return { ...previous, action: "overwrite", contents: file.contents };
    return { ...previous, action, contents: onDisk };
  }
  return { ...previous, ...mergeOrConflict(onDisk, entry.base, file, force) };
}

export function planChanges(
  files: PlannedFile[],
  destination: string,
  options: PlanOptions = {},
): Change[] {
  const manifest = readManifest(destination);
  return files.map((file) => {
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
}

/** Whether a change writes to disk (a conflict left by an earlier run is only reported). */
export function writes(change: Change): boolean {
  return WRITES.has(change.action) && change.contents !== change.previous;
}

/** The manifest after this run: the base of each file the generator now owns is its output. */
export function nextManifest(manifest: Manifest, changes: Change[]): Manifest {
  const files = { ...manifest.files };
  for (const change of changes) {
    const owned =
      change.tracked &&
      (WRITES.has(change.action) || change.action === "unchanged");
    if (owned) files[change.path] = { base: change.generated };
  }
  return { ...manifest, files };
}
