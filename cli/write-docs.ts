// `npm run docs`: rewrites the pages of docs/ that are derived from the code.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { ANSWERS_REFERENCE_PATH, answersReference } from "../core/reference.js";

writeFileSync(
  join(packageRoot, ANSWERS_REFERENCE_PATH),
  await answersReference(),
);
