import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// A hook on a task that does not exist: valid Ruby, but Capistrano fails when the deploy
// reaches it.
export default (dir: string) => {
  const path = join(dir, "lib/capistrano/tasks/release.rake");
  const tasks = readFileSync(path, "utf8");
  writeFileSync(
    path,
    tasks.replace(
      `after "release:publish", "release:late_instances"`,
      `after "release:publish", "release:late_instance"`,
    ),
  );
};
