// The README's commands, run as a newcomer runs them.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { VALIDATOR_TOOLS } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

const readme = readFileSync(join(packageRoot, "README.md"), "utf8");
const shellBlocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) =>
  match[1]!.trim(),
);

/** npx may not reach the registry in a test: it must find rails-aws in this package. */
const offline = {
  ...process.env,
  npm_config_offline: "true",
  NO_UPDATE_NOTIFIER: "1",
};

describe("the README's commands", () => {
  const [setup, tests] = shellBlocks;
  const demo = join(packageRoot, "demo");
  after(() => rmSync(demo, { recursive: true, force: true }));

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

  it("the set-up command generates the default example (npm ci has run: it is CI's first step)", function () {
    rmSync(demo, { recursive: true, force: true });
    const run = setup!.split(" && ").slice(1).join(" && ");
    const result = spawnSync("sh", ["-c", run], {
      cwd: packageRoot,
      env: offline,
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /created/);
    assert.ok(existsSync(join(demo, "docker-compose.yml")));
    assert.ok(existsSync(join(demo, "config/database.yml")));
  });

  it("`npx rails-aws check demo` passes on it", function () {
    requireTool(this, VALIDATOR_TOOLS);
    const output = execFileSync("npx", ["rails-aws", "check", "demo"], {
      cwd: packageRoot,
      env: offline,
      encoding: "utf8",
    });
    assert.doesNotMatch(output, /not run/);
  });
});
