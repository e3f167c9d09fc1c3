import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// A misspelled property of the Auto Scaling group, which AWS's specification does not know.
export default (dir: string) => {
  const path = join(dir, "infra/cloudformation/app.yml");
  const template = readFileSync(path, "utf8");
  if (!template.includes("HealthCheckGracePeriod:"))
    throw new Error("plant: app.yml has no HealthCheckGracePeriod");
  writeFileSync(
    path,
    template.replace("HealthCheckGracePeriod:", "HealthCheckGracePeriods:"),
  );
};
