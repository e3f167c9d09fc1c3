import { appendFileSync } from "node:fs";
import { join } from "node:path";

// Valid ERB that renders to invalid YAML (a second colon in a plain scalar's key).
export default (dir: string) =>
  appendFileSync(
    join(dir, "config/database.yml"),
    'broken: <%= ENV.fetch("X", "a") %>: b\n',
  );
