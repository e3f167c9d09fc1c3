import { appendFileSync } from "node:fs";
import { join } from "node:path";

export default (dir: string) =>
  appendFileSync(join(dir, "config/puma.rb"), "def broken(\n");
