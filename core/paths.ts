// Templates and data are not compiled: resolve them from the package root, not from dist/.
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
export const GENERATOR_NAME = "generator-rails-aws";
/** Where a destination keeps what the generator owns: the manifest and ejected templates. */
export const STATE_DIR = ".rails-aws";

/**
 * Orders file paths as localeCompare did (letters without regard to case, lower case first on a
 * tie), without ICU: its first use cost every run tens of milliseconds of start-up.
 */
export function comparePaths(a: string, b: string): number {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()];
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return a === b ? 0 : a < b ? 1 : -1;
}
