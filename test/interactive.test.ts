// The interactive path as a person meets it, in a real terminal: `script` gives the command a
// pseudo-terminal, the test reads the screen and types.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { connectionsPerInstance, settings } from "../core/settings.js";
import { tempDir, writeRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** Runs still going when their test ends (it failed): ended by the suite's afterEach. */
const running = new Set<ChildProcess>();

/**
 * Starts rails-aws in a terminal 200 columns wide (so that a message is not broken across
 * lines); resolves each `until` once the screen shows it.
 */
function inTerminal(args: string[], cwd = process.cwd()) {
  const command = [
    process.execPath,
    join(packageRoot, "bin/rails-aws.js"),
    ...args,
  ]
    .map((arg) => `'${arg.replaceAll("'", "'\\''")}'`)
    .join(" ");
  const child = spawn(
    "script",
    ["-qefc", `stty cols 200; ${command}`, "/dev/null"],
    {
      cwd,
      env: { ...process.env, TERM: "xterm", NO_UPDATE_NOTIFIER: "1" },
    },
  );
  let screen = "";
  child.stdout.on("data", (chunk: Buffer) => (screen += chunk.toString()));
  running.add(child);
  const exited = new Promise<number | null>((done) =>
    child.on("exit", (code) => {
      running.delete(child);
      done(code);
    }),
  );
  return {
    type: (keys: string) => child.stdin.write(keys),
    screen: () => screen,
    /** What the screen showed since `mark` (a length of screen), escape sequences removed. */
    since: (mark: number) =>
      // eslint-disable-next-line no-control-regex
      screen.slice(mark).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ""),
    exited,
    async until(text: string | RegExp, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (
        !(typeof text === "string" ? screen.includes(text) : text.test(screen))
      ) {
        if (Date.now() > deadline) {
          child.kill();
          throw new Error(`not shown in ${ms} ms: ${String(text)}\n${screen}`);
        }
        await new Promise((wait) => setTimeout(wait, 50));
      }
    },
  };
}

/** Every answer of a production-only app but `unasked`, as an answers file in `dir`. */
function answersFile(dir: string, unasked: string[]): string {
  const answers: Record<string, unknown> = {
    appName: "demo",
    domain: "example.com",
    githubRepository: "me/demo",
    githubOwnerId: "",
    githubRepositoryId: "",
    githubOidcSubject: "legacy",
    alertEmail: "alerts@example.com",
    rubyVersion: "3.4",
    environments: ["production"],
    pumaWorkers: 2,
    pumaThreads: 3,
    jobThreads: 3,
    cableAdapter: "solid_cable",
    productionRegion: "eu-west-1",
    productionAccountId: "",
    productionInstanceType: "t3.medium",
    productionAsgMin: 2,
    productionAsgMax: 4,
    productionCapacity: "spot-burst",
    productionDbClass: "db.t4g.medium",
    productionMultiAz: true,
    productionBackupDays: 7,
    productionBackupCopyRegion: "none",
    productionReadReplica: false,
    natGateways: "single",
    ubuntuRelease: settings.ubuntuRelease.default({}, { folderName: "" }),
    instanceReplacement: "off",
    shellAccess: "ssm",
    cpuTarget: 70,
  };
  for (const name of unasked) delete answers[name];
  const path = join(dir, "answers.json");
  writeFileSync(path, JSON.stringify(answers));
  return path;
}

describe("the interactive path, in a terminal", () => {
  before(function () {
    requireTool(this, "script");
  });
  afterEach(() => {
    for (const child of running) child.kill();
  });

  it("Ctrl-C at a prompt says 'Cancelled, nothing written', exits 130 and leaves no folder", async () => {
    const dir = join(tempDir(), "new", "myapp");
    const run = inTerminal([dir]);
    await run.until("Application name");
    run.type("\x03");
    assert.equal(await run.exited, 130, run.screen());
    assert.match(run.screen(), /Cancelled, nothing written\./);
    assert.doesNotMatch(run.screen(), /error occured|force closed/i);
    assert.ok(
      !existsSync(join(dir, "..")),
      "the folders the run made are gone",
    );
  });

  it("catches a cross-field rule at its prompt and offers only the choices that fit", async () => {
    const root = tempDir();
    const file = answersFile(root, [
      "pumaWorkers",
      "pumaThreads",
      "productionInstanceType",
      "productionAsgMax",
      "productionDbClass",
    ]);
    const run = inTerminal([join(root, "demo"), "--answers", file, "-y"]);
    await run.until("Puma worker processes per instance");
    run.type("\x7f8\r");
    await run.until("Puma threads per worker");
    run.type("\x7f5\r");
    let mark = run.screen().length;
    await run.until("EC2 instance type for production");
    await run.until("Graviton");
    // 8 workers need 4 vCPUs: the 2-vCPU types are not offered.
    assert.doesNotMatch(run.since(mark), /t3\.medium|t3\.large/);
    assert.match(
      run.since(mark),
      /t3\.xlarge\s+4 vCPU, 16 GiB, \$\d+\/month in eu-west-1/,
    );
    run.type("\r");
    await run.until("Maximum instances for production");
    // 8 workers x 5 threads: more instances than the largest class has connections for.
    const perInstance = connectionsPerInstance({
      pumaWorkers: 8,
      pumaThreads: 5,
      jobThreads: 3,
    });
    run.type("\x7f50\r");
    await run.until(
      `from 2 (--production-asg-min) to ${Math.floor(5000 / perInstance)} (each instance opens ${perInstance} database connections`,
    );
    run.type("\x7f\x7f10\r");
    mark = run.screen().length;
    await run.until("RDS PostgreSQL 17 instance class for production");
    await run.until("connections");
    // 10 instances open some 1,900 connections: only classes that hold them are offered.
    assert.doesNotMatch(run.since(mark), /db\.t4g\.medium/);
    assert.match(
      run.since(mark),
      /db\.m6g\.2xlarge\s+8 vCPU, 32 GiB, 3244 connections/,
    );
    run.type("\r");
    assert.equal(await run.exited, 0, run.screen());
    const stored = JSON.parse(
      readFileSync(join(root, "demo", ".yo-rc.json"), "utf8"),
    )["generator-rails-aws"];
    assert.equal(stored.productionDbClass, "db.m6g.2xlarge");
    assert.equal(stored.rubyVersion, "3.4.7", "3.4 is the newest 3.4.x");
  });

  it("offers only the instance types whose memory holds the Puma workers beside the rest", async () => {
    const root = tempDir();
    const file = answersFile(root, ["pumaWorkers", "productionInstanceType"]);
    const run = inTerminal([join(root, "demo"), "--answers", file, "-y"]);
    await run.until("Puma worker processes per instance");
    run.type("\x7f4\r");
    const mark = run.screen().length;
    await run.until("EC2 instance type for production");
    await run.until("Graviton");
    // 4 workers fit 2 vCPUs, not 2 GiB: t3.small is left out, the 4 GiB t3.medium is offered.
    assert.doesNotMatch(run.since(mark), /t3\.(micro|small)\b/);
    assert.match(run.since(mark), /t3\.medium\s+2 vCPU, 4 GiB/);
    run.type("\r");
    assert.equal(await run.exited, 0, run.screen());
  });

  it("shows the answers and the cost in the region's prices, and writes only once confirmed", async () => {
    const root = tempDir();
    const file = answersFile(root, ["domain"]);
    const dir = join(root, "demo");
    const declined = inTerminal([dir, "--answers", file], root);
    await declined.until("Domain the app is served on");
    declined.type("example.com\r");
    await declined.until("(Y/n)");
    assert.match(declined.since(0), /Write \d+ files to demo\? \(Y\/n\)/);
    const preview = declined.since(0);
    assert.match(
      preview,
      /Production\r?\n\s+AWS region for production\s+eu-west-1/,
    );
    assert.match(
      preview,
      /production: \$[\d,]+–\$[\d,]+ a month \(2–4 instances\), at eu-west-1 prices/,
    );
    assert.doesNotMatch(preview, /us-east-1 list prices/);
    declined.type("n\r");
    assert.equal(await declined.exited, 1, declined.screen());
    assert.match(declined.screen(), /nothing written: you answered no/);
    assert.ok(!existsSync(dir), "a declined run leaves no folder");

    const confirmed = inTerminal([dir, "--answers", file], root);
    await confirmed.until("Domain the app is served on");
    confirmed.type("example.com\r");
    await confirmed.until("(Y/n)");
    confirmed.type("\r");
    assert.equal(await confirmed.exited, 0, confirmed.screen());
    assert.ok(existsSync(join(dir, "config", "cable.yml")));
  });

  it("-y writes without the confirmation", async () => {
    const root = tempDir();
    const file = answersFile(root, ["domain"]);
    const dir = join(root, "demo");
    const run = inTerminal([dir, "--answers", file, "-y"], root);
    await run.until("Domain the app is served on");
    run.type("example.com\r");
    assert.equal(await run.exited, 0, run.screen());
    assert.doesNotMatch(run.screen(), /\(Y\/n\)/);
    assert.ok(existsSync(join(dir, ".yo-rc.json")));
  });

  it("keeps the answers of a run that fails after asking, and the next run asks nothing again", async () => {
    const root = tempDir();
    const file = answersFile(root, ["domain", "productionRegion"]);
    const dir = join(root, "demo");
    // Another run holds the folder's lock: this one fails after its questions.
    writeRepo(dir, {
      ".rails-aws/run.lock": JSON.stringify({
        pid: process.pid,
        host: hostname(),
        startedAt: new Date().toISOString(),
      }),
    });
    const failed = inTerminal([dir, "--answers", file, "-y"], root);
    await failed.until("Domain the app is served on");
    failed.type("example.org\r");
    await failed.until("AWS region for production");
    failed.type("\x1b[B\r");
    assert.equal(await failed.exited, 1, failed.screen());
    const kept = failed.since(0).match(/Your answers are kept in (\S+);/);
    assert.ok(kept, failed.screen());
    const saved = readFileSync(join(root, kept[1]!), "utf8");
    assert.match(saved, /domain: example\.org/);
    assert.match(saved, /productionRegion: us-east-2/);

    rmSync(join(dir, ".rails-aws"), { recursive: true });
    const again = inTerminal([dir, "--answers", kept[1]!, "-y"], root);
    assert.equal(await again.exited, 0, again.screen());
    assert.doesNotMatch(again.screen(), / · /, "nothing asked again");
    const stored = JSON.parse(readFileSync(join(dir, ".yo-rc.json"), "utf8"))[
      "generator-rails-aws"
    ];
    assert.equal(stored.domain, "example.org");
    assert.equal(stored.productionRegion, "us-east-2");
  });
});
