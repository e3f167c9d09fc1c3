// Compares planned files with the destination and the manifest of what the generator last wrote,
// deciding per file what a run does. The manifest lets the generator tell its own output from
// the user's edits: a file is only replaced when it still holds what the generator last wrote.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR } from "./paths.js";
import type { PlannedFile } from "./render.js";

export const MANIFEST_PATH = `${STATE_DIR}/manifest.json`;

export type Action =
  /** New file. */
  | "create"
  /** The file still holds the generator's last output: replaced by the new one. */
  | "update"
  /** Already what the generator would write. */
  | "unchanged"
  /** The user changed it and the generator's output did not: the user's version stays. */
  | "kept"
  /** The user changed it and so did the generator's output: left alone and reported. */
  | "conflict"
  /** A conflict overwritten because the user asked for --force. */
  | "overwrite";

export interface Change extends PlannedFile {
  action: Action;
}

export interface Manifest {
  /** Path → sha256 of what the generator last wrote there. */
  files: Record<string, string>;
}

export function sha256(contents: string | Buffer): string {
  return createHash("sha256").update(contents).digest("hex");
}

export function readManifest(destination: string): Manifest {
  const path = join(destination, MANIFEST_PATH);
  if (!existsSync(path)) return { files: {} };
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/** Sorted keys and a final newline: the same manifest always has the same bytes. */
export function manifestContents(manifest: Manifest): string {
  const files = Object.fromEntries(
    Object.entries(manifest.files).sort(([a], [b]) => a.localeCompare(b)),
  );
  return `${JSON.stringify({ files }, null, 2)}\n`;
}

function decide(
  file: PlannedFile,
  destination: string,
  lastWritten: string | undefined,
  force: boolean,
): Action {
  const path = join(destination, file.path);
  if (!existsSync(path)) return "create";
  const onDisk = readFileSync(path);
  const sameMode = (statSync(path).mode & 0o777) === file.mode;
  if (onDisk.equals(Buffer.from(file.contents)))
    return sameMode ? "unchanged" : "update";
  const diskHash = sha256(onDisk);
  if (diskHash === lastWritten) return "update";
  if (sha256(file.contents) === lastWritten) return "kept";
  return force ? "overwrite" : "conflict";
}

export function planChanges(
  files: PlannedFile[],
  destination: string,
  options: { force?: boolean } = {},
): Change[] {
  const manifest = readManifest(destination);
  return files.map((file) => ({
    ...file,
    action: decide(
      file,
      destination,
      manifest.files[file.path],
      options.force ?? false,
    ),
  }));
}

export const WRITES: ReadonlySet<Action> = new Set([
  "create",
  "update",
  "overwrite",
]);

/** The manifest after this run: what the generator wrote or would have written and still owns. */
export function nextManifest(destination: string, changes: Change[]): Manifest {
  const files = { ...readManifest(destination).files };
  for (const change of changes) {
    if (WRITES.has(change.action) || change.action === "unchanged")
      files[change.path] = sha256(change.contents);
  }
  return { files };
}
