import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The database made reachable from the internet.
export default (dir: string) => {
  const path = join(dir, "infra/cloudformation/data.yml");
  const template = readFileSync(path, "utf8");
  if (!template.includes("PubliclyAccessible: false"))
    throw new Error("plant: data.yml has no PubliclyAccessible: false");
  writeFileSync(
    path,
    template.replace("PubliclyAccessible: false", "PubliclyAccessible: true"),
  );
};
