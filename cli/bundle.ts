// Build step (npm run build, after tsc): the rails-aws command as one module, with what it loads
// only sometimes (the checker, the prompts, --help) in chunks beside it, so that a run does not
// resolve and load some sixty modules one by one. Handlebars' runtime, which every run uses, goes
// in too; the other packages stay in node_modules. The chunks sit at the depth of dist/cli/, so
// paths made from import.meta.url (core/paths.ts) find the package root as before.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";

const { dependencies } = JSON.parse(
  readFileSync(join(packageRoot, "package.json"), "utf8"),
) as { dependencies: Record<string, string> };

await build({
  entryPoints: [join(packageRoot, "cli/main.ts")],
  outdir: join(packageRoot, "dist/bundle"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  external: Object.keys(dependencies).filter((name) => name !== "handlebars"),
  logLevel: "warning",
});
