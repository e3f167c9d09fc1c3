// The three-way merge that keeps users' edits: the user's file, the generator's previous output
// (the base) and its new output. Line-based, with git's conflict markers where both changed the
// same lines.
import { diff3 } from "./lazy.js";

/** The labels of the two sides in conflict markers: `<<<<<<< yours` … `>>>>>>> rails-aws`. */
const LABELS = { a: "yours", b: "rails-aws" };

export interface MergeResult {
  contents: string;
  conflict: boolean;
}

/** A text's lines, without the empty "line" after its final newline. */
const linesOf = (text: string) =>
  (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n");

/**
 * The final newline is not a line of its own: merged as one, it could end up inside a conflict
 * and leave the file without one.
 */
export function mergeThreeWay(
  yours: string,
  base: string,
  generated: string,
): MergeResult {
  const { conflict, result } = diff3().merge(
    linesOf(yours),
    linesOf(base),
    linesOf(generated),
    { label: LABELS },
  );
  const finalNewline = yours.endsWith("\n") || generated.endsWith("\n");
  return {
    contents: `${result.join("\n")}${finalNewline ? "\n" : ""}`,
    conflict,
  };
}

/** Whether a file still holds conflict markers this generator wrote. */
export function hasConflictMarkers(contents: string): boolean {
  const start = `<<<<<<< ${LABELS.a}`;
  return contents.split("\n").some((line) => line === start);
}
