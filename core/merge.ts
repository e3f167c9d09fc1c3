// The three-way merge that keeps users' edits: the user's file, the generator's previous output
// (the base) and its new output. Line-based, with git's conflict markers where both changed the
// same lines.
import { merge } from "node-diff3";

export const CONFLICT_START = "<<<<<<< yours";
export const CONFLICT_END = ">>>>>>> rails-aws";

export interface MergeResult {
  contents: string;
  conflict: boolean;
}

export function mergeThreeWay(
  yours: string,
  base: string,
  generated: string,
): MergeResult {
  const { conflict, result } = merge(
    yours.split("\n"),
    base.split("\n"),
    generated.split("\n"),
    { label: { a: "yours", b: "rails-aws" } },
  );
  return { contents: result.join("\n"), conflict };
}

/** Whether a file still holds conflict markers this generator wrote. */
export function hasConflictMarkers(contents: string): boolean {
  return contents.split("\n").some((line) => line === CONFLICT_START);
}
