import { appendFileSync } from "node:fs";
import { join } from "node:path";

export default (dir: string) =>
  appendFileSync(join(dir, "app/javascript/application.js"), "const x = ;\n");
