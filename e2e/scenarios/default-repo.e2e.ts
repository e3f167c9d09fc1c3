// The default generated repo, run for real: the user data's boot path on fresh hosts, the
// production boot, Puma under its systemd units, the Solid Queue worker, db:prepare on
// PostgreSQL 17, the scratchpad edited in Chromium on both hosts, and needrestart after a library
// update. Each scenario is timed; the table is printed at the end.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { offlineUserData, userData } from "../harness/app.js";
import { requireTool } from "../../test/helpers/tools.js";
import { editTogether } from "../harness/editing.js";
import { Environment, HOSTILE_PASSWORD } from "../harness/environment.js";
import type { Host } from "../harness/fleet.js";
import { get, pollHealth } from "../harness/http.js";
import { sleep } from "../harness/process.js";
import { log, timings, withEnvironment } from "../harness/suite.js";

/** A job for the Solid Queue scenario, added to the release: it says in the cache who ran it. */
const PROBE_JOB = `# Added by the e2e suite: proves the worker ran a job, and which process did.
class E2eProbeJob < ApplicationJob
  def perform(token)
    Rails.cache.write("e2e-probe", [ token, File.read("/proc/self/cgroup").strip, $0 ].join("|"))
  end
end
`;

const APP_ROOT = "/var/www/app";

describe("e2e: the default repo on Debian 13 hosts with real systemd", function () {
  let env: Environment;
  let bootPathRan = false;

  withEnvironment(
    {
      hosts: 2,
      extraFiles: { "app/jobs/e2e_probe_job.rb": PROBE_JOB },
    },
    (started) => {
      env = started;
    },
  );

  /** As the deploy user in the current release, with the services' environment. */
  const asApp = (host: Host, script: string, timeoutMs = 120_000) =>
    host.run(
      `set -a; . /etc/app/env; set +a; cd ${APP_ROOT}/current
       ${script}`,
      { user: "deploy", timeoutMs },
    );

  it("a: the user data's boot path takes fresh hosts to serving /health 200 with the current release", async function () {
    this.timeout(15 * 60_000);
    await timings.time("a: user data boot path (2 hosts)", async () => {
      const { skipped } = offlineUserData(userData(env.app.dir, env.values));
      log(
        `running the user data without its ${skipped.length} download lines (packages, AWS CLI, CloudWatch agent, Ruby's source)`,
      );
      await Promise.all(
        env.hosts.map(async (host) => {
          await env.runUserData(host);
          const current = (
            await host.run(
              `readlink ${APP_ROOT}/current; cat ${APP_ROOT}/current/REVISION ${APP_ROOT}/healthy_releases`,
            )
          ).stdout.split("\n");
          assert.equal(current[0], `${APP_ROOT}/releases/${env.releaseName}`);
          assert.equal(current[1], env.revision, "the published release runs");
          assert.equal(current[2], env.releaseName, "and is listed as healthy");
          const health = await get(
            await env.fleet.forward(host, 3000),
            "/health",
          );
          assert.equal(health.status, 200, `/health on ${host.name}`);
        }),
      );
      const signals = readFileSync(join(env.awsState, "signals"), "utf8");
      for (const host of env.hosts)
        assert.match(
          signals,
          new RegExp(`^SUCCESS ${env.instanceId(host)} WebGroup$`, "m"),
        );
    });
    bootPathRan = true;
  });

  it("a: the hosts have exactly the sudoers, units and directories the user data writes", async function () {
    this.timeout(60_000);
    requireBootPath(bootPathRan);
    const script = userData(env.app.dir, env.values);
    const sudoers = /<<'SUDOERS'\n([\s\S]*?)\nSUDOERS\n/.exec(script)?.[1];
    const sudoersFile = /install -m 0440 \/tmp\/sudoers (\S+)/.exec(
      script,
    )?.[1];
    assert.ok(sudoers && sudoersFile, "the user data writes a sudoers file");
    for (const host of env.hosts) {
      const files = await host.run(
        `cat ${sudoersFile}; echo ---
         ls /etc/systemd/system/ | grep '^app' ; echo ---
         stat -c '%U:%G %n' ${APP_ROOT} ${APP_ROOT}/releases ${APP_ROOT}/shared ${APP_ROOT}/shared/* ${APP_ROOT}/shared/.bundle; echo ---
         systemctl is-enabled app.target; sudo -l -U deploy | grep -c NOPASSWD`,
      );
      const [installed, units, dirs, enabled] = files.stdout.split("---\n");
      assert.equal(installed!.trim(), sudoers.trim());
      assert.deepEqual(units!.trim().split("\n").sort(), [
        "app-jobs.service",
        "app-jobs.service.d",
        "app-metrics.service",
        "app-metrics.timer",
        "app-web.service",
        "app-web.service.d",
        "app-web.socket",
        "app.target",
      ]);
      assert.ok(
        dirs!
          .split("\n")
          .filter(Boolean)
          .every((line) => line.startsWith("deploy:deploy ")),
        dirs,
      );
      assert.match(dirs!, /shared\/\.bundle\n/);
      assert.equal(
        enabled!.trim(),
        `enabled\n${sudoers.trim().split("\n").length}`,
      );
    }
  });

  it("e: db:prepare creates all four databases on PostgreSQL 17, through a hostile password", async function () {
    this.timeout(10 * 60_000);
    requireBootPath(bootPathRan);
    const [first] = env.hosts;
    await timings.time("e: db:prepare", () =>
      asApp(first!, "bin/rails db:prepare"),
    );
    const tables = await first!.run(
      `for db in app_production app_production_cache app_production_queue app_production_cable; do
         echo "$db: $(runuser -u postgres -- psql -d "$db" -Atc "select string_agg(tablename, ',' order by tablename) from pg_tables where schemaname = 'public'")"
       done
       runuser -u postgres -- psql -Atc "show server_version"`,
    );
    const lines = tables.stdout.trim().split("\n");
    assert.match(lines.pop()!, /^17\./);
    const byDb = Object.fromEntries(lines.map((l) => l.split(": ")));
    assert.match(
      byDb.app_production!,
      /ar_internal_metadata.*schema_migrations/,
    );
    assert.match(byDb.app_production_cache!, /solid_cache_entries/);
    assert.match(byDb.app_production_queue!, /solid_queue_jobs/);
    assert.match(byDb.app_production_cable!, /solid_cable_messages/);
    // The second host reaches the same database over TLS with the same password.
    const ssl = await asApp(
      env.hosts[1]!,
      `bin/rails runner 'print ActiveRecord::Base.connection.select_value("select ssl from pg_stat_ssl where pid = pg_backend_pid()")'`,
    );
    assert.match(ssl.stdout, /true$/);
    // The password the services connected with is the secret's, through the environment file.
    const password = await asApp(env.hosts[1]!, `printf %s "$DB_PASSWORD"`);
    assert.equal(password.stdout, HOSTILE_PASSWORD);
  });

  it("b: production boots with eager loading, and the generated CI's zeitwerk:check passes", async function () {
    this.timeout(5 * 60_000);
    requireBootPath(bootPathRan);
    const [first] = env.hosts;
    // The generated CI's own boot step, run as it is written, without the instance's settings.
    const step = ciStep(env.app.dir, "bin/rails zeitwerk:check");
    const vars = Object.entries(step.env ?? {})
      .map(([name, value]) => `${name}=${JSON.stringify(String(value))}`)
      .join(" ");
    const check = await timings.time(
      "b: the generated CI's zeitwerk:check",
      () =>
        first!.run(`cd ${APP_ROOT}/current && env ${vars} ${step.run} 2>&1`, {
          user: "deploy",
        }),
    );
    assert.match(check.stdout, /All is good!/);
    const boot = await timings.time("b: production boot, eager load", () =>
      asApp(
        first!,
        `bin/rails runner 'Rails.application.eager_load!; puts Rails.application.config.eager_load, ActiveStorage.variant_processor' 2>&1`,
      ),
    );
    assert.match(boot.stdout, /^true\ndisabled$/m);
    assert.doesNotMatch(boot.stdout, /variant|deprecat|warning/i);
  });

  it("c: Puma runs under the generated socket and service units: Type=notify, the watchdog, the hardening", async function () {
    this.timeout(5 * 60_000);
    requireBootPath(bootPathRan);
    const host = env.hosts[0]!;
    const port = await env.fleet.forward(host, 3000);
    await timings.time("c: Puma under systemd", async () => {
      const show = await unitProperties(host, "app-web.service");
      assert.equal(show.Type, "notify");
      assert.equal(show.WatchdogUSec, "10s");
      assert.equal(show.ActiveState, "active");
      assert.match(show.StatusText ?? "", /Puma/);
      const pid = show.MainPID!;
      const journal = await host.journal("app-web.service", 200);
      assert.match(
        journal,
        /Activated tcp:\/\/0\.0\.0\.0:3000/,
        "Puma took the socket unit's port",
      );
      assert.doesNotMatch(journal, /EADDRINUSE|Address already in use/);

      // The hardening holds inside the running process, not just in the unit file.
      const proc = await host.run(
        `grep -E '^(NoNewPrivs|Seccomp|CapEff|Uid):' /proc/${pid}/status`,
      );
      assert.match(proc.stdout, /NoNewPrivs:\s+1/);
      assert.match(proc.stdout, /Seccomp:\s+2/);
      assert.match(proc.stdout, /CapEff:\s+0+\n/);
      // Room for WebSockets: each is an open file of its worker (LimitNOFILE=).
      const limits = await host.run(
        `grep '^Max open files' /proc/${pid}/limits`,
      );
      assert.match(limits.stdout, /^Max open files\s+16384\s+16384\s+files/);
      const writes = await host.run(
        `nsenter -t ${pid} -m sh -c 'touch ${APP_ROOT}/current/e2e 2>&1; touch ${APP_ROOT}/shared/tmp/e2e && echo shared-writable; ls -A /home | wc -l'`,
      );
      assert.match(
        writes.stdout,
        /Read-only file system/,
        "the release is read-only to Puma",
      );
      assert.match(
        writes.stdout,
        /shared-writable\n0\n/,
        "writable shared dirs, no home directories",
      );

      // A restart keeps the socket (systemd holds it): requests made meanwhile wait in its
      // backlog, none is refused. Asked at the host's own address, not through a forwarder,
      // so that a refusal shows as one.
      const polling = pollHealth(host.address, 3000);
      await host
        .run("systemctl restart app-web.service")
        .finally(() => polling.stop());
      const answers = await polling.stop();
      const answered = answers.filter((a) => a.status === 200);
      const others = answers.filter((a) => a.status !== 200);
      // Where a request's wait goes: the old Puma stopping, then the new one booting to ready.
      const phases = await host.run(
        "systemctl show app-web.service -p ActiveExitTimestampMonotonic -p InactiveEnterTimestampMonotonic -p InactiveExitTimestampMonotonic -p ActiveEnterTimestampMonotonic",
      );
      const at = Object.fromEntries(
        phases.stdout
          .trim()
          .split("\n")
          .map((line) => line.split("="))
          .map(([name, value]) => [name, Number(value) / 1e6]),
      ) as Record<string, number>;
      const worst = Math.max(...answers.map((a) => a.seconds));
      const stopping =
        at.InactiveEnterTimestampMonotonic! - at.ActiveExitTimestampMonotonic!;
      const booting =
        at.ActiveEnterTimestampMonotonic! - at.InactiveExitTimestampMonotonic!;
      log(
        `restart under load: ${answers.length} requests, ${answered.length} answered 200, worst ${worst.toFixed(1)} s; the old Puma stopped in ${stopping.toFixed(1)} s, the new one was ready ${booting.toFixed(1)} s after it started` +
          (others.length ? `; not answered: ${JSON.stringify(others)}` : ""),
      );
      // A request made during the restart waits in the socket's backlog for the new Puma to
      // boot, and for no more: the old one stops within seconds, or, where a worker hangs after
      // its requests (Ruby 3.3's IO#close, see config/puma.rb), when Puma kills that worker.
      const workerShutdown = Number(
        /^worker_shutdown_timeout (\d+)$/m.exec(
          readFileSync(join(env.app.dir, "config/puma.rb"), "utf8"),
        )![1],
      );
      if (stopping >= 5)
        log(
          `the old Puma took ${stopping.toFixed(1)} s to stop: a worker hung after its requests and was killed at worker_shutdown_timeout (${workerShutdown} s)`,
        );
      assert.ok(
        stopping < workerShutdown + 2,
        `the old Puma took ${stopping} s to stop (worker_shutdown_timeout ${workerShutdown} s)`,
      );
      assert.ok(
        worst < stopping + booting + 3,
        `a request waited ${worst} s, longer than the restart (${stopping + booting} s)`,
      );
      assert.ok(answers.length > 3, "requests were made during the restart");
      assert.deepEqual(
        answers.filter((a) => a.error === "ECONNREFUSED"),
        [],
        "no request was refused: systemd kept the socket open",
      );
      assert.equal(answers.at(-1)?.status, 200, "the restarted Puma answers");

      // A Puma that stops answering is killed by the watchdog and started again.
      const before = await unitProperties(host, "app-web.service");
      await host.run(`kill -STOP ${before.MainPID}`);
      let after = before;
      for (
        let i = 0;
        i < 60 &&
        (after.MainPID === before.MainPID || after.ActiveState !== "active");
        i++
      ) {
        await sleep(1000);
        after = await unitProperties(host, "app-web.service");
      }
      assert.notEqual(
        after.MainPID,
        before.MainPID,
        "the watchdog replaced the stopped Puma",
      );
      assert.match(
        await host.journal("app-web.service", 100),
        /[Ww]atchdog timeout/,
      );
      assert.equal((await get(port, "/health")).status, 200);
    });
  });

  it("d: the Solid Queue unit runs a job", async function () {
    this.timeout(5 * 60_000);
    requireBootPath(bootPathRan);
    const host = env.hosts[0]!;
    await timings.time("d: Solid Queue runs a job", async () => {
      // It started before db:prepare made its tables: restart it as a deploy does.
      await host.run("systemctl restart app-jobs.service");
      const token = `probe-${Date.now()}`;
      await asApp(
        host,
        `bin/rails runner 'E2eProbeJob.perform_later("${token}")'`,
      );
      let found = "";
      for (let i = 0; i < 20 && !found.startsWith(`${token}|`); i++) {
        found = (
          await asApp(
            host,
            `bin/rails runner 'print Rails.cache.read("e2e-probe").to_s'`,
          )
        ).stdout.trim();
        if (!found.startsWith(`${token}|`)) await sleep(1000);
      }
      if (!found.startsWith(`${token}|`))
        assert.fail(
          `the job did not run: the cache holds "${found}"\n${await host.journal("app-jobs.service")}`,
        );
      const [, cgroup, title] = found.split("|");
      assert.match(
        cgroup!,
        /^0::\/system\.slice\/app-jobs\.service$/m,
        "the job ran in app-jobs.service",
      );
      assert.match(title!, /^solid-queue-worker/, "in a Solid Queue worker");
    });
  });

  it("f: tabs in headless Chromium on both hosts edit the scratchpad together under Solid Cable: an edit shows on the other host, and concurrent editors lose nothing", async function () {
    this.timeout(10 * 60_000);
    requireTool(this, "chromium");
    requireBootPath(bootPathRan);
    await timings.time("f: scratchpad in Chromium, Solid Cable", () =>
      editTogether(
        env.hosts,
        { editors: 6, keystrokes: 25, intervalMs: 30 },
        (line) => log(`Solid Cable: ${line}`),
      ),
    );
  });

  // Last: it restarts a service on the host.
  it("g: after an update of a library they use, needrestart restarts the host's services but leaves app-web and app-jobs to the deploys", async function () {
    this.timeout(5 * 60_000);
    requireBootPath(bootPathRan);
    // The host whose app-jobs d restarted once the databases were made.
    const host = env.hosts[0]!;
    await timings.time("g: needrestart after a library update", async () => {
      await host.run(
        `cat >/etc/systemd/system/e2e-sleeper.service <<'UNIT'\n${SLEEPER}UNIT
         systemctl daemon-reload && systemctl start e2e-sleeper.service`,
      );
      const units = ["app-web", "app-jobs", "e2e-sleeper"];
      const pids = async () =>
        Promise.all(
          units.map(
            async (unit) =>
              (await unitProperties(host, `${unit}.service`)).MainPID,
          ),
        );
      const before = await pids();
      assert.ok(
        !before.includes("0"),
        `every unit runs before the update (app-jobs needs e's databases): ${units.join(", ")}: ${before.join(", ")}`,
      );
      // Ruby's shared library replaced by a copy, a new file under the same name, as dpkg
      // replaces a package's files: each process still maps the old one.
      await host.run(
        `library=$(grep -om1 '/[^ ]*/libruby[^ ]*' /proc/${before[0]}/maps)
         cp -a "$library" "$library.e2e" && mv "$library.e2e" "$library"`,
      );
      // What an unattended upgrade runs after installing (needrestart's apt hook), restarting
      // automatically: -r a, for outdated libraries (-l).
      const { stdout } = await host.run("needrestart -r a -l 2>&1");
      const after = await pids();
      assert.deepEqual(
        after.slice(0, 2),
        before.slice(0, 2),
        `app-web and app-jobs kept running:\n${stdout}`,
      );
      assert.notEqual(
        after[2],
        before[2],
        `needrestart restarted the host's own service:\n${stdout}`,
      );
      assert.match(
        stdout,
        /^Service restarts being deferred:\n systemctl restart app-jobs\.service\n systemctl restart app-web\.service\n\n/m,
      );
      assert.equal(
        (await get(await env.fleet.forward(host, 3000), "/health")).status,
        200,
      );
    });
  });
});

/** A service of the host's own: Ruby, doing nothing, as a service the app does not own. */
const SLEEPER = `[Service]
ExecStart=/usr/bin/ruby -e sleep
`;

/** A step of the generated CI workflow's test job, by its command. */
function ciStep(
  repo: string,
  run: string,
): { run: string; env?: Record<string, unknown> } {
  const workflow = parse(
    readFileSync(join(repo, ".github/workflows/ci.yml"), "utf8"),
  ) as {
    jobs: Record<
      string,
      { steps: { run?: string; env?: Record<string, unknown> }[] }
    >;
  };
  const step = workflow.jobs.test!.steps.find((s) => s.run === run);
  assert.ok(step, `the generated CI runs ${run}`);
  return step as { run: string; env?: Record<string, unknown> };
}

function requireBootPath(ran: boolean): void {
  if (!ran) throw new Error("needs the boot path scenario (a), which failed");
}

async function unitProperties(
  host: Host,
  unit: string,
): Promise<Record<string, string>> {
  const { stdout } = await host.run(
    `systemctl show ${unit} -p Type,WatchdogUSec,ActiveState,MainPID,StatusText,NRestarts`,
  );
  return Object.fromEntries(
    stdout
      .trim()
      .split("\n")
      .map((line) => [
        line.slice(0, line.indexOf("=")),
        line.slice(line.indexOf("=") + 1),
      ]),
  );
}
