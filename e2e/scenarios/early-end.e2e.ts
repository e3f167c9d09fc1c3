// An e2e run that dies with a host booted (an uncaught exception, or SIGTERM as a CI timeout sends
// it) leaves nothing of it on the machine: no process, mount, cgroup, network namespace, link or
// folder. Each case boots one host in a node process of its own (a few seconds) with a command
// running inside it, then ends that process.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { endEarly, type EarlyEnd } from "../../test/helpers/early-end.js";
import { ensureRoot } from "../harness/rootfs.js";
import { log, requireHosts, timings } from "../harness/suite.js";

/** What the run started, as it reports it. */
interface Started {
  dir: string;
  merged: string;
  netns: string;
  link: string;
  cgroups: string[];
  /** nspawn's lock on the host's directory, there while it runs. */
  lock: string;
  locked: boolean;
}

const SCRIPT = `
import { existsSync, statSync } from "node:fs";
import { Fleet } from "${new URL("../harness/fleet.js", import.meta.url).href}";
import { ensureRoot } from "${new URL("../harness/rootfs.js", import.meta.url).href}";
const fleet = await Fleet.boot({ root: await ensureRoot(() => {}), count: 1 });
const [host] = fleet.hosts;
void host.run("sleep 600").catch(() => {});
await new Promise((resolve) => setTimeout(resolve, 300));
const { dev, ino } = statSync(host.merged);
const lock = "/run/systemd/nspawn/locks/inode-" + dev + ":" + ino;
console.log(JSON.stringify({
  lock,
  locked: existsSync(lock),
  dir: fleet.dir,
  merged: host.merged,
  netns: fleet.netns,
  link: "e2e" + fleet.id + "o",
  cgroups: ["systemd", "unified"].map((tree) => "/sys/fs/cgroup/" + tree + "/nspawn-" + host.name),
}));
`;

const ENDS: { end: EarlyEnd; ended: string }[] = [
  { end: "exception", ended: "exit code 1" },
  { end: "SIGTERM", ended: "signal SIGTERM" },
];

describe("e2e: a run that dies with a host booted", function () {
  this.timeout(180_000);

  before(async function () {
    requireHosts(this);
    // Built here when not cached yet (minutes), so that each run below only boots.
    this.timeout(60 * 60_000);
    await timings.time("root file system", () => ensureRoot(log));
  });

  for (const { end, ended } of ENDS)
    it(`leaves no process, mount, cgroup, namespace, link or folder when it ends by ${end}`, async () => {
      const run = await endEarly<Started>(SCRIPT, end);
      const { dir, merged, netns, link, cgroups, lock, locked } = run.report;
      assert.equal(
        run.signal ? `signal ${run.signal}` : `exit code ${run.code}`,
        ended,
        run.stderr,
      );
      // nspawn, the host's systemd and its services, the command run in it.
      assert.ok(run.started.length > 5, `processes: ${run.started.length}`);
      assert.deepEqual(run.leftovers, [], "processes left running");
      const mounts = readFileSync("/proc/self/mountinfo", "utf8");
      assert.equal(mounts.includes(merged), false, `${merged} still mounted`);
      assert.equal(existsSync(`/run/netns/${netns}`), false, "netns left");
      assert.equal(existsSync(`/sys/class/net/${link}`), false, "link left");
      for (const cgroup of cgroups)
        assert.equal(existsSync(cgroup), false, `${cgroup} left`);
      assert.equal(existsSync(dir), false, `${dir} left`);
      assert.ok(locked, `nspawn had no lock at ${lock}`);
      assert.equal(existsSync(lock), false, `nspawn's lock ${lock} left`);
    });
});
