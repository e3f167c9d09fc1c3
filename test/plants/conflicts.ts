import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// What a regeneration leaves when the user and the generator changed the same line.
export default (dir: string) => {
  const path = join(dir, "config/cable.yml");
  const [first, ...rest] = readFileSync(path, "utf8").split("\n");
  writeFileSync(
    path,
    [
      "<<<<<<< yours",
      "# my line",
      "=======",
      first,
      ">>>>>>> rails-aws",
      ...rest,
    ].join("\n"),
  );
};
