// A run killed at any write, then run again, ends exactly as an uninterrupted run, and loses none
// of the user's lines; problems that can be known before writing stop the run before its first
// write; two runs never work in one folder at once.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { LOCK_PATH } from "../core/lock.js";
import { packageRoot } from "../core/paths.js";
import { generateRepo, readTree, runCli, tempDir } from "./helpers/repo.js";

const CLI = join(packageRoot, "bin/rails-aws.js");
const KILLER = join(packageRoot, "dist/test/helpers/kill-at-rename.js");

/** Runs rails-aws in its own process, killed before its Nth rename when killAt is given. */
function runProcess(args: string[], killAt?: number) {
  const result = spawnSync(
    process.execPath,
    [...(killAt ? ["--import", KILLER] : []), CLI, ...args],
    {
      encoding: "utf8",
      env: { ...process.env, KILL_AT_RENAME: String(killAt ?? "") },
    },
  );
  return { ...result, code: result.status };
}

/** The user's own lines: appended to files the generator wrote, and a file of their own. */
function editAsUser(dir: string): string[] {
  const lines = ["# my note in the README", "web2: bin/rails server -p 3001"];
  writeFileSync(
    join(dir, "README.md"),
    `${readFileSync(join(dir, "README.md"), "utf8")}\n${lines[0]}\n`,
  );
  writeFileSync(
    join(dir, "Procfile.dev"),
    `${readFileSync(join(dir, "Procfile.dev"), "utf8")}${lines[1]}\n`,
  );
  writeFileSync(join(dir, "NOTES.md"), "mine\n");
  return lines;
}

describe("a run killed at any write, then run again", () => {
  // A part regeneration that rewrites both files the user edited: every write position is tried.
  const regenerate = (dir: string) => [
    "docker",
    dir,
    "--cable-adapter",
    "redis",
  ];
  let edited: string;
  let uninterrupted: Map<string, string>;
  let renames: number;

  before(async () => {
    edited = await generateRepo();
    editAsUser(edited);
    const reference = join(tempDir(), "demo");
    cpSync(edited, reference, { recursive: true });
    const run = await runCli(regenerate(reference));
    assert.equal(run.code, 0, run.stderr);
    uninterrupted = readTree(reference);
    // One rename per written file, one for the journal.
    renames =
      [...run.stdout.matchAll(/^ {2}(update|merged|create) /gm)].length + 3;
  });

  it("regeneration of an edited repo: at every write, the re-run gives the uninterrupted result and keeps every user line", function () {
    this.timeout(300_000);
    for (let killAt = 1; killAt <= renames; killAt++) {
      const dir = join(tempDir(), "demo");
      cpSync(edited, dir, { recursive: true });
      const killed = runProcess(regenerate(dir), killAt);
      assert.equal(killed.signal, "SIGKILL", `kill at rename ${killAt}`);
      const rerun = runProcess(regenerate(dir));
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.deepEqual(
        readTree(dir),
        uninterrupted,
        `kill at rename ${killAt}`,
      );
    }
  });

  it("a first run into a new folder: at sampled writes, the re-run gives the uninterrupted result and is not mistaken for an existing app", function () {
    this.timeout(120_000);
    const reference = join(tempDir(), "demo");
    assert.equal(runProcess([reference, "--domain", "example.com"]).code, 0);
    const expected = readTree(reference);
    for (const killAt of [1, 2, 40, 90, expected.size + 1]) {
      const dir = join(tempDir(), "demo");
      const killed = runProcess([dir, "--domain", "example.com"], killAt);
      assert.equal(killed.signal, "SIGKILL", `kill at rename ${killAt}`);
      const rerun = runProcess([dir, "--domain", "example.com"]);
      assert.equal(rerun.code, 0, rerun.stderr);
      assert.doesNotMatch(rerun.stdout, /kept|conflict/);
      assert.deepEqual(readTree(dir), expected, `kill at rename ${killAt}`);
    }
  });
});

/** Regenerates dir and expects the run refused before its first write, for each reason given. */
async function assertRefusedBeforeWriting(dir: string, ...reasons: RegExp[]) {
  const before = readTree(dir);
  const run = await runCli([
    dir,
    "--cable-adapter",
    "redis",
    "--restore-deleted",
  ]);
  assert.equal(run.code, 1);
  for (const reason of reasons) assert.match(run.stderr, reason);
  assert.deepEqual(readTree(dir), before);
}

describe("problems known before the first write", () => {
  it("a link out of the destination is refused by name, and nothing is written, inside or out", async () => {
    const dir = await generateRepo();
    const outside = join(tempDir(), "README.md");
    writeFileSync(outside, "not yours to change\n");
    rmSync(join(dir, "README.md"));
    symlinkSync(outside, join(dir, "README.md"));
    rmSync(join(dir, "config"), { recursive: true });
    symlinkSync(join(tempDir(), "missing"), join(dir, "config"));
    await assertRefusedBeforeWriting(
      dir,
      /README\.md is a symbolic link to .*README\.md, outside the destination/,
      /config is a symbolic link to a missing file, outside the destination/,
    );
    assert.equal(readFileSync(outside, "utf8"), "not yours to change\n");
  });

  it("a file where a folder must be, or a read-only file, stops the run before anything is written", async () => {
    const dir = await generateRepo();
    rmSync(join(dir, "bin"), { recursive: true });
    writeFileSync(join(dir, "bin"), "a file of mine\n");
    chmodSync(join(dir, "config/cable.yml"), 0o444);
    await assertRefusedBeforeWriting(
      dir,
      /bin is a file where the generator needs a folder \(for bin\/\w+/,
      /config\/cable\.yml is read-only \(mode 444\): make it writable/,
    );
  });

  it("invalid answers into a new folder leave no folder behind, and a dry run creates nothing", async () => {
    const parent = tempDir();
    const invalid = await runCli([
      join(parent, "demo"),
      "--domain",
      "not a domain",
    ]);
    assert.equal(invalid.code, 1);
    const dryRun = await runCli([
      join(parent, "other"),
      "--domain",
      "example.com",
      "--dry-run",
    ]);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.deepEqual([...readTree(parent).keys()], []);
    assert.deepEqual(
      spawnSync("ls", ["-A", parent], { encoding: "utf8" }).stdout,
      "",
    );
  });
});

describe("one run at a time in a folder", () => {
  it("refuses to run while another live run holds the folder, naming it, and writes nothing", async () => {
    const dir = await generateRepo();
    const holder = spawn("sleep", ["30"]);
    try {
      writeFileSync(
        join(dir, LOCK_PATH),
        JSON.stringify({
          pid: holder.pid,
          host: (await import("node:os")).hostname(),
          startedAt: "2026-11-28T06:00:00.000Z",
        }),
      );
      const before = readTree(dir);
      const run = await runCli([dir, "--cable-adapter", "redis"]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        new RegExp(
          `another rails-aws run \\(process ${holder.pid} .*wait for it to finish`,
        ),
      );
      assert.deepEqual(readTree(dir), before);
    } finally {
      holder.kill();
    }
  });

  it("takes over a lock left by a run that no longer exists", async () => {
    const dir = await generateRepo();
    const gone = spawnSync("true").pid;
    mkdirSync(join(dir, ".rails-aws"), { recursive: true });
    writeFileSync(
      join(dir, LOCK_PATH),
      JSON.stringify({
        pid: gone,
        host: (await import("node:os")).hostname(),
        startedAt: "2026-11-28T06:00:00.000Z",
      }),
    );
    const run = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(readFileSync(join(dir, "config/cable.yml"), "utf8"), /redis/);
    assert.deepEqual(
      [...readTree(dir).keys()].filter((path) => path === LOCK_PATH),
      [],
    );
  });
});
