// The generated deploy, run for real with the real app: `bundle exec cap production deploy` from
// a deployer host, to the two instances of the Auto Scaling group (found in the group, no
// HOSTS=), over the SSM path, onto hosts with real systemd that booted through the user data.
// /health is polled on both hosts through each deploy; figures (wall time, SSH sessions per
// host) are printed.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  Deployer,
  DEPLOYER_REPO,
  sshSessions,
  type CapRun,
} from "../harness/deployer.js";
import { Environment, RELEASE_BUCKET } from "../harness/environment.js";
import type { Host } from "../harness/fleet.js";
import { get, watchHosts } from "../harness/http.js";
import { log, timings, withEnvironment } from "../harness/suite.js";

const APP_ROOT = "/var/www/app";
const BROKEN_MIGRATION = `# Added by the e2e suite: a migration that fails, so that the deploy fails at db:prepare.
class E2eFailingMigration < ActiveRecord::Migration[8.1]
  def change
    raise "e2e: this migration fails on purpose"
  end
end
`;

describe("e2e: cap production deploy of the real app over SSM, to hosts with real systemd", function () {
  let env: Environment;
  let deployer: Deployer;
  let group: Host[];
  /** The releases deployed healthy, oldest first. */
  const deployed: { name: string; commit: string }[] = [];

  withEnvironment({ hosts: 3 }, async (started) => {
    env = started;
    group = env.hosts.slice(0, 2);
    await timings.time("deploy: the group's 2 instances boot", () =>
      Promise.all(group.map((host) => env.runUserData(host))),
    );
    deployer = await Deployer.setUp(env, env.hosts[2]!, group);
  });

  /** What each host serves: the release `current` names and its commit (REVISION). */
  const served = (host: Host) =>
    host
      .run(
        `basename "$(readlink ${APP_ROOT}/current)"; cat ${APP_ROOT}/current/REVISION`,
      )
      .then(({ stdout }) => {
        const [name, commit] = stdout.trim().split("\n");
        return { name: name!, commit: commit! };
      });
  const releasesOn = async (host: Host) =>
    (await host.run(`ls ${APP_ROOT}/releases`)).stdout
      .split("\n")
      .filter(Boolean);

  /** When each host's Puma stopped for the restart and was ready again (µs, one clock). */
  const restartTimes = (host: Host) =>
    host
      .run(
        "systemctl show app-web.service -p ActiveExitTimestampMonotonic -p ActiveEnterTimestampMonotonic --value",
      )
      .then(({ stdout }) => {
        const [ready, stopped] = stdout.trim().split("\n").map(Number);
        return { stopped: stopped!, ready: ready! };
      });

  function fail(run: CapRun): never {
    assert.fail(
      `cap exited ${run.code}:\n${run.output.split("\n").slice(-60).join("\n")}`,
    );
  }

  /**
   * Commits a change and deploys it, with /health polled on both hosts throughout; checks that
   * each host serves it, that they restarted one after the other and were never both down, and
   * that db:prepare ran on the first host only. Returns the figures.
   */
  async function deploy(
    label: string,
  ): Promise<{ seconds: number; sessions: number[] }> {
    const commit = await deployer.commit(
      { "public/e2e-deploy.txt": `${label}\n` },
      label,
    );
    const sessionsBefore = await Promise.all(group.map(sshSessions));
    const logBefore = deployer.capistranoLog().length;
    const watch = watchHosts(
      group.map((host) => host.address),
      3000,
    );
    // Stopped however cap ends: no polling outlives the scenario.
    const run = await timings
      .time(`deploy: ${label}`, () => deployer.cap(["production", "deploy"]))
      .finally(() => watch.stop());
    const rounds = await watch.stop();
    if (run.code !== 0) fail(run);
    const sessions = (await Promise.all(group.map(sshSessions))).map(
      (count, i) => count - sessionsBefore[i]!,
    );

    const now = await Promise.all(group.map(served));
    const name = now[0]!.name;
    assert.match(name, /^\d{14}$/);
    assert.ok(
      deployed.every((release) => release.name < name),
      `${name} is a new release`,
    );
    for (const [i, host] of group.entries()) {
      assert.deepEqual(
        now[i],
        { name, commit },
        `${host.name} serves the deploy`,
      );
      assert.equal(
        (await get(await env.fleet.forward(host, 3000), "/health")).status,
        200,
      );
    }
    deployed.push({ name, commit });
    const pointer = env.currentRelease();
    assert.equal(pointer.release, name);
    const published = join(env.awsState, "s3", RELEASE_BUCKET, pointer.key);
    assert.ok(
      existsSync(published),
      "the release is published for instances launched later",
    );
    assert.equal(
      createHash("sha256").update(readFileSync(published)).digest("hex"),
      pointer.sha256,
      "the published artifact has the SHA-256 the pointer names",
    );

    // One host at a time: the second stopped only once the first was ready again.
    const [first, second] = await Promise.all(group.map(restartTimes));
    assert.ok(
      second!.stopped > first!.ready,
      `${group[1]!.name} stopped at ${second!.stopped} µs, before ${group[0]!.name} was ready at ${first!.ready} µs`,
    );
    const down = rounds.filter((round) =>
      round.statuses.every((s) => s !== 200),
    );
    assert.ok(rounds.length > 10, `${rounds.length} rounds of /health`);
    assert.deepEqual(down, [], "a moment when no host answered /health 200");

    // db:prepare on the first instance only.
    const capLog = deployer.capistranoLog().slice(logBefore);
    const prepared = [
      ...capLog.matchAll(/Running .*db:prepare.* as deploy@(\S+)/g),
    ].map((match) => match[1]);
    assert.deepEqual(
      prepared,
      [env.instanceId(group[0]!)],
      "db:prepare ran on the first host only",
    );

    log(
      `${label}: ${run.seconds.toFixed(1)} s for 2 hosts; SSH sessions per host ${sessions.join(", ")}; /health polled ${rounds.length} times on both, never both down`,
    );
    assert.ok(
      sessions.every((count) => count >= 1 && count <= 3),
      `SSH sessions per host: ${sessions.join(", ")} (at most 3)`,
    );
    return { seconds: run.seconds, sessions };
  }

  it("deploy: a commit without Gemfile.lock is refused before any host is reached, with the command that makes one", async function () {
    this.timeout(5 * 60_000);
    const lockfile = join(deployer.host.merged, DEPLOYER_REPO, "Gemfile.lock");
    const locked = readFileSync(lockfile, "utf8");
    const sessionsBefore = await Promise.all(group.map(sshSessions));
    await deployer.commit({ "Gemfile.lock": null }, "no Gemfile.lock");
    try {
      const run = await deployer.cap(["production", "deploy"]);
      assert.notEqual(run.code, 0, "the deploy fails");
      assert.match(
        run.output,
        /Gemfile\.lock is not committed in [0-9a-f]{40}: the hosts install gems in Bundler's deployment mode, which needs it\. Create it with `bundle lock --add-platform x86_64-linux`, then commit it\./,
      );
      assert.deepEqual(
        await Promise.all(group.map(sshSessions)),
        sessionsBefore,
        "no host was reached",
      );
    } finally {
      await deployer.commit({ "Gemfile.lock": locked }, "Gemfile.lock back");
    }
  });

  it("deploy: cap production deploy finds the group's hosts, restarts them one at a time (never both down), runs db:prepare on the first only, in at most 3 SSH sessions per host", async function () {
    this.timeout(20 * 60_000);
    await deploy("first deploy");
  });

  it("deploy: a second deploy", async function () {
    this.timeout(20 * 60_000);
    assert.equal(deployed.length, 1, "needs the first deploy");
    await deploy("second deploy");
  });

  it("deploy: rollback after a failed deploy returns every host to the last release deployed healthy before the one served", async function () {
    this.timeout(20 * 60_000);
    assert.equal(deployed.length, 2, "needs both deploys");
    const [older, newer] = deployed as [
      { name: string; commit: string },
      { name: string; commit: string },
    ];
    // Dated now: Rails refuses a migration dated in the future.
    const version = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
    await deployer.commit(
      { [`db/migrate/${version}_e2e_failing_migration.rb`]: BROKEN_MIGRATION },
      "a migration that fails",
    );
    const logBefore = deployer.capistranoLog().length;
    const failed = await timings.time(
      "deploy: a deploy that fails at db:prepare",
      () => deployer.cap(["production", "deploy"]),
    );
    assert.notEqual(failed.code, 0, "the deploy fails");
    assert.match(
      deployer.capistranoLog().slice(logBefore),
      /db:prepare[\s\S]*this migration fails on purpose/,
    );
    const failedRelease = (await releasesOn(group[0]!)).at(-1)!;
    assert.ok(failedRelease > newer.name, "the failed deploy made a release");
    for (const host of group)
      assert.deepEqual(
        await served(host),
        newer,
        `${host.name} still serves the last deploy`,
      );

    const rollback = await timings.time("deploy: deploy:rollback", () =>
      deployer.cap(["production", "deploy:rollback"]),
    );
    if (rollback.code !== 0) fail(rollback);
    for (const host of group) {
      assert.deepEqual(
        await served(host),
        older,
        `${host.name} is back on ${older.name}`,
      );
      assert.equal(
        (await get(await env.fleet.forward(host, 3000), "/health")).status,
        200,
      );
      const releases = await releasesOn(host);
      assert.ok(
        !releases.includes(newer.name),
        `${host.name} removed the rolled-back ${newer.name}`,
      );
      assert.ok(
        !releases.includes(failedRelease),
        `${host.name} removed the failed ${failedRelease}`,
      );
    }
    assert.equal(env.currentRelease().release, older.name);
    log(
      `rollback of 2 hosts after a failed deploy: ${rollback.seconds.toFixed(1)} s`,
    );
  });
});
