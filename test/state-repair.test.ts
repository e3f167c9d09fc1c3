// The destination's state can be damaged, outgrown or foreign, and a run says so and offers the
// way out: a damaged or missing manifest is named with --repair; files no longer generated are
// removed or, when edited, left as the user's; modes and non-UTF-8 bytes are the user's.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { MANIFEST_PATH } from "../core/manifest.js";
import { packageRoot } from "../core/paths.js";
import {
  generateRepo,
  read,
  readTree,
  runCli,
  tempDir,
} from "./helpers/repo.js";

const modeOf = (dir: string, path: string) =>
  statSync(join(dir, path)).mode & 0o777;
const actionLine = (action: string, path: string) =>
  new RegExp(`^ {2}${action} +${path.replaceAll(".", "\\.")}$`, "m");

describe("a damaged or missing manifest", () => {
  for (const [what, contents] of [
    ["truncated", (text: string) => text.slice(0, 1000)],
    ["an empty object", () => "{}"],
    ["a list", () => "[]"],
    ["files: null", () => '{"files":null,"ejected":{}}'],
    ["an entry without its base", () => '{"files":{"a":{}},"ejected":{}}'],
  ] as const)
    it(`${what}: named with --repair as the way out, and nothing written`, async () => {
      const dir = await generateRepo();
      writeFileSync(
        join(dir, MANIFEST_PATH),
        contents(read(dir, MANIFEST_PATH)),
      );
      const before = readTree(dir);
      for (const dryRun of [[], ["--dry-run"]]) {
        const run = await runCli([dir, "--cable-adapter", "redis", ...dryRun]);
        assert.equal(run.code, 1);
        assert.match(
          run.stderr,
          /\.rails-aws\/manifest\.json is damaged \(.+\): run the same command again with --repair/,
        );
      }
      assert.deepEqual(readTree(dir), before);
    });

  it("deleted from a generated repo: named, not taken for an existing app", async () => {
    const dir = await generateRepo();
    rmSync(join(dir, MANIFEST_PATH));
    const before = readTree(dir);
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /manifest\.json is missing.*--repair/);
    assert.deepEqual(readTree(dir), before);
  });

  it("--repair rebuilds it: the files present are the user's, deleted files stay deleted, and later runs merge again", async () => {
    const dir = await generateRepo();
    writeFileSync(join(dir, "Procfile.dev"), "web: my own\n");
    rmSync(join(dir, "bin/dev"));
    writeFileSync(join(dir, MANIFEST_PATH), "{ broken");
    const repaired = await runCli([dir, "--repair"]);
    assert.equal(repaired.code, 0, repaired.stderr);
    assert.equal(read(dir, "Procfile.dev"), "web: my own\n");
    assert.ok(!existsSync(join(dir, "bin/dev")));
    const next = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stdout, actionLine("update", "config/cable.yml"));
    assert.match(next.stdout, actionLine("deleted", "bin/dev"));
    assert.equal(read(dir, "Procfile.dev"), "web: my own\n");
  });
});

describe("files no longer generated", () => {
  it("are removed when as generated, and left as the user's when edited, after renaming the app or dropping an environment", async () => {
    const dir = await generateRepo([], "board");
    writeFileSync(
      join(dir, "config/systemd/board-jobs.service"),
      `${read(dir, "config/systemd/board-jobs.service")}# mine\n`,
    );
    const run = await runCli([
      dir,
      "--app-name",
      "shop",
      "--environments",
      "production",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      actionLine("removed", "config/systemd/board-web.service"),
    );
    assert.match(run.stdout, actionLine("removed", "config/deploy/staging.rb"));
    assert.match(
      run.stdout,
      actionLine("orphaned", "config/systemd/board-jobs.service"),
    );
    assert.match(
      run.stdout,
      /no longer generated but edited by you: left as yours/,
    );
    assert.ok(!existsSync(join(dir, "config/systemd/board-web.service")));
    assert.ok(!existsSync(join(dir, "infra/parameters/staging/app.json")));
    assert.match(read(dir, "config/systemd/board-jobs.service"), /# mine/);
    assert.ok(existsSync(join(dir, "config/systemd/shop-web.service")));
    const again = await runCli([dir]);
    assert.match(again.stdout, /nothing to write/);
  });

  it("of another part are left alone by a part's run", async () => {
    const dir = await generateRepo([], "board");
    // The answer changed where it is stored, not by a flag (a flag would regenerate every part
    // it affects).
    const stored = JSON.parse(read(dir, ".yo-rc.json"));
    stored["generator-rails-aws"].appName = "shop";
    writeFileSync(join(dir, ".yo-rc.json"), JSON.stringify(stored));
    const run = await runCli(["docker", dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(dir, "config/systemd/board-web.service")));
  });
});

describe("modes and bytes are the user's", () => {
  it("keeps a user's mode through an update, restores only a lost executable bit, and never reports a mode alone", async () => {
    const dir = await generateRepo();
    chmodSync(join(dir, "config/cable.yml"), 0o600);
    chmodSync(join(dir, "config.ru"), 0o640);
    chmodSync(join(dir, "bin/dev"), 0o644);
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(modeOf(dir, "config/cable.yml"), 0o600);
    assert.equal(modeOf(dir, "bin/dev"), 0o755);
    assert.doesNotMatch(run.stdout, /config\.ru/);
    assert.equal(modeOf(dir, "config.ru"), 0o640);
    const again = await runCli([dir]);
    assert.match(again.stdout, /nothing to write/);
  });

  it("creates files through the user's umask", () => {
    const dir = join(tempDir(), "demo");
    const result = spawnSync(
      "sh",
      [
        "-c",
        'umask 077 && exec "$0" "$1" "$2" --domain example.com',
        process.execPath,
        join(packageRoot, "bin/rails-aws.js"),
        dir,
      ],
      { encoding: "utf8" },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.equal(modeOf(dir, "docker-compose.yml"), 0o600);
    assert.equal(modeOf(dir, "bin/dev"), 0o700);
  });

  it("never merges a file that is not UTF-8: a conflict that leaves its bytes untouched", async () => {
    const dir = await generateRepo();
    const latin1 = Buffer.concat([
      readFileSync(join(dir, "config/cable.yml")),
      Buffer.from("# caf\xe9 de l'\xe9quipe\n", "latin1"),
    ]);
    writeFileSync(join(dir, "config/cable.yml"), latin1);
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, actionLine("conflict", "config/cable.yml"));
    assert.deepEqual(readFileSync(join(dir, "config/cable.yml")), latin1);
  });
});

describe("a folder that is not a Rails app", () => {
  it("is refused when it holds other files, unless --into-existing", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "package.json"), '{ "name": "my-node-app" }\n');
    const refused = await runCli([dir, "--domain", "example.com"]);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /holds other files \(package\.json\).*--into-existing/,
    );
    assert.deepEqual([...readTree(dir).keys()], ["package.json"]);
    const accepted = await runCli([
      dir,
      "--domain",
      "example.com",
      "--into-existing",
    ]);
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(read(dir, "package.json"), '{ "name": "my-node-app" }\n');
  });
});
