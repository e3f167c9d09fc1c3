// `npm run docs`: rewrites the pages of docs/ that are derived from the code.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { DERIVED_DOCS } from "./derived-docs.js";

for (const [path, render] of Object.entries(DERIVED_DOCS))
  writeFileSync(join(packageRoot, path), await render());
