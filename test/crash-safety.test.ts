// A run killed at any write, then run again, ends exactly as an uninterrupted run, and loses none
// of the user's lines; problems that can be known before writing stop the run before its first
// write; two runs never work in one folder at once.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { LOCK_PATH } from "../core/lock.js";
import { JOURNAL_PATH } from "../core/write.js";
import { packageRoot } from "../core/paths.js";
import { generateRepo, readTree, runCli, tempDir } from "./helpers/repo.js";

const CLI = join(packageRoot, "bin/rails-aws.js");
const KILLER = join(packageRoot, "dist/test/helpers/kill-at-rename.js");

/** Runs rails-aws in its own process, killed before its Nth rename when killAt is given. */
function runProcess(args: string[], killAt?: number) {
  const result = spawnSync(
    process.execPath,
    ["--import", KILLER, CLI, ...args],
    {
      encoding: "utf8",
      env: { ...process.env, KILL_AT_RENAME: String(killAt ?? "") },
    },
  );
  return { ...result, code: result.status };
}

/** The renames of an uninterrupted run, counted by the killer's preload. */
function renamesOf(run: { stderr: string }): number {
  return Number(run.stderr.match(/^renames: (\d+)$/m)![1]);
}

/**
 * Every write position under `npm run fuzz` (KILL_AT_EVERY_WRITE); in npm test, the first
 * three, the last two and about ten between, evenly spread.
 */
function positions(renames: number): number[] {
  const all = Array.from({ length: renames }, (_, index) => index + 1);
  if (process.env.KILL_AT_EVERY_WRITE) return all;
  const step = Math.max(1, Math.floor(renames / 10));
  return all.filter((at) => at <= 3 || at > renames - 2 || at % step === 0);
}

/** The user's own lines: appended to files the generator wrote, and a file of their own. */
function editAsUser(dir: string): Ledger {
  const ledger: Ledger = [
    { path: "README.md", line: "# my note in the README" },
    { path: "Procfile.dev", line: "web2: bin/rails server -p 3001" },
    { path: "NOTES.md", line: "mine" },
  ];
  for (const { path, line } of ledger) {
    const file = join(dir, path);
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    writeFileSync(
      file,
      `${text}${text && !text.endsWith("\n") ? "\n" : ""}${line}\n`,
    );
  }
  return ledger;
}

type Ledger = Array<{ path: string; line: string }>;

/** What a killed run's folder holds besides files: its journal, lock and temporary files. */
const isRunState = (path: string) =>
  path === JOURNAL_PATH ||
  path === LOCK_PATH ||
  path.endsWith(".rails-aws-tmp");

interface KillFigures {
  kills: number;
  /** Files that, right after a kill, were neither as before the run nor as planned. */
  tornFiles: number;
  /** User lines missing after the re-run. */
  linesLost: number;
  /** Kill positions whose re-run did not give the uninterrupted result. */
  differing: number[];
  /** Kill positions whose re-run left a git repository unlike the uninterrupted run's. */
  repositoriesDiffering: number[];
}

/** What a person sees of a folder's git repository: its commits and what is not committed. */
function repositoryState(dir: string): string {
  const git = (...args: string[]) =>
    spawnSync("git", args, { cwd: dir, encoding: "utf8" }).stdout;
  return existsSync(join(dir, ".git"))
    ? `${git("rev-list", "--count", "--all")}${git("status", "--porcelain")}`
    : "no repository";
}

/**
 * Kills `args` at each position in a fresh copy of `start` (or a new folder when start is
 * undefined), looks for torn files, runs the same command again and compares the result byte for
 * byte with an uninterrupted run, and the user's lines with the ledger.
 */
function killAtEachWrite(
  start: string | undefined,
  args: (dir: string) => string[],
  ledger: Ledger,
): KillFigures {
  const fresh = () => {
    const dir = join(tempDir(), "demo");
    if (start) cpSync(start, dir, { recursive: true });
    return dir;
  };
  const reference = fresh();
  const uninterrupted = runProcess(args(reference));
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
  const expected = readTree(reference);
  const before = start ? readTree(start) : new Map<string, string>();
  const figures: KillFigures = {
    kills: 0,
    tornFiles: 0,
    linesLost: 0,
    differing: [],
    repositoriesDiffering: [],
  };
  for (const killAt of positions(renamesOf(uninterrupted))) {
    const dir = fresh();
    const killed = runProcess(args(dir), killAt);
    assert.equal(killed.signal, "SIGKILL", `kill at rename ${killAt}`);
    figures.kills++;
    for (const [path, entry] of readTree(dir))
      if (
        !isRunState(path) &&
        entry !== before.get(path) &&
        entry !== expected.get(path)
      )
        figures.tornFiles++;
    const rerun = runProcess(args(dir));
    assert.equal(rerun.code, 0, rerun.stderr);
    assert.doesNotMatch(rerun.stdout, /conflict/, `kill at rename ${killAt}`);
    const after = readTree(dir);
    figures.linesLost += ledger.filter(
      ({ path, line }) => !after.get(path)?.split("\n").includes(line),
    ).length;
    const same =
      after.size === expected.size &&
      [...after].every(([path, entry]) => expected.get(path) === entry);
    if (!same) figures.differing.push(killAt);
    if (repositoryState(dir) !== repositoryState(reference))
      figures.repositoriesDiffering.push(killAt);
    rmSync(dir, { recursive: true });
  }
  console.log(
    `      kills ${figures.kills}, torn files ${figures.tornFiles}, lines lost ${figures.linesLost}, re-runs unlike an uninterrupted run ${figures.differing.length}, repositories unlike its ${figures.repositoriesDiffering.length}`,
  );
  return figures;
}

const NOTHING_LOST: Omit<KillFigures, "kills"> = {
  tornFiles: 0,
  linesLost: 0,
  differing: [],
  repositoriesDiffering: [],
};

describe("a run killed at a write, then run again", () => {
  it("regeneration of an edited repo: the re-run gives the uninterrupted result, no file is torn, and every user line is kept", async function () {
    this.timeout(900_000);
    const edited = await generateRepo();
    const ledger = editAsUser(edited);
    // A part regeneration that rewrites both generated files the user edited.
    const { kills, ...figures } = killAtEachWrite(
      edited,
      (dir) => ["docker", dir, "--cable-adapter", "redis"],
      ledger,
    );
    assert.ok(kills > 3);
    assert.deepEqual(figures, NOTHING_LOST);
  });

  it("a first run into a new folder: the re-run gives the uninterrupted result, its first commit included, no file is torn, and the folder is not mistaken for an existing app", function () {
    this.timeout(900_000);
    const { kills, ...figures } = killAtEachWrite(
      undefined,
      (dir) => [dir, "--domain", "example.com"],
      [],
    );
    assert.ok(kills > 10);
    assert.deepEqual(figures, NOTHING_LOST);
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
  it("two rails-aws processes started at once on one folder with different answers: one is refused by the lock, the folder ends as the other alone makes it", async function () {
    this.timeout(300_000);
    const start = await generateRepo();
    const runs = {
      redis: (dir: string) => ["docker", dir, "--cable-adapter", "redis"],
      bigger: (dir: string) => [dir, "--production-asg-max", "8"],
    };
    const alone = Object.fromEntries(
      Object.entries(runs).map(([name, args]) => {
        const dir = join(tempDir(), "demo");
        cpSync(start, dir, { recursive: true });
        const run = runProcess(args(dir));
        assert.equal(run.code, 0, run.stderr);
        return [name, readTree(dir)];
      }),
    );
    const dir = join(tempDir(), "demo");
    cpSync(start, dir, { recursive: true });
    // Each rename waits 50 ms, as on a slow disk: a run holds the folder for seconds.
    const started = Object.entries(runs).map(([name, args]) => {
      const child = spawn(
        process.execPath,
        ["--import", KILLER, CLI, ...args(dir)],
        {
          env: { ...process.env, KILL_AT_RENAME: "", PAUSE_AT_RENAME_MS: "50" },
        },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      return new Promise<{ name: string; code: number | null; stderr: string }>(
        (resolve) =>
          child.on("close", (code) => resolve({ name, code, stderr })),
      );
    });
    const ended = await Promise.all(started);
    const winners = ended.filter(({ code }) => code === 0);
    const refused = ended.filter(({ code }) => code !== 0);
    assert.equal(winners.length, 1, JSON.stringify(ended));
    assert.equal(refused[0]!.code, 1);
    assert.match(
      refused[0]!.stderr,
      // Caught between making the lock and filling it in, the holder is not known yet.
      /another rails-aws run (\(process \d+ on .*\) is working in this folder|is starting in this folder \(\.rails-aws\/run\.lock was made just now\)): wait for it to finish/,
    );
    const final = readTree(dir);
    const expected = alone[winners[0]!.name]!;
    assert.deepEqual(
      [...final.keys()].filter(
        (path) => final.get(path) !== expected.get(path),
      ),
      [],
    );
    assert.equal(final.size, expected.size);
  });

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
