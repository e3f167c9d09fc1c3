// The README's commands, run as a newcomer runs them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { tempDir } from "./helpers/repo.js";

const readme = readFileSync(join(packageRoot, "README.md"), "utf8");
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
  match[1]!.trim(),
);

/** npx may not reach the registry in a test: it must find rails-aws locally. */
const offline = {
  ...process.env,
  npm_config_offline: "true",
  NO_UPDATE_NOTIFIER: "1",
};

/**
 * A scratch project whose local `rails-aws` is this package, so that `npx rails-aws` resolves
 * offline as it does in the clone, and the folder the command writes is the test's, never the
 * user's own demo/.
 */
function scratchProject(): string {
  const dir = tempDir("readme-");
  writeFileSync(join(dir, "package.json"), '{ "private": true }\n');
  mkdirSync(join(dir, "node_modules/.bin"), { recursive: true });
  symlinkSync(
    join(packageRoot, "bin/rails-aws.js"),
    join(dir, "node_modules/.bin/rails-aws"),
  );
  return dir;
}

describe("the README's commands", () => {
  const [setup, tests] = shellBlocks;

  it("gives one set-up command, `npm ci && <run>`, and one test command, which .ci/run runs", () => {
    assert.match(
      setup!,
      /^npm ci && npx rails-aws demo --defaults --domain example\.com$/,
    );
    assert.equal(tests, "npm test");
    const ci = readFileSync(join(packageRoot, ".ci/run"), "utf8");
    assert.match(ci, /^npm ci\b/m);
    assert.match(ci, /^npm test$/m);
  });

  it("the set-up command generates the default example (npm ci has run: it is CI's first step)", () => {
    const project = scratchProject();
    const run = setup!.split(" && ").slice(1).join(" && ");
    const result = spawnSync("sh", ["-c", run], {
      cwd: project,
      env: offline,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /created/);
    assert.ok(existsSync(join(project, "demo/docker-compose.yml")));
    assert.ok(existsSync(join(project, "demo/config/database.yml")));
  });

  it("the test command's formatting check leaves out the demo/ the set-up command writes in the clone", () => {
    // Asked of prettier's own ignore rules, so that no demo/ is written into the clone to find out.
    for (const path of ["demo/README.md", "demo/config/database.yml"]) {
      const info = spawnSync(
        process.execPath,
        [
          join(packageRoot, "node_modules/prettier/bin/prettier.cjs"),
          "--file-info",
          path,
        ],
        { cwd: packageRoot, encoding: "utf8" },
      );
      assert.equal(info.status, 0, info.stderr);
      assert.equal(JSON.parse(info.stdout).ignored, true, path);
    }
  });
});
