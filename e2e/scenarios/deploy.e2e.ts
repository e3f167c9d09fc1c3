// The generated deploy, run for real with the real app: `bundle exec cap production deploy` from
// a deployer host, to the two instances of the Auto Scaling group (found in the group, no
// HOSTS=), over the SSM path, onto hosts with real systemd that booted through the user data.
// /health is polled on both hosts through each deploy; figures (wall time, SSH sessions per
// host) are printed. Then what goes wrong in a deploy, each on the same hosts: a migration that
// fails, a release failing health on the second host, a host whose connection breaks or that
// freezes mid-restart and one that never answers, two deploys at once, Capistrano's HOSTS
// filter, plain SSH hosts (DEPLOY_HOSTS), and a rollback after the group launched a new
// instance (host 4).
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  Deployer,
  DEPLOYER_REPO,
  sshSessions,
  type CapRun,
} from "../harness/deployer.js";
import {
  Environment,
  parameterPath,
  RELEASE_BUCKET,
} from "../harness/environment.js";
import type { Host } from "../harness/fleet.js";
import { get, pollHealth, watchHosts } from "../harness/http.js";
import { sleep } from "../harness/process.js";
import { log, timings, withEnvironment } from "../harness/suite.js";

const APP_ROOT = "/var/www/app";
/** A host holding this file fails the health check of the release the scenario deploys. */
const BROKEN_MARKER = "/etc/e2e-broken-host";
/** Created on the host to stop waiting for a restart that never came. */
const STOP_WAITING = "/run/e2e-stop-waiting-for-restart";
const BROKEN_MIGRATION = `# Added by the e2e suite: a migration that fails, so that the deploy fails at db:prepare.
class E2eFailingMigration < ActiveRecord::Migration[8.1]
  def change
    raise "e2e: this migration fails on purpose"
  end
end
`;

/** What deploy() varies: the hosts named in the environment, what runs while it deploys. */
interface DeployOptions {
  variables?: Record<string, string>;
  /** The name cap knows a host by (its instance id, unless DEPLOY_HOSTS names it otherwise). */
  hostName?: (host: Host) => string;
  /** Started once cap has started; its failure fails the scenario once the deploy has ended. */
  during?: () => Promise<void>;
}

describe("e2e: cap production deploy of the real app over SSM, to hosts with real systemd", function () {
  let env: Environment;
  let deployer: Deployer;
  let group: Host[];
  /** The releases deployed healthy, oldest first. */
  const deployed: { name: string; commit: string }[] = [];

  // Hosts 1 and 2 are the group, 3 the deployer, 4 an instance the group launches later.
  withEnvironment({ hosts: 4 }, async (started) => {
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
    {
      variables = {},
      hostName = (host: Host) => env.instanceId(host),
      during,
    }: DeployOptions = {},
  ): Promise<{ seconds: number; sessions: number[]; output: string }> {
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
    const run = timings.time(`deploy: ${label}`, () =>
      deployer.cap(["production", "deploy"], variables),
    );
    // Its failure is reported once the deploy has ended: nothing outlives the scenario.
    const meanwhile = during?.().then(
      () => undefined,
      (error: unknown) => error,
    );
    const ran = await run.finally(() => watch.stop());
    const rounds = await watch.stop();
    const failure = await meanwhile;
    if (failure) throw failure;
    if (ran.code !== 0) fail(ran);
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
    // The cleanup keeps no release that failed or was rolled back: only those listed healthy.
    for (const host of group) {
      const healthy = (
        await host.run(`cat ${APP_ROOT}/healthy_releases`)
      ).stdout.split("\n");
      assert.deepEqual(
        (await releasesOn(host)).filter(
          (release) => !healthy.includes(release),
        ),
        [],
        `${host.name} keeps releases that never deployed healthy`,
      );
    }
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
      [hostName(group[0]!)],
      "db:prepare ran on the first host only",
    );

    log(
      `${label}: ${ran.seconds.toFixed(1)} s for 2 hosts; SSH sessions per host ${sessions.join(", ")}; /health polled ${rounds.length} times on both, never both down`,
    );
    assert.ok(
      sessions.every((count) => count >= 1 && count <= 3),
      `SSH sessions per host: ${sessions.join(", ")} (at most 3)`,
    );
    return { seconds: ran.seconds, sessions, output: ran.output };
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
    const migration = `db/migrate/${version}_e2e_failing_migration.rb`;
    await deployer.commit(
      { [migration]: BROKEN_MIGRATION },
      "a migration that fails",
    );
    const logBefore = deployer.capistranoLog().length;
    const failed = await timings.time(
      "deploy: a deploy that fails at db:prepare",
      () => deployer.cap(["production", "deploy"]),
    );
    // Mended for the deploys after this one; a rollback takes the releases on the hosts.
    await deployer.commit(
      { [migration]: null },
      "the failing migration removed",
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

  /** The release both hosts serve, once they serve the same. */
  async function servedByBoth(): Promise<{ name: string; commit: string }> {
    const [first, second] = await Promise.all(group.map(served));
    assert.deepEqual(second, first, "both hosts serve the same release");
    return first!;
  }

  /** Every host serves `release` and answers /health 200. */
  async function serveHealthy(
    hosts: Host[],
    release: { name: string; commit: string },
  ): Promise<void> {
    for (const host of hosts) {
      assert.deepEqual(
        await served(host),
        release,
        `${host.name} serves ${release.name}`,
      );
      assert.equal(
        (await get(3000, "/health", host.address)).status,
        200,
        `/health on ${host.name}`,
      );
    }
  }

  /** The "Each host now:" lines of a stopped rollout: every host back on `release`, healthy. */
  const backOn = (release: string) =>
    `Each host now:\\n${group
      .map(
        (host) => `  ${env.instanceId(host)}: back on ${release}, healthy\\n`,
      )
      .join("")}`;

  /** The SSM parameter a deploy holds as its lock, as config/deploy/production.rb names it. */
  const lockParameter = () =>
    /set :deploy_lock_parameter, "([^"]+)"/.exec(
      readFileSync(
        join(
          deployer.host.merged,
          DEPLOYER_REPO,
          "config/deploy/production.rb",
        ),
        "utf8",
      ),
    )![1]!;
  const lockFile = () => join(env.awsState, parameterPath(lockParameter()));
  /** Whether the lock exists and its value matches `holder`. */
  const lockHeldBy = (holder: RegExp) =>
    existsSync(lockFile()) && holder.test(readFileSync(lockFile(), "utf8"));
  /** The keys pushed through EC2 Instance Connect so far (the AWS stand-in's calls). */
  const keyPushes = () =>
    readFileSync(join(env.awsState, "calls.log"), "utf8")
      .split("\n")
      .filter((call) => call.includes("send-ssh-public-key")).length;

  it("deploy: a release failing health on the second host stops the rollout, puts both hosts back on the release before, and names each host's state", async function () {
    this.timeout(20 * 60_000);
    const [, second] = group as [Host, Host];
    const before = await servedByBoth();
    // A release broken on some instances only (a file, a setting or a package the others
    // have): this one answers /health 503 where the marker exists.
    const initializer = "config/initializers/e2e_broken_on_marked_hosts.rb";
    await deployer.commit(
      {
        [initializer]: `# Added by the e2e suite: this release fails its health check on a host holding the marker.
Rails.application.config.middleware.insert_before 0, Class.new {
  def initialize(app) = @app = app

  def call(env)
    return [ 503, { "content-type" => "text/plain" }, [ "broken on this host\\n" ] ] if env["PATH_INFO"] == "/health" && File.exist?("${BROKEN_MARKER}")

    @app.call(env)
  end
}
`,
      },
      "a release broken on the second host",
    );
    second.writeFile(BROKEN_MARKER, "");
    const watch = watchHosts(
      group.map((host) => host.address),
      3000,
    );
    const secondHealth = pollHealth(second.address, 3000);
    let run: CapRun;
    try {
      run = await timings.time(
        "deploy: a release failing health on the second host",
        () => deployer.cap(["production", "deploy"]),
      );
    } finally {
      await Promise.all([watch.stop(), secondHealth.stop()]);
      await second.run(`rm -f ${BROKEN_MARKER}`);
      await deployer.commit({ [initializer]: null }, "the release mended");
    }
    const rounds = await watch.stop();
    // Each answer is 100 ms of polling: how long the failing release answered.
    const failingSeconds =
      (await secondHealth.stop()).filter((answer) => answer.status === 503)
        .length / 10;

    assert.notEqual(run.code, 0, "the deploy fails");
    const release = /Rollout of (\d{14}) stopped/.exec(run.output)?.[1];
    assert.ok(release, run.output);
    assert.match(
      run.output,
      new RegExp(
        `Rollout of ${release} stopped: ${env.instanceId(second)} failed: \\S+/health answered HTTP 503\\.\\n${backOn(before.name)}`,
      ),
    );
    await serveHealthy(group, before);
    assert.deepEqual(
      rounds.filter((round) => round.statuses.every((s) => s !== 200)),
      [],
      "a moment when no host answered /health 200",
    );
    assert.notEqual(env.currentRelease().release, release, "not published");
    log(
      `a release failing health on the second host: cap failed after ${run.seconds.toFixed(1)} s; it answered 503 there for ${failingSeconds.toFixed(1)} s`,
    );
    assert.ok(failingSeconds > 0, "the failing release was seen failing");
    // Seconds: the put-back restarts Puma, then the job worker; a restart in place took 60 s.
    assert.ok(failingSeconds < 20, `503 for ${failingSeconds} s`);

    // What the message suggests to find out why is what the instances' sudoers let the deploy
    // user run; journalctl is not.
    const suggested = /To see why, on \S+: (.*)$/m.exec(run.output)![1]!;
    for (const command of suggested.split("; "))
      await second.run(command.replace(/^sudo /, "sudo -n -l /usr/bin/"), {
        user: "deploy",
      });
    const journal = await second.run(
      "sudo -n -l /usr/bin/journalctl -u app-web.service",
      { user: "deploy", okCodes: [0, 1] },
    );
    assert.equal(journal.code, 1, "journalctl is not in the sudoers");
  });

  /**
   * Deploys a new commit and, once the second host's Puma restarts, sends `signal` to the
   * deploy's SSH session processes there that `session` picks (an awk condition on ps's
   * title words); the processes are let go and ended afterwards. Returns the deploy and when
   * the signal was sent (epoch seconds).
   */
  async function deployHittingSsh(
    label: string,
    signal: "STOP" | "TERM",
    session: string,
  ): Promise<{ run: CapRun; hitAt: number }> {
    const [, second] = group as [Host, Host];
    await deployer.commit({ "public/e2e-deploy.txt": `${label}\n` }, label);
    const hitting = second.run(
      `rm -f ${STOP_WAITING}
       before=$(systemctl show -p MainPID --value app-web.service)
       until now=$(systemctl show -p MainPID --value app-web.service); [ "$now" != "$before" ] && [ "$now" != 0 ]; do
         [ ! -e ${STOP_WAITING} ] || { echo "app-web.service was not restarted during the deploy" >&2; exit 1; }
         sleep 0.1
       done
       pids=$(ps -eo pid=,args= | awk '$2 ~ /^sshd(-session)?:$/ && ${session} { print $1 }')
       [ -n "$pids" ] || { echo "no such SSH session of deploy" >&2; exit 1; }
       kill -${signal} $pids
       echo $pids
       date +%s.%N`,
      { timeoutMs: 11 * 60_000 },
    );
    // Settled either way, so that a failure is reported once the deploy has ended.
    const hit = hitting.then(
      ({ stdout }) => stdout.trim().split("\n"),
      (error: Error) => error,
    );
    let run: CapRun;
    try {
      run = await timings.time(`deploy: ${label}`, () =>
        deployer.cap(["production", "deploy"]),
      );
    } finally {
      await second.run(`touch ${STOP_WAITING}`);
      const done = await hit;
      if (Array.isArray(done))
        await second.run(
          `kill -CONT ${done[0]} 2>/dev/null || true; kill -TERM ${done[0]} 2>/dev/null || true`,
        );
    }
    const result = await hit;
    if (result instanceof Error) {
      if (run.code !== 0) fail(run);
      throw result;
    }
    return { run, hitAt: Number(result[1]) };
  }

  /** The lines a rollout stopped by the second host's broken connection prints. */
  const brokeOnSecond = (error: string, before: string) =>
    new RegExp(
      `stopped: ${env.instanceId(group[1]!)} failed: its SSH connection broke \\(${error}: [^\\n]*\\)\\.\\n${backOn(before)}`,
    );

  it("deploy: a host whose SSH connection breaks mid-restart is put back on its release, and the message names each host's state", async function () {
    this.timeout(20 * 60_000);
    const before = await servedByBoth();
    // The session's privileged sshd process ends: the connection closes under the deploy.
    const { run } = await deployHittingSsh(
      "a connection breaks",
      "TERM",
      '$3 == "deploy" && $4 == "[priv]"',
    );
    assert.notEqual(run.code, 0, "the deploy fails");
    assert.match(run.output, brokeOnSecond("[\\w:]+", before.name));
    assert.doesNotMatch(run.output, /^IOError/m);
    await serveHealthy(group, before);
    log(
      `a connection broken mid-restart: cap failed after ${run.seconds.toFixed(1)} s`,
    );
  });

  it("deploy: a host that stops answering mid-restart fails the deploy within the SSH keepalive bound, and is put back on its release", async function () {
    this.timeout(20 * 60_000);
    const [, second] = group as [Host, Host];
    const before = await servedByBoth();
    // The session's processes stop (SIGSTOP): the connection stays open and nothing answers,
    // as a host that hangs.
    const { run, hitAt } = await deployHittingSsh(
      "a host freezes",
      "STOP",
      "$3 ~ /^deploy@/",
    );
    assert.notEqual(run.code, 0, "the deploy fails");
    assert.match(run.output, brokeOnSecond("Net::SSH::Timeout", before.name));
    await serveHealthy(group, before);
    // Given up on: the put-back's new session is the first one after the freeze.
    const { stdout } = await second.run(
      `journalctl -q -o short-unix --since @${Math.floor(hitAt)} -g "Accepted publickey for deploy "`,
      { okCodes: [0, 1] },
    );
    const reconnectedAt = stdout
      .split("\n")
      .map((line) => Number(line.split(" ")[0]))
      .find((at) => at > hitAt);
    assert.ok(reconnectedAt, "the host was reconnected to after the freeze");
    const givenUpAfter = reconnectedAt - hitAt;
    log(
      `a host that froze mid-restart was given up on and reconnected after ${givenUpAfter.toFixed(1)} s; cap failed after ${run.seconds.toFixed(1)} s`,
    );
    // 40 s of unanswered keepalives (config/deploy.rb), and the new connection.
    assert.ok(givenUpAfter < 55, `given up on after ${givenUpAfter} s`);
  });

  it("deploy: a host that accepts the connection and never answers fails the deploy within the SSH connect timeout, changing nothing", async function () {
    this.timeout(10 * 60_000);
    const [, second] = group as [Host, Host];
    const before = await servedByBoth();
    // Its sshd stopped (SIGSTOP): the kernel still accepts TCP, nothing answers.
    const sshd = (
      await second.run("systemctl show -p MainPID --value ssh.service")
    ).stdout.trim();
    assert.notEqual(sshd, "0", "sshd runs on the second host");
    await second.run(`kill -STOP ${sshd}`);
    let run: CapRun;
    try {
      run = await timings.time("deploy: a host never answers", () =>
        deployer.cap(["production", "deploy"]),
      );
    } finally {
      await second.run(`kill -CONT ${sshd}`);
    }
    assert.notEqual(run.code, 0, "the deploy fails");
    assert.match(
      run.output,
      new RegExp(
        `Exception while executing as deploy@${env.instanceId(second)}: .*timed out`,
        "i",
      ),
    );
    log(
      `a host that never answers failed the deploy after ${run.seconds.toFixed(1)} s`,
    );
    // 30 s to connect (config/deploy.rb), and cap's own start.
    assert.ok(run.seconds < 75, `failed after ${run.seconds} s`);
    await serveHealthy(group, before);
    assert.ok(!existsSync(lockFile()), "the lock is released");
  });

  it("deploy: a lock left by a deploy that died is taken over; a second deploy started meanwhile is refused by it; the lock is released", async function () {
    this.timeout(20 * 60_000);
    // Left by a deploy of this machine whose process is gone.
    writeFileSync(
      lockFile(),
      `${Math.floor(Date.now() / 1000)} ${deployer.host.name} 999999 ghost production`,
    );
    let refused: CapRun | undefined;
    const { output } = await deploy("a deploy holding the lock", {
      during: async () => {
        for (let waited = 0; !lockHeldBy(/^\d+ \S+ \d+ ci /); waited += 200) {
          if (waited > 120_000) throw new Error("the deploy took no lock");
          await sleep(200);
        }
        refused = await deployer.cap(["production", "deploy"]);
      },
    });
    assert.match(
      output,
      new RegExp(
        `Taking over the deploy lock ${lockParameter()} from a deploy that died: ghost on ${deployer.host.name} \\(process 999999\\)`,
      ),
    );
    assert.ok(refused);
    assert.notEqual(refused.code, 0, "the second deploy fails");
    assert.match(
      refused.output,
      new RegExp(
        `Another deploy is running: ci on ${deployer.host.name} \\(process \\d+\\) started a production deploy \\d+ s ago \\(it holds the SSM parameter ${lockParameter()}\\)\\. Wait for it to end\\. If it died, \`bundle exec cap production deploy:unlock\` removes its lock\\.`,
      ),
    );
    log(`the second deploy was refused after ${refused.seconds.toFixed(1)} s`);
    assert.ok(refused.seconds < 30, `refused after ${refused.seconds} s`);
    assert.ok(!existsSync(lockFile()), "the lock is released");
  });

  it("deploy: HOSTS (Capistrano's filter) matching no instance fails loudly and publishes nothing", async function () {
    this.timeout(5 * 60_000);
    const before = await servedByBoth();
    const pointer = env.currentRelease();
    const addresses = group.map((host) => host.address).join(",");
    const run = await deployer.cap(["production", "deploy"], {
      HOSTS: addresses,
    });
    assert.notEqual(run.code, 0, "the deploy fails");
    assert.match(
      run.output,
      new RegExp(
        `No host to deploy to: Capistrano's filter HOSTS=${addresses.replaceAll(".", "\\.")} matched none of ${group.map((host) => env.instanceId(host)).join(", ")}\\. To name the hosts to deploy to, use DEPLOY_HOSTS= instead`,
      ),
    );
    assert.deepEqual(env.currentRelease(), pointer, "nothing published");
    await serveHealthy(group, before);
  });

  it("deploy: DEPLOY_HOSTS deploys to plain SSH hosts, reached through the deployer's own SSH key and config", async function () {
    this.timeout(20 * 60_000);
    // As a user sets up hosts outside the group: a key of their own in the deploy user's
    // authorized_keys, the hosts' keys in known_hosts, the key named in ~/.ssh/config.
    const { stdout: publicKey } = await deployer.host.run(
      `install -d -m 700 /root/.ssh
       [ -f /root/.ssh/id_rsa ] || ssh-keygen -q -t rsa -b 3072 -m PEM -N "" -f /root/.ssh/id_rsa
       ssh-keyscan -q ${group.map((host) => host.address).join(" ")} >>/root/.ssh/known_hosts
       printf 'Host ${env.fleet.subnet}.*\\n  IdentityFile ~/.ssh/id_rsa\\n' >/root/.ssh/config
       cat /root/.ssh/id_rsa.pub`,
    );
    for (const host of group)
      await host.run(
        `install -d -m 700 .ssh && cat >>.ssh/authorized_keys && chmod 600 .ssh/authorized_keys`,
        { user: "deploy", input: publicKey },
      );
    const pushesBefore = keyPushes();
    const { output } = await deploy("to plain SSH hosts", {
      variables: {
        DEPLOY_HOSTS: group.map((host) => host.address).join(","),
      },
      hostName: (host) => host.address,
    });
    assert.equal(keyPushes(), pushesBefore, "no EC2 Instance Connect key");
    assert.doesNotMatch(output, /Launched during the deploy/);
  });

  it("deploy: deploy:rollback after a scale-out returns every host, the new instance too, to the release deployed healthy before", async function () {
    this.timeout(20 * 60_000);
    assert.ok(deployed.length >= 2, "needs two deploys");
    const [older, newer] = deployed.slice(-2) as [
      { name: string; commit: string },
      { name: string; commit: string },
    ];
    const late = env.hosts[3]!;
    await timings.time("deploy: scale-out, an instance boots", () =>
      env.runUserData(late),
    );
    // It installed the release the last deploy published, under the deploy's name.
    await serveHealthy([late], newer);
    const fleet = [...group, late];
    deployer.setGroup(fleet);
    try {
      const rollback = await timings.time(
        "deploy: deploy:rollback after a scale-out",
        () => deployer.cap(["production", "deploy:rollback"]),
      );
      if (rollback.code !== 0) fail(rollback);
      await serveHealthy(fleet, older);
      for (const host of fleet)
        assert.ok(
          !(await releasesOn(host)).includes(newer.name),
          `${host.name} removed the rolled-back ${newer.name}`,
        );
      assert.equal(env.currentRelease().release, older.name);
      log(
        `rollback of 3 hosts after a scale-out: ${rollback.seconds.toFixed(1)} s`,
      );
    } finally {
      deployer.setGroup(group);
    }
  });
});
