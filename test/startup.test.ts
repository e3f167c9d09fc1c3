// The command starts from what the build made for it: the CLI as one script and the built-in
// templates precompiled, each with V8's code cache of a default run. Lose either, and every run
// still works, only slower; these tests are what notices.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { readTree, tempDir } from "./helpers/repo.js";

const ANSWERS = ["--defaults", "--domain", "example.com", "--skip-git"];

/** A default generation by the command of the package at root, and what became of its caches. */
function generateWith(root: string) {
  const destination = join(tempDir(), "demo");
  const run = spawnSync(
    process.execPath,
    [join(root, "bin/rails-aws.js"), destination, ...ANSWERS],
    { encoding: "utf8", env: { ...process.env, RAILS_AWS_TIMINGS: "1" } },
  );
  assert.equal(run.status, 0, run.stderr);
  const report = JSON.parse(run.stderr.trim().split("\n").pop()!) as {
    codeCache: { command: string; templates: string };
  };
  return { codeCache: report.codeCache, tree: readTree(destination) };
}

describe("start-up", () => {
  it("a run starts from the build's bundle, and V8 takes the code caches the build made of it and of the templates", () => {
    assert.deepEqual(generateWith(packageRoot).codeCache, {
      command: "used",
      templates: "used",
    });
  });

  it("a code cache made from another build is not offered to V8, and the run writes the same files without it", () => {
    // An installed copy of the package whose caches name another script in their first line, as
    // after the script was rebuilt and its cache was not.
    const copy = tempDir("install-");
    for (const path of [
      "package.json",
      "bin",
      "data",
      "templates",
      "dist/bundle",
      "dist/precompiled-templates.js",
      "dist/precompiled-templates.cache",
    ])
      cpSync(join(packageRoot, path), join(copy, path), { recursive: true });
    symlinkSync(join(packageRoot, "node_modules"), join(copy, "node_modules"));
    for (const cache of [
      "dist/bundle/cli.cjs.cache",
      "dist/precompiled-templates.cache",
    ]) {
      const path = join(copy, cache);
      const bytes = readFileSync(path);
      const header = bytes.subarray(0, bytes.indexOf("\n")).toString("latin1");
      writeFileSync(
        path,
        Buffer.concat([
          Buffer.from(header.replace(/[0-9a-f]{40}/, "0".repeat(40)), "latin1"),
          bytes.subarray(header.length),
        ]),
      );
    }
    const stale = generateWith(copy);
    assert.deepEqual(stale.codeCache, { command: "none", templates: "none" });
    assert.deepEqual(stale.tree, generateWith(packageRoot).tree);
  });
});
