// A run of the e2e harness that ends early (an uncaught exception, an unhandled rejection, Ctrl-C,
// a CI timeout's SIGTERM) still kills the commands it was running and removes its folders:
// everything the harness starts is held by e2e/harness/cleanup.ts, which releases it on exit. The
// hosts, mounts and namespaces the same mechanism holds are proven in e2e/scenarios/early-end.e2e.ts.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { endEarly, type EarlyEnd } from "./helpers/early-end.js";
import { tempDir } from "./helpers/repo.js";

const harness = (module: string) =>
  `file://${join(packageRoot, "dist/e2e/harness", module)}`;

/** A command running (sleep, by the harness's run()) and a folder held, then the report. */
const SCRIPT = (parent: string) => `
import { join } from "node:path";
import { Resources } from "${harness("cleanup.js")}";
import { run } from "${harness("process.js")}";
const held = new Resources();
const folder = held.tempFolder(join(${JSON.stringify(parent)}, "held-"));
void run("sleep", ["600"]).catch(() => {});
console.log(JSON.stringify({ folder }));
`;

const ENDS: { end: EarlyEnd; ended: string }[] = [
  { end: "exception", ended: "exit code 1" },
  { end: "rejection", ended: "exit code 1" },
  { end: "SIGTERM", ended: "signal SIGTERM" },
  { end: "SIGINT", ended: "signal SIGINT" },
];

describe("e2e harness: a run that ends early", () => {
  for (const { end, ended } of ENDS)
    it(`kills its commands by process id and removes its folders when it ends by ${end}`, async () => {
      const run = await endEarly<{ folder: string }>(SCRIPT(tempDir()), end);
      assert.equal(
        run.signal ? `signal ${run.signal}` : `exit code ${run.code}`,
        ended,
        run.stderr,
      );
      assert.ok(run.started.length > 0, "the command was running");
      assert.deepEqual(run.leftovers, [], "processes left running");
      assert.equal(existsSync(run.report.folder), false, "the folder is left");
      assert.match(run.stderr, /releasing: process ×1, path ×1/);
    });
});
