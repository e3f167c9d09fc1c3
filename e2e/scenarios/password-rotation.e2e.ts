// RDS rotates the database password under a running app (every 7 days), and a failover drops
// every connection: both at once here, on a host with real systemd. The app must carry on
// without a restart, new processes too, the load balancer's check must not notice, and the
// instance's metrics must say the database answers. Host 1's PostgreSQL plays RDS, the AWS CLI
// stand-in its secret. Without config/initializers/database_credentials.rb, /health/db stays
// 503 after the rotation until the services restart (a control run, by hand, showed it).
import assert from "node:assert/strict";
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DATABASE_SECRET,
  secretPath,
  type Environment,
} from "../harness/environment.js";
import type { Host } from "../harness/fleet.js";
import { sleep } from "../harness/process.js";
import { log, timings, withEnvironment } from "../harness/suite.js";

const APP_ROOT = "/var/www/app";
/** As hostile as the first, and different: RDS generates any printable character. */
const ROTATED_PASSWORD = `rotated: ~!@#$%^&*()_+{}|:"<>? [x] 'y' \`z\` \\ 42`;

/** A job that records, in the cache, the token it was given: proves the worker still works. */
const ROTATION_PROBE_JOB = `# Added by the e2e suite: proves the worker ran a job after the rotation.
class RotationProbeJob < ApplicationJob
  def perform(token)
    Rails.cache.write("rotation-probe", token)
  end
end
`;

describe("e2e: the database password rotates, and every connection drops, under a running app", function () {
  let env: Environment;
  let host: Host;

  withEnvironment(
    {
      hosts: 1,
      extraFiles: { "app/jobs/rotation_probe_job.rb": ROTATION_PROBE_JOB },
    },
    async (started) => {
      env = started;
      host = env.hosts[0]!;
      await timings.time("rotation: boot path, db:prepare", async () => {
        await env.runUserData(host);
        await asApp("bin/rails db:prepare", 10 * 60_000);
        // The job worker started before db:prepare made its tables, as a deploy restarts it.
        await host.run("systemctl restart app.target");
        await waitFor("/health/db answers 200", async () =>
          (await databaseHealth()).startsWith("200 "),
        );
      });
    },
  );

  /** As the deploy user in the current release, with the services' environment file. */
  const asApp = (script: string, timeoutMs = 120_000) =>
    host.run(
      `set -a; . /etc/app/env; set +a; cd ${APP_ROOT}/current
       ${script}`,
      { user: "deploy", timeoutMs },
    );

  /** "<status> <body>" of the app's database check, asked on the host. */
  async function databaseHealth(): Promise<string> {
    const { stdout } = await host.run(
      `curl -sS -o /tmp/db-health -w '%{http_code}' http://127.0.0.1:3000/health/db || true; echo " $(cat /tmp/db-health 2>/dev/null)"`,
    );
    return stdout.trim();
  }

  async function mainPids(): Promise<string> {
    return (
      await host.run(
        "systemctl show -p MainPID,NRestarts app-web.service app-jobs.service",
      )
    ).stdout;
  }

  async function waitFor(what: string, check: () => Promise<boolean>) {
    for (let tries = 0; tries < 60; tries++) {
      if (await check()) return;
      await sleep(2_000);
    }
    throw new Error(
      `${what}: not within 2 minutes\n${await host.journal("app-web.service", 80)}`,
    );
  }

  it("keeps answering from the database with no restart: it fetches the rotated password itself, as new processes do", async function () {
    this.timeout(15 * 60_000);
    const before = await mainPids();
    const metrics = join(env.awsState, "metrics");
    writeFileSync(metrics, "");
    await timings.time("rotation: rotate, drop every connection", async () => {
      // What RDS does: the password changes in the database and in the secret.
      await host.run(
        `IFS= read -r password
         runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v password="$password" <<'SQL'
         ALTER ROLE app PASSWORD :'password';
         SQL`.replace(/^ {9}/gm, ""),
        { input: `${ROTATED_PASSWORD}\n` },
      );
      const secret = join(env.awsState, secretPath(DATABASE_SECRET));
      writeFileSync(
        secret,
        JSON.stringify({ username: "app", password: ROTATED_PASSWORD }),
      );
      // Readable by the services, as the instance role's credentials are to any process.
      chmodSync(secret, 0o644);
      // What a failover does to every open connection.
      const dropped = await host.run(
        `runuser -u postgres -- psql -Atc "select count(pg_terminate_backend(pid)) from pg_stat_activity where usename = 'app'"`,
      );
      log(`dropped ${dropped.stdout.trim()} connections of the app`);
      assert.ok(Number(dropped.stdout.trim()) > 0, "the app had connections");
      // The load balancer's check leaves the database out: a blink takes no instance away.
      const health = await host.run(
        "curl -sS -o /dev/null -w '%{http_code}' http://127.0.0.1:3000/health",
      );
      assert.equal(health.stdout, "200");
    });

    await timings.time("rotation: the app answers again", () =>
      waitFor("/health/db answers 200 after the rotation", async () =>
        (await databaseHealth()).startsWith('200 {"database":"up"'),
      ),
    );
    // The services' environment file still holds the old password: PostgreSQL refuses it, so
    // the app got the new one from the secret.
    const stale = await host.run(
      `set -a; . /etc/app/env; set +a
       PGPASSWORD="$DB_PASSWORD" psql "host=$DB_HOST port=$DB_PORT user=$DB_USERNAME dbname=postgres sslmode=require" -Atc 'select 1' 2>&1 || true`,
    );
    assert.match(stale.stdout, /password authentication failed/);
    assert.equal(await mainPids(), before, "no service restarted");
    assert.match(
      await host.journal("app-web.service", 400),
      /The database refused the password: connecting with the current one from Secrets Manager/,
    );

    // A new process (rails runner) starts from the stale file too; the worker, whose connections
    // were dropped, runs what it enqueues.
    const token = `t${Date.now()}`;
    await timings.time(
      "rotation: a new process enqueues, the worker runs it",
      async () => {
        await asApp(
          `bin/rails runner 'RotationProbeJob.perform_later("${token}")'`,
        );
        await waitFor(
          "the worker runs the job enqueued after the rotation",
          async () => {
            const { stdout } = await asApp(
              `bin/rails runner 'print Rails.cache.read("rotation-probe").to_s'`,
            );
            return stdout.trim().endsWith(token);
          },
        );
      },
    );

    // The instance's metrics timer (every minute) reports the database reachable again.
    await timings.time("rotation: the metrics say the database answers", () =>
      waitFor(
        "a DatabaseReachable of 1 published after the rotation",
        async () => {
          await host.run("systemctl start app-metrics.service || true");
          const lines = readFileSync(metrics, "utf8").trim().split("\n");
          return lines.some(
            (line) =>
              line.startsWith("app ") &&
              /MetricName=DatabaseReachable,Value=1,/.test(line) &&
              /MetricName=CableConnections,Value=\d+,/.test(line),
          );
        },
      ),
    );
  });
});
