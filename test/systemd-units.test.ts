// The generated systemd units: what systemd-analyze says of them, what they promise the deploy
// (notify, watchdog, graceful stop, shared dirs, environment file), and the systemd validator.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkRepo } from "../check/check.js";
import { findTool, toolEnv } from "../check/tools.js";
import {
  execCommands,
  MAX_EXPOSURE,
  parseSecurity,
  systemd,
} from "../check/validators/systemd.js";
import { resolveAnswers } from "../core/answers.js";
import { deriveContext } from "../core/context.js";
import { SOLID_QUEUE_SHUTDOWN_TIMEOUT } from "../core/parts/systemd/context.js";
import { checkFiles } from "./helpers/check.js";
import { generateRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

/** What the deploy assumes of an instance, for the default answers. */
const instance = (() => {
  const resolution = resolveAnswers(
    { domain: "example.com" },
    { folderName: "demo" },
  );
  assert.ok(resolution.ok);
  return deriveContext(resolution.answers).instance;
})();

/** A unit's `Key=value` settings, every value of a repeated key in order. */
function settings(unit: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of unit.split("\n")) {
    const setting = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (setting) {
      found.set(setting[1]!, [...(found.get(setting[1]!) ?? []), setting[2]!]);
    }
  }
  return found;
}

const one = (unit: Map<string, string[]>, key: string) => {
  const values = unit.get(key) ?? [];
  assert.equal(values.length, 1, `${key}: ${values.join(" | ")}`);
  return values[0]!;
};

/** Environment= assignments of a unit, as a map. */
const environment = (unit: Map<string, string[]>) =>
  new Map(
    (unit.get("Environment") ?? [])
      .flatMap((line) => line.split(" "))
      .map((pair) => pair.split("=") as [string, string]),
  );

describe("systemd part: the units", () => {
  let dir: string;
  const read = (name: string) =>
    readFileSync(join(dir, "config/systemd", name), "utf8");

  before(async () => {
    dir = await generateRepo(["--job-threads", "4"]);
  });

  it("are the units the context names, in config/systemd", () => {
    assert.deepEqual(readdirSync(join(dir, "config/systemd")).sort(), [
      "demo-jobs.service",
      "demo-web.service",
      "demo-web.socket",
      "demo.target",
    ]);
  });

  it("systemd-analyze verify prints nothing for any of them", async function () {
    requireTool(this, "systemd-analyze");
    const report = await checkRepo(dir, { validators: [systemd] });
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]!.files, 4);
  });

  it("rate each service below 4.0 with systemd-analyze security --offline=true", async function () {
    requireTool(this, "systemd-analyze");
    const { stdout } = await execFileAsync(
      findTool("systemd-analyze")!,
      [
        "security",
        "--offline=true",
        "--no-pager",
        "demo-web.service",
        "demo-jobs.service",
      ].map((arg) =>
        arg.endsWith(".service") ? join(dir, "config/systemd", arg) : arg,
      ),
      { env: toolEnv(process.env.PATH ?? "") },
    );
    const ratings = parseSecurity(stdout);
    for (const service of ["demo-web.service", "demo-jobs.service"]) {
      const exposure = ratings.get(service)?.exposure;
      assert.ok(exposure !== undefined, stdout);
      assert.ok(exposure < MAX_EXPOSURE, `${service}: ${exposure}`);
    }
  });

  it("run Puma as a notify service with a watchdog on the socket's port, stopping gracefully", () => {
    const web = settings(read("demo-web.service"));
    const socket = settings(read("demo-web.socket"));
    assert.equal(one(web, "Type"), "notify");
    assert.match(one(web, "WatchdogSec"), /^\d+$/);
    assert.equal(one(web, "KillMode"), "mixed");
    assert.equal(one(web, "Requires"), "demo-web.socket");
    assert.equal(one(socket, "ListenStream"), "0.0.0.0:3000");
    assert.equal(environment(web).get("PORT"), "3000");
    assert.equal(
      one(web, "ExecStart"),
      `${instance.rubyPrefix}/bin/bundle exec puma --config config/puma.rb`,
    );
  });

  it("let each Puma process hold thousands of WebSockets, and alarm at 80% of that over an instance's workers", () => {
    const web = settings(read("demo-web.service"));
    assert.equal(one(web, "LimitNOFILE"), "16384");
    const monitoring = readFileSync(
      join(dir, "infra/cloudformation/monitoring.yml"),
      "utf8",
    );
    const workers = Number(environment(web).get("WEB_CONCURRENCY"));
    const alarm = /CableConnectionsAlarm:[\s\S]*?Threshold: (\d+)/.exec(
      monitoring,
    )?.[1];
    assert.equal(Number(alarm), Math.floor(16384 * 0.8 * workers));
  });

  it("let Puma kill a worker that will not stop before systemd kills the whole service", () => {
    const web = settings(read("demo-web.service"));
    const workerShutdown = /^worker_shutdown_timeout (\d+)$/m.exec(
      readFileSync(join(dir, "config/puma.rb"), "utf8"),
    )?.[1];
    assert.ok(workerShutdown, "config/puma.rb sets worker_shutdown_timeout");
    assert.ok(Number(workerShutdown) + 5 <= Number(one(web, "TimeoutStopSec")));
  });

  it("run the Solid Queue worker as Type=exec, stopping after its shutdown timeout, with its own pool", () => {
    const jobs = settings(read("demo-jobs.service"));
    assert.equal(one(jobs, "Type"), "exec");
    assert.equal(
      one(jobs, "ExecStart"),
      `${instance.rubyPrefix}/bin/bundle exec bin/jobs`,
    );
    assert.ok(
      Number(one(jobs, "TimeoutStopSec")) > SOLID_QUEUE_SHUTDOWN_TIMEOUT,
    );
    assert.equal(environment(jobs).get("JOB_THREADS"), "4");
    assert.equal(environment(jobs).get("RAILS_MAX_THREADS"), "6");
  });

  it("run the current release as the deploy user, with the instance's environment file", () => {
    for (const name of ["demo-web.service", "demo-jobs.service"]) {
      const unit = settings(read(name));
      assert.equal(one(unit, "User"), "deploy");
      assert.equal(one(unit, "WorkingDirectory"), "/var/www/demo/current");
      assert.equal(one(unit, "EnvironmentFile"), "/etc/demo/env");
      assert.equal(one(unit, "PartOf"), "demo.target");
    }
    const target = settings(read("demo.target"));
    assert.deepEqual(one(target, "Wants").split(" ").sort(), [
      "demo-jobs.service",
      "demo-web.service",
      "demo-web.socket",
    ]);
    assert.equal(one(target, "WantedBy"), "multi-user.target");
  });

  it("are hardened without breaking YJIT or hiding Ruby, writing only to the shared dirs", () => {
    for (const name of ["demo-web.service", "demo-jobs.service"]) {
      const unit = settings(read(name));
      assert.equal(unit.get("MemoryDenyWriteExecute"), undefined, name);
      assert.equal(one(unit, "ProtectSystem"), "strict");
      assert.equal(one(unit, "ProtectHome"), "tmpfs");
      assert.doesNotMatch(instance.rubyPrefix, /^\/(home|root|run\/user)\//);
      assert.deepEqual(
        one(unit, "ReadWritePaths").split(" "),
        instance.writableLinkedDirs.map((d) => `-/var/www/demo/shared/${d}`),
      );
    }
    for (const writable of instance.writableLinkedDirs) {
      assert.ok(instance.linkedDirs.includes(writable), writable);
    }
  });

  it("leave the variables that differ per process out of the instance's environment file (the cloudformation part's user data and boot files)", () => {
    const userData = readFileSync(
      join(dir, "infra/cloudformation/app.yml"),
      "utf8",
    );
    // EnvironmentFile= wins over Environment=, and Puma and the job worker need different values.
    assert.doesNotMatch(userData, /\bRAILS_MAX_THREADS=/);
  });
});

describe("check: systemd validator", function () {
  before(function () {
    requireTool(this, "systemd-analyze");
  });

  it("reports a verify warning at its file and line, and an exposure of 4.0 or more with its figure", async () => {
    const report = await checkFiles(
      {
        "a/app.service": `[Service]\nExecStart=/opt/x/bin/app\nRestartSecs=5\n`,
        "b/app.service": `[Service]\nType=exec\nExecStart=-/usr/local/bin/other --flag\n`,
      },
      [systemd],
    );
    const messages = report.findings.map(
      (f) => `${f.file}:${f.line ?? "-"} ${f.message.split(";")[0]}`,
    );
    // Sorted by file, then line: a finding without a line comes first.
    assert.equal(messages.length, 3, messages.join("\n"));
    assert.match(
      messages[0]!,
      /^a\/app\.service:- exposure \d\.\d \S+, must be below 4\.0 \(systemd-analyze security --offline=true\)$/,
    );
    assert.equal(
      messages[1],
      "a/app.service:3 Unknown key 'RestartSecs' in section [Service], ignoring.",
    );
    assert.match(
      messages[2]!,
      /^b\/app\.service:- exposure \d\.\d \S+, must be below 4\.0/,
    );
    assert.match(
      report.findings[0]!.message,
      /the largest gaps: \S+= \(\d\.\d\)/,
    );
  });

  it("finds the commands an Exec line runs, whatever its prefixes", () => {
    assert.deepEqual(
      execCommands(
        "ExecStart=/usr/bin/a x\nExecStartPre=-+/b/c\nExecStop=@/d e\nExecReload=kill\n",
      ),
      ["/usr/bin/a", "/b/c", "/d"],
    );
  });
});
