// The files the generator owns in a repo: the keys of its manifest (.rails-aws/manifest.json).
// Read here rather than through the generator's code, which the checker does not import: only the
// shape `{ "files": { "<path>": … } }` matters to it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const MANIFEST = ".rails-aws/manifest.json";

/** The manifest's file paths, or undefined when the repo has no manifest. */
export function ownedPaths(
  root: string,
): { manifest: string; paths: Set<string> } | undefined {
  const path = join(root, MANIFEST);
  if (!existsSync(path)) return undefined;
  let files: unknown;
  try {
    files = (JSON.parse(readFileSync(path, "utf8")) as { files?: unknown })
      ?.files;
  } catch {
    files = undefined;
  }
  if (files === null || typeof files !== "object" || Array.isArray(files))
    throw new Error(
      `${MANIFEST} cannot be read, so which files the generator wrote is unknown: run rails-aws --repair in this folder to rebuild it, or check every file with rails-aws check --all`,
    );
  return { manifest: MANIFEST, paths: new Set(Object.keys(files)) };
}
