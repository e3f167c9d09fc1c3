import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// SC2086 in the instances' user data: an unquoted expansion.
export default (dir: string) => {
  const path = join(dir, "infra/cloudformation/app.yml");
  const template = readFileSync(path, "utf8");
  if (!template.includes('as_deploy mkdir "$release"'))
    throw new Error("plant: app.yml's user data has no mkdir of the release");
  writeFileSync(
    path,
    template.replace('as_deploy mkdir "$release"', "as_deploy mkdir $release"),
  );
};
