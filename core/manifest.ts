// .rails-aws/manifest.json: what the generator owns in a destination. For each file it wrote, the
// content it generated then (the base of the next three-way merge); for each ejected template,
// the hash of the built-in template it was copied from.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { comparePaths, STATE_DIR } from "./paths.js";

export const MANIFEST_PATH = `${STATE_DIR}/manifest.json`;

export interface ManifestEntry {
  /** What the generator generated for this file last time: the merge base. */
  base: string;
  /** The part that writes it: a run of that part removes the file once it is no longer generated. */
  part?: string;
  /**
   * The app's own file (onboarding met it): never merged into. `base` is what the generator last
   * proposed beside it (`<path>.rails-aws-proposal`), or, for a file its part adopts (the
   * Gemfile, the routes), its output then.
   */
  appOwned?: true;
  /** What the part's adoption added to the app's file (gems, routes): never added again. */
  added?: string[];
}

export interface Manifest {
  files: Record<string, ManifestEntry>;
  /** `<part>/<template path>` → sha256 of the built-in template when it was ejected. */
  ejected: Record<string, string>;
}

export function sha256(contents: string | Buffer): string {
  return createHash("sha256").update(contents).digest("hex");
}

/** The destination's state is damaged: the message names the file and the way out. */
export class StateError extends Error {}

export const REPAIR_ADVICE =
  "run the same command again with --repair to rebuild it: the files present are then taken as yours, and files you deleted stay deleted";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** The shape a manifest must have, or what is wrong with it. */
function manifestProblem(parsed: unknown): string | undefined {
  if (!isRecord(parsed)) return "not an object";
  if (!isRecord(parsed.files)) return '"files" is not an object of files';
  if (!isRecord(parsed.ejected)) return '"ejected" is not an object';
  for (const [path, entry] of Object.entries(parsed.files))
    if (
      !isRecord(entry) ||
      typeof entry.base !== "string" ||
      !["string", "undefined"].includes(typeof entry.part) ||
      ![true, undefined].includes(entry.appOwned as true | undefined) ||
      !(
        entry.added === undefined ||
        (Array.isArray(entry.added) &&
          entry.added.every((item) => typeof item === "string"))
      )
    )
      return `the entry of ${path} has no text "base"`;
  for (const [template, hash] of Object.entries(parsed.ejected))
    if (typeof hash !== "string")
      return `the entry of ${template} is not a hash`;
  return undefined;
}

export const EMPTY_MANIFEST: Manifest = { files: {}, ejected: {} };

/** The manifest, or none yet; a manifest that cannot be read or has the wrong shape stops the run. */
export function readManifest(destination: string): Manifest {
  const path = join(destination, MANIFEST_PATH);
  if (!existsSync(path)) return EMPTY_MANIFEST;
  if (statSync(path).isDirectory())
    throw new StateError(
      `${MANIFEST_PATH} is a folder, where the generator keeps its manifest in a file: move it away and run again with --repair to rebuild the manifest.`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new StateError(
      `${MANIFEST_PATH} is damaged (${(error as Error).message}): ${REPAIR_ADVICE}.`,
    );
  }
  const problem = manifestProblem(parsed);
  if (problem)
    throw new StateError(
      `${MANIFEST_PATH} is damaged (${problem}): ${REPAIR_ADVICE}.`,
    );
  const manifest = parsed as unknown as Manifest;
  // Manifests written by earlier versions also hold each base's sha256, which nothing reads.
  const files = Object.fromEntries(
    Object.entries(manifest.files).map(
      ([file, { base, part, appOwned, added }]) => [
        file,
        {
          base,
          ...(part ? { part } : {}),
          ...(appOwned ? { appOwned } : {}),
          ...(added ? { added } : {}),
        },
      ],
    ),
  );
  return { files, ejected: manifest.ejected };
}

/** The files the generator owns (not the app's own files it proposed changes to or adopted). */
export function generatorFiles(manifest: Manifest): string[] {
  return Object.keys(manifest.files).filter(
    (path) => !manifest.files[path]!.appOwned,
  );
}

/** The manifest, or none when it is missing or damaged (for reading facts; a run reports damage). */
export function readManifestIfReadable(destination: string): Manifest {
  try {
    return readManifest(destination);
  } catch {
    return EMPTY_MANIFEST;
  }
}

const sortedByKey = <T>(record: Record<string, T>) =>
  Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => comparePaths(a, b)),
  );

/** Sorted keys and a final newline: the same manifest always has the same bytes. */
export function manifestContents(manifest: Manifest): string {
  const sorted = {
    files: sortedByKey(manifest.files),
    ejected: sortedByKey(manifest.ejected),
  };
  return `${JSON.stringify(sorted, null, 2)}\n`;
}
