import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// Debian's docker-compose 1.29 rejects keys it does not know, such as a top-level name.
export default (dir: string) => {
  const path = join(dir, "docker-compose.yml");
  writeFileSync(path, `name: demo\n${readFileSync(path, "utf8")}`);
};
