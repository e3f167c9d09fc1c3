// Preloaded into a rails-aws process (node --import) to stand in for a kill at an unlucky moment:
// the process SIGKILLs itself just before its Nth rename (KILL_AT_RENAME=N). A run renames its
// journal into place, then, once every file is written to its temporary file, the journal again,
// then each file: so a kill at N lands before any file is written (N=1), with every file written
// and none replaced (N=2), or with N-3 files replaced and the rest not yet. Without N,
// it counts the renames of a whole run and prints them last on stderr (`renames: 104`).
// PAUSE_AT_RENAME_MS=M stands in for a slow disk instead: each rename waits M ms first, so that
// a run holds its folder long enough for another to try it. FILL_DISK_AT_RENAME=N:FILE stands in
// for another program filling the disk: before the Nth rename, FILE grows until no space is left.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const killAt = Number(process.env.KILL_AT_RENAME);
const pauseMs = Number(process.env.PAUSE_AT_RENAME_MS ?? 0);
const [fillAt, filler] = (process.env.FILL_DISK_AT_RENAME ?? "").split(":");

function fillDisk(path: string) {
  const chunk = Buffer.alloc(64 * 1024);
  const fd = fs.openSync(path, "w");
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch {
    // ENOSPC: the disk is full.
  } finally {
    fs.closeSync(fd);
  }
}
let renames = 0;
const rename = fs.renameSync;
fs.renameSync = (from, to) => {
  if (++renames === killAt) process.kill(process.pid, "SIGKILL");
  if (renames === Number(fillAt)) fillDisk(filler!);
  if (pauseMs)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pauseMs);
  rename(from, to);
};
// The ES module bindings of node:fs (what the generator imports) follow the patched function.
syncBuiltinESMExports();
if (!killAt)
  process.on("exit", () => process.stderr.write(`renames: ${renames}\n`));
