// Build step (npm run build, after tsc): the Yeoman generators as one module each, the core they
// share in chunks beside them, in place of tsc's output in dist/generators/. Yeoman loads a
// generator module by module otherwise: some sixty of them, which took `yo rails-aws` longer than
// the generator's own work. Yeoman finds the generators where it did (dist/generators/<name>/).
import { build } from "esbuild";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";

const sources = join(packageRoot, "generators");
const outdir = join(packageRoot, "dist/generators");
const names = readdirSync(sources, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const { dependencies } = JSON.parse(
  readFileSync(join(packageRoot, "package.json"), "utf8"),
) as { dependencies: Record<string, string> };

rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
  entryPoints: names.map((name) => join(sources, name, "index.ts")),
  outbase: sources,
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  // Handlebars' runtime, which every run uses and which is some twenty files, goes in. The other
  // packages stay in node_modules; yeoman-generator must: its class is the one yo knows.
  external: Object.keys(dependencies).filter((name) => name !== "handlebars"),
  absWorkingDir: packageRoot,
  metafile: true,
  logLevel: "warning",
});

// Paths made from import.meta.url (core/paths.ts) assume a module at the depth of dist/core/:
// the chunks are, a generator's own module one folder deeper is not.
for (const [output, { inputs }] of Object.entries(metafile.outputs))
  if (
    output.endsWith("/index.js") &&
    Object.keys(inputs).some((input) =>
      readFileSync(join(packageRoot, input), "utf8").includes("import.meta"),
    )
  )
    throw new Error(
      `${output} holds a module that reads import.meta: import it from more than one generator`,
    );
