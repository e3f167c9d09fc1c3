// The three-way merge that keeps users' edits: the user's file, the generator's previous output
// (the base) and its new output. Line-based, with git's conflict markers where both changed the
// same lines.
import { merge } from "node-diff3";

/** The labels of the two sides in conflict markers: `<<<<<<< yours` … `>>>>>>> rails-aws`. */
const LABELS = { a: "yours", b: "rails-aws" };

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
    { label: LABELS },
  );
  return { contents: result.join("\n"), conflict };
}

/** Whether a file still holds conflict markers this generator wrote. */
export function hasConflictMarkers(contents: string): boolean {
  const start = `<<<<<<< ${LABELS.a}`;
  return contents.split("\n").some((line) => line === start);
}
