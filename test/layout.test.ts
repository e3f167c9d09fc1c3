// The README's layout table is the map a new engineer reads first: it must match the folders.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";

const readme = readFileSync(join(packageRoot, "README.md"), "utf8");
const layout = readme.slice(readme.indexOf("## Layout"));
/** The paths in the first column of the layout table: `core/`, `templates/<part>/`, ... */
const listed = [
  ...layout.matchAll(/^\| (?:\[`([^`]+)`\]\([^)]*\)|`([^`]+)`) /gm),
].map((match) => (match[1] ?? match[2])!);

const partNames = readdirSync(join(packageRoot, "templates"));
/** `<part>` in a listed path stands for each part. */
const expand = (path: string) =>
  path.includes("<part>")
    ? partNames.map((part) => path.replace("<part>", part))
    : [path];

const folders = (dir: string) =>
  readdirSync(join(packageRoot, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith("."))
    .map((entry) => `${dir}${entry.name}/`);

describe("the README's layout table", () => {
  it("lists only paths that exist", () => {
    assert.ok(listed.length > 5, `found ${listed.length} rows`);
    for (const path of listed.flatMap(expand))
      assert.ok(existsSync(join(packageRoot, path)), `${path} is listed`);
  });

  it("lists every top-level folder of the project, and every folder of core/ and core/parts/", () => {
    // A listed path shows its folders too: `templates/<part>/` shows `templates/`.
    const shown = new Set(
      listed.flatMap(expand).flatMap((path) =>
        path
          .split("/")
          .slice(0, -1)
          .map(
            (_, index, segments) =>
              `${segments.slice(0, index + 1).join("/")}/`,
          ),
      ),
    );
    const built = ["node_modules/", "dist/", "demo/"];
    for (const folder of [
      ...folders(""),
      ...folders("core/"),
      ...folders("core/parts/"),
    ])
      if (!built.includes(folder))
        assert.ok(shown.has(folder), `${folder} is missing from the table`);
  });
});
