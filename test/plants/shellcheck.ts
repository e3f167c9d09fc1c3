import { appendFileSync } from "node:fs";
import { join } from "node:path";

// SC2086: an unquoted expansion.
export default (dir: string) =>
  appendFileSync(join(dir, "bin/dev"), "rm -rf $1/tmp\n");
