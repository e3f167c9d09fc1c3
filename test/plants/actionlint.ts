import { appendFileSync } from "node:fs";
import { join } from "node:path";

// A key that no workflow has.
export default (dir: string) =>
  appendFileSync(join(dir, ".github/workflows/ci.yml"), "deploy-on: main\n");
