// .rails-aws/manifest.json: what the generator owns in a destination. For each file it wrote, the
// content it generated then (the base of the next three-way merge); for each ejected template,
// the hash of the built-in template it was copied from.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR } from "./paths.js";

export const MANIFEST_PATH = `${STATE_DIR}/manifest.json`;

export interface ManifestEntry {
  /** What the generator generated for this file last time: the merge base. */
  base: string;
}

export interface Manifest {
  files: Record<string, ManifestEntry>;
  /** `<part>/<template path>` → sha256 of the built-in template when it was ejected. */
  ejected: Record<string, string>;
}

export function sha256(contents: string | Buffer): string {
  return createHash("sha256").update(contents).digest("hex");
}

export function readManifest(destination: string): Manifest {
  const path = join(destination, MANIFEST_PATH);
  if (!existsSync(path)) return { files: {}, ejected: {} };
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<Manifest>;
  // Only the base is kept: manifests written by earlier versions also hold each base's sha256,
  // which nothing reads, and a later run does not carry it over.
  const files = Object.fromEntries(
    Object.entries(parsed.files ?? {}).map(([file, { base }]) => [
      file,
      { base },
    ]),
  );
  return { files, ejected: parsed.ejected ?? {} };
}

const sortedByKey = <T>(record: Record<string, T>) =>
  Object.fromEntries(
    Object.entries(record).sort(([a], [b]) => a.localeCompare(b)),
  );

/** Sorted keys and a final newline: the same manifest always has the same bytes. */
export function manifestContents(manifest: Manifest): string {
  const sorted = {
    files: sortedByKey(manifest.files),
    ejected: sortedByKey(manifest.ejected),
  };
  return `${JSON.stringify(sorted, null, 2)}\n`;
}
