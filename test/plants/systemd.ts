import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// A misspelt key, which systemd ignores with a warning and an exit code of 0.
export default (dir: string) => {
  const path = join(dir, "config/systemd/demo-jobs.service");
  const unit = readFileSync(path, "utf8");
  writeFileSync(
    path,
    unit.replace("Restart=on-failure", "Restart=on-failure\nRestartSecs=5"),
  );
};
