// Templates and data are not compiled: resolve them from the package root, not from dist/.
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../../", import.meta.url));
export const GENERATOR_NAME = "generator-rails-aws";
/** Where a destination keeps what the generator owns: the manifest and ejected templates. */
export const STATE_DIR = ".rails-aws";
