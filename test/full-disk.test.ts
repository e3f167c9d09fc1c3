// A full disk, for real: a small tmpfs mounted in a mount namespace of the test's own (unshare -m,
// so nothing outlives the test and the machine's mounts are untouched). A run that cannot fit is
// refused before its first write; a disk that fills up during a run stops it with a message
// naming the file, and the same command, once there is room, completes it exactly.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { readTree, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const CLI = join(packageRoot, "bin/rails-aws.js");
const PRELOAD = join(packageRoot, "dist/test/helpers/kill-at-rename.js");
const ANSWERS = ["--domain", "example.com", "--skip-git"];

/**
 * Runs a bash script as root in a new mount namespace where `$disk` is a tmpfs of `size`; what
 * it copies to `$out` (outside the tmpfs) remains after.
 */
function onSmallDisk(size: string, script: string) {
  const disk = tempDir("disk-");
  const out = tempDir("out-");
  const run = spawnSync(
    "unshare",
    [
      "--mount",
      "--propagation",
      "private",
      "bash",
      "-euc",
      `mount -t tmpfs -o size=${size} rails-aws-test "$disk"\n${script}`,
    ],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        disk,
        out,
        node: process.execPath,
        cli: CLI,
        preload: PRELOAD,
        KILL_AT_RENAME: "",
      },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  return { out, log: run.stdout };
}

describe("a full disk", () => {
  before(function () {
    requireTool(this, ["unshare", "mount", "bash"]);
    if (process.getuid?.() === 0) return;
    const why = "mounting a tmpfs needs root";
    if (process.env.CI === "true")
      throw new Error(`${why}: CI must run this suite as root`);
    console.warn(`\n    SKIPPED "a full disk": ${why}.\n`);
    this.skip();
  });

  it("a run that does not fit is refused before its first write, naming the folder and the space needed", () => {
    const { log } = onSmallDisk(
      "512k",
      `"$node" "$cli" "$disk/demo" ${ANSWERS.join(" ")} 2>"$out/stderr" || echo "exit $?"
       ls -A "$disk"; cat "$out/stderr"`,
    );
    assert.match(log, /^exit 1$/m);
    assert.match(
      log,
      /not enough free space in .*demo: \d+ KiB needed, \d+ KiB free\. Free some space and run again\./,
    );
    // The new folder is gone again: nothing was written.
    assert.doesNotMatch(log, /^demo$/m);
  });

  it("a disk that fills up during a run stops it naming the file, with nothing changed and nothing left behind; once there is room, the same command gives the uninterrupted run", () => {
    const uninterrupted = join(tempDir(), "demo");
    assert.equal(
      spawnSync(process.execPath, [CLI, uninterrupted, ...ANSWERS]).status,
      0,
    );
    // The first rename puts the run's journal in place, before the first file is written.
    const { out, log } = onSmallDisk(
      "8m",
      `FILL_DISK_AT_RENAME="1:$disk/filler" "$node" --import "$preload" "$cli" "$disk/demo" ${ANSWERS.join(" ")} \
         2>"$out/first" || echo "first exit $?"
       ls -A "$disk"
       rm "$disk/filler"
       "$node" "$cli" "$disk/demo" ${ANSWERS.join(" ")} >"$out/second" 2>&1 || echo "second exit $?"
       cp -a "$disk/demo" "$out/final"`,
    );
    const first = readTree(out).get("first")!;
    assert.match(log, /^first exit 1$/m);
    assert.match(
      first,
      /writing (\S+) failed: ENOSPC: no space left on device.*Nothing was changed: fix the cause and run the same command again/,
    );
    // The new folder is gone again, with the folders, temporary files and journal the run made.
    assert.doesNotMatch(log, /^demo$/m);
    assert.doesNotMatch(log, /second exit/);
    assert.doesNotMatch(readTree(out).get("second")!, /interrupted/);
    const final = readTree(join(out, "final"));
    const expected = readTree(uninterrupted);
    assert.deepEqual(
      [...expected.keys()].filter(
        (path) => final.get(path) !== expected.get(path),
      ),
      [],
    );
    assert.equal(final.size, expected.size);
  });
});
