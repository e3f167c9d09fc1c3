// What the build's bundles share: ES modules for Node with source maps, split into chunks, and
// the packages left in node_modules but Handlebars' runtime, which every run uses and which is
// some twenty files of its own.
import type { BuildOptions } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";

const { dependencies } = JSON.parse(
  readFileSync(join(packageRoot, "package.json"), "utf8"),
) as { dependencies: Record<string, string> };

export const bundleOptions: BuildOptions = {
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external: Object.keys(dependencies).filter((name) => name !== "handlebars"),
  absWorkingDir: packageRoot,
  logLevel: "warning",
};
