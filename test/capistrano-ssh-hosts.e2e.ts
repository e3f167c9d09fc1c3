// The generated deploy, run for real: Capistrano (Debian's, with capistrano-bundler and
// capistrano-rails from the vendored sources) against real sshd hosts (test/helpers/ssh-hosts.ts),
// over the SSM path, as `cap production deploy` runs it. The app deployed is the generated repo
// with a toy Gemfile and Rakefile (fixtures/ssh-hosts/Rakefile.toy): Rails 8.1 needs a newer
// Ruby than this machine's. Stand-ins: the AWS CLI, systemctl and Puma (see the helper).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { packageRoot } from "../core/paths.js";
import { generateRepo, tempDir, writeRepo } from "./helpers/repo.js";
import { commit, git, toyApp, Fleet, type Host } from "./helpers/ssh-hosts.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

const APP = {
  name: "demo",
  deployUser: "deploy",
  deployPath: "/var/www/demo",
  envFile: "/etc/demo/env",
  installUnits: "/usr/local/sbin/demo-install-units",
  webUnit: "demo-web.service",
  target: "demo.target",
  port: 3000,
};
const BUCKET_PARAMETER = "/demo/production/release-bucket";
const CURRENT_PARAMETER = "/demo/production/current-release";

/** The vendored sources (shared/vendor), looked for beside the project and its parents. */
function vendoredSources(): string | undefined {
  for (let dir = packageRoot; dir !== dirname(dir); dir = dirname(dir)) {
    const tarball = join(dir, "shared/vendor/rails-8.1-sources.tar.xz");
    if (existsSync(tarball)) return tarball;
  }
  return undefined;
}

interface CapRun {
  code: number;
  output: string;
  seconds: number;
}

describe("capistrano part: real cap against real sshd hosts", function () {
  this.timeout(300_000);
  let fleet: Fleet;
  let repo: string;
  let plugins: string;

  before(async function () {
    requireTool(
      this,
      ["cap", "sshd", "ssh-keygen", "sudo", "ip", "unshare", "bundle", "curl"],
      {
        path: `${process.env.PATH}:/usr/sbin`,
      },
    );
    const sources = vendoredSources();
    if (process.getuid?.() !== 0 || !sources) {
      const what = !sources
        ? "shared/vendor/rails-8.1-sources.tar.xz not found"
        : "needs root (network and mount namespaces)";
      if (process.env.CI === "true") throw new Error(what);
      console.warn(`\n    SKIPPED real cap against sshd hosts: ${what}\n`);
      this.skip();
    }
    plugins = tempDir("cap-plugins-");
    await execFileAsync("tar", [
      "-xJf",
      sources!,
      "-C",
      plugins,
      "--wildcards",
      "./capistrano-bundler/*",
      "./capistrano-rails/*",
    ]);

    repo = await toyApp(await generateRepo());
    fleet = new Fleet(APP);
    writeRepo(fleet.aws, {
      [`parameters/${BUCKET_PARAMETER.slice(1).replaceAll("/", "%")}`]:
        "demo-releases",
      [`parameters/${CURRENT_PARAMETER.slice(1).replaceAll("/", "%")}`]: "none",
    });
    await fleet.boot(
      2,
      readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8"),
    );
  });

  after(async () => {
    await fleet?.stop();
  });

  async function cap(
    args: string[],
    env: Record<string, string> = {},
    cwd = repo,
  ): Promise<CapRun> {
    const started = Date.now();
    const options = {
      cwd,
      timeout: 240_000,
      env: {
        PATH: `${fleet.bin}:${process.env.PATH}`,
        HOME: fleet.home,
        AWS_STAND_IN_DIR: fleet.aws,
        RUBYLIB: ["capistrano-bundler", "capistrano-rails"]
          .map((gem) => join(plugins, gem, "lib"))
          .join(":"),
        ...env,
      },
    };
    const seconds = () => (Date.now() - started) / 1000;
    try {
      const { stdout, stderr } = await execFileAsync("cap", args, options);
      return { code: 0, output: stdout + stderr, seconds: seconds() };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return {
        code: failed.code,
        output: failed.stdout + failed.stderr,
        seconds: seconds(),
      };
    }
  }

  const parameter = (name: string) =>
    readFileSync(
      join(fleet.aws, "parameters", name.slice(1).replaceAll("/", "%")),
      "utf8",
    );
  /** The release the pointer names, once its artifact is the bytes the pointer says. */
  const pointedRelease = () => {
    const pointer = JSON.parse(parameter(CURRENT_PARAMETER)) as {
      release: string;
      key: string;
      sha256: string;
    };
    const stored = readFileSync(
      join(fleet.aws, "s3/demo-releases", pointer.key),
    );
    assert.equal(
      createHash("sha256").update(stored).digest("hex"),
      pointer.sha256,
    );
    return pointer.release;
  };
  const lockFile = () =>
    join(fleet.aws, "parameters", "demo%production%deploy-lock");
  const published = () =>
    existsSync(join(fleet.aws, "s3/demo-releases/releases"))
      ? readdirSync(join(fleet.aws, "s3/demo-releases/releases")).sort()
      : [];

  const sessions = () => fleet.hosts.map((host) => fleet.sessions(host));
  const currents = () =>
    Promise.all(fleet.hosts.map((host: Host) => fleet.current(host)));

  it("deploys over SSM to the group's hosts, in at most 3 SSH sessions per host", async () => {
    const before = sessions();
    const pushedBefore = Object.fromEntries(
      fleet.hosts.map((host) => [
        host.id,
        fleet.awsCalls("send-ssh-public-key", host.id),
      ]),
    );
    const run = await cap(["production", "deploy"]);
    assert.equal(run.code, 0, run.output);
    const opened = sessions().map((count, i) => count - before[i]!);
    const pushes = fleet.hosts.map(
      (host) =>
        fleet.awsCalls(`send-ssh-public-key`, host.id) - pushedBefore[host.id]!,
    );
    console.log(
      `      SSH sessions per host: ${opened.join(", ")}; key pushes: ${pushes.join(", ")}; deploy took ${run.seconds.toFixed(1)} s`,
    );
    assert.deepEqual(pushes, opened);
    const releases = await currents();
    assert.match(releases[0]!, /^\d{14}$/);
    assert.deepEqual(releases, [releases[0], releases[0]]);
    assert.equal(pointedRelease(), releases[0]);
    for (const host of fleet.hosts)
      assert.deepEqual(await fleet.health(host), {
        status: 200,
        body: releases[0],
      });
    assert.ok(
      opened.every((count) => count <= 3),
      `sessions per host: ${opened}`,
    );
  });

  it("fails loudly when Capistrano's own HOSTS filter matches no host, and publishes nothing", async () => {
    const pointer = parameter(CURRENT_PARAMETER);
    const objects = published();
    const releases = await currents();
    const run = await cap(["production", "deploy"], {
      HOSTS: "127.0.0.1:2222,127.0.0.1:2223",
    });
    assert.notEqual(run.code, 0, run.output);
    assert.match(
      run.output,
      /No host to deploy to: Capistrano's filter HOSTS=127\.0\.0\.1:2222,127\.0\.0\.1:2223 matched none of i-0e0+1, i-0e0+2\. To name the hosts to deploy to, use DEPLOY_HOSTS= instead/,
    );
    assert.equal(parameter(CURRENT_PARAMETER), pointer);
    assert.deepEqual(published(), objects);
    assert.deepEqual(await currents(), releases);
  });

  it("deploys to plain SSH hosts that DEPLOY_HOSTS names, through the deployer's own SSH config", async () => {
    const releases = await currents();
    const run = await cap(["production", "deploy"], {
      DEPLOY_HOSTS: fleet.hosts.map((host) => host.address).join(","),
    });
    assert.equal(run.code, 0, run.output);
    const now = await currents();
    assert.ok(now[0]! > releases[0]!, `${now[0]} after ${releases[0]}`);
    assert.deepEqual(now, [now[0], now[0]]);
    for (const host of fleet.hosts)
      assert.deepEqual(await fleet.health(host), { status: 200, body: now[0] });
  });

  /** Polls a host's /health every 100 ms until stopped; the seconds it answered other than 200. */
  function watchHealth(host: Host): () => Promise<number> {
    let running = true;
    let failing = 0;
    const polling = (async () => {
      let last = Date.now();
      while (running) {
        const { status } = await fleet.health(host);
        const now = Date.now();
        if (status !== 200 && status !== 0) failing += now - last;
        last = now;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    return async () => {
      running = false;
      await polling;
      return failing / 1000;
    };
  }

  it("stops at a release failing health on the second host, puts every host back at once and names each host's state", async () => {
    const [first, second] = fleet.hosts as [Host, Host];
    const before = await currents();
    await commit(
      repo,
      { "app/NEW": "a release\n" },
      "a release broken on one host",
    );
    writeRepo(join(second.dir, "state"), { "fail-health-after": before[1]! });
    const stopWatching = watchHealth(second);
    const run = await cap(["production", "deploy"]);
    const unhealthySeconds = await stopWatching();
    rmSync(join(second.dir, "state/fail-health-after"));
    assert.notEqual(run.code, 0);
    const release = /Rollout of (\d{14}) stopped/.exec(run.output)?.[1];
    assert.ok(release, run.output);
    assert.match(
      run.output,
      new RegExp(
        `Rollout of ${release} stopped: ${second.id} failed: http://127\\.0\\.0\\.1:3000/health answered HTTP 503\\.\\n` +
          `Each host now:\\n` +
          `  ${first.id}: back on ${before[0]}, healthy\\n` +
          `  ${second.id}: back on ${before[1]}, healthy\\n`,
      ),
    );
    assert.deepEqual(await currents(), before);
    for (const host of fleet.hosts)
      assert.deepEqual(await fleet.health(host), {
        status: 200,
        body: before[0],
      });
    console.log(
      `      the failing release answered non-200 for ${unhealthySeconds.toFixed(1)} s`,
    );
    assert.ok(unhealthySeconds < 5, `${unhealthySeconds} s`);

    // The command the message suggests is one the generated sudoers let the deploy user run.
    const suggested = /To see why, on \S+: (.*)$/m.exec(run.output)![1]!;
    for (const command of suggested.split("; ")) {
      const check = command.replace(/^sudo /, "sudo -n -l /usr/bin/");
      await fleet.sh(second, `su deploy -c '${check}'`);
    }
    await assert.rejects(
      fleet.sh(
        second,
        "su deploy -c 'sudo -n -l /usr/bin/journalctl -u demo-web.service'",
      ),
    );
  });

  it("puts a host whose SSH connection broke mid-restart back on its release, and names each host's state", async () => {
    const [first, second] = fleet.hosts as [Host, Host];
    const before = await currents();
    await commit(repo, { "app/NEW": "another release\n" }, "another release");
    writeRepo(join(second.dir, "state"), { "drop-ssh": "" });
    const run = await cap(["production", "deploy"]);
    assert.notEqual(run.code, 0);
    assert.match(
      run.output,
      new RegExp(
        `stopped: ${second.id} failed: its SSH connection broke \\([\\w:]+: [^\\n]*\\)\\.\\n` +
          `Each host now:\\n` +
          `  ${first.id}: back on ${before[0]}, healthy\\n` +
          `  ${second.id}: back on ${before[1]}, healthy\\n`,
      ),
    );
    assert.doesNotMatch(run.output, /^IOError/m);
    assert.deepEqual(await currents(), before);
    for (const host of fleet.hosts)
      assert.equal((await fleet.health(host)).status, 200);
  });

  it("gives up on a host that stops answering mid-restart within the keepalive bound, and puts it back", async () => {
    const [first, second] = fleet.hosts as [Host, Host];
    const before = await currents();
    await commit(repo, { "app/NEW": "a frozen host\n" }, "a release");
    writeRepo(join(second.dir, "state"), { "freeze-ssh": "" });
    const frozen = join(second.dir, "state/frozen.pid");
    try {
      const run = await cap(["production", "deploy"]);
      assert.notEqual(run.code, 0);
      assert.match(
        run.output,
        new RegExp(
          `stopped: ${second.id} failed: its SSH connection broke \\(Net::SSH::Timeout: [^\\n]*\\)\\.\\n` +
            `Each host now:\\n` +
            `  ${first.id}: back on ${before[0]}, healthy\\n` +
            `  ${second.id}: back on ${before[1]}, healthy\\n`,
        ),
      );
      console.log(
        `      a host that froze mid-restart failed the deploy after ${run.seconds.toFixed(1)} s`,
      );
      assert.ok(run.seconds < 90, `${run.seconds} s`);
      assert.deepEqual(await currents(), before);
    } finally {
      // The session process the stand-in stopped: let it go, then end it.
      if (existsSync(frozen)) {
        const pid = Number(readFileSync(frozen, "utf8"));
        for (const signal of ["SIGCONT", "SIGTERM"] as const)
          try {
            process.kill(pid, signal);
          } catch {
            // Already gone.
          }
        rmSync(frozen);
      }
    }
  });

  it("fails within bounded time when a host accepts the connection and never answers", async () => {
    // A host whose sshd is wedged: TCP is accepted, and nothing ever comes back.
    const sockets: Socket[] = [];
    const wedged = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) =>
      wedged.listen(0, "127.0.0.1", resolve),
    );
    const id = "i-0d00000000000dead";
    fleet.writeInstances(
      fleet.hosts.map((host) => host.id),
      [
        {
          id,
          address: "127.0.0.1",
          port: (wedged.address() as AddressInfo).port,
        },
      ],
    );
    try {
      const run = await cap(["production", "deploy"]);
      assert.notEqual(run.code, 0);
      assert.match(
        run.output,
        new RegExp(`Exception while executing as deploy@${id}: .*timed out`),
      );
      console.log(
        `      a wedged host failed the deploy after ${run.seconds.toFixed(1)} s`,
      );
      assert.ok(run.seconds < 90, `${run.seconds} s`);
    } finally {
      fleet.writeInstances(fleet.hosts.map((host) => host.id));
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => wedged.close(resolve));
    }
  });

  it("refuses a second deploy started while one runs, by a lock that the first releases", async () => {
    await commit(repo, { "app/NEW": "locked release\n" }, "a release");
    const first = cap(["production", "deploy"]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const second = await cap(["production", "deploy"]);
    assert.notEqual(second.code, 0);
    assert.match(
      second.output,
      /Another deploy is running: \S+ on \S+ \(process \d+\) started a production deploy \d+ s ago \(it holds the SSM parameter \/demo\/production\/deploy-lock\)\. Wait for it to end\. If it died, `bundle exec cap production deploy:unlock` removes its lock\./,
    );
    assert.ok(second.seconds < 10, `refused after ${second.seconds} s`);
    const run = await first;
    assert.equal(run.code, 0, run.output);
    assert.ok(!existsSync(lockFile()), "the lock is gone");
  });

  it("takes over a lock whose deploy died on this machine", async () => {
    writeRepo(dirname(lockFile()), {
      [basename(lockFile())]:
        `${Math.floor(Date.now() / 1000)} ${hostname()} 999999 ghost production`,
    });
    await commit(repo, { "app/NEW": "after a crash\n" }, "a release");
    const run = await cap(["production", "deploy"]);
    assert.equal(run.code, 0, run.output);
    assert.match(
      run.output,
      /Taking over the deploy lock \/demo\/production\/deploy-lock from a deploy that died: ghost on \S+ \(process 999999\)/,
    );
    assert.ok(!existsSync(lockFile()));
  });

  const releasesOn = async (host: Host) =>
    (await fleet.sh(host, `ls ${APP.deployPath}/releases`))
      .split("\n")
      .filter(Boolean);
  const healthyOn = async (host: Host) =>
    (await fleet.sh(host, `cat ${APP.deployPath}/healthy_releases`))
      .split("\n")
      .filter(Boolean);

  async function deployCommit(message: string): Promise<string> {
    await commit(repo, { "app/NEW": `${message}\n` }, message);
    const run = await cap(["production", "deploy"]);
    assert.equal(run.code, 0, run.output);
    return (await currents())[0]!;
  }

  it("rolls back after a scale-out: the new instance has the same release name, and gets the older release from a peer", async () => {
    const older = await deployCommit("good release 1");
    const newer = await deployCommit("good release 2");
    assert.equal(pointedRelease(), newer);

    const [late] = await fleet.boot(
      1,
      readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8"),
    );
    await fleet.installAtBoot(
      late!,
      readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8"),
      {
        "AWS::Region": "us-east-1",
        "AWS::StackName": "demo-production-app",
        CurrentReleaseParameterName: CURRENT_PARAMETER,
        ReleaseBucketParameterName: BUCKET_PARAMETER,
      },
    );
    assert.equal(await fleet.current(late!), newer);
    assert.deepEqual(await fleet.health(late!), { status: 200, body: newer });
    assert.deepEqual(await healthyOn(late!), [newer]);

    const before = sessions();
    const run = await cap(["production", "deploy:rollback"]);
    assert.equal(run.code, 0, run.output);
    console.log(
      `      rollback of 3 hosts took ${run.seconds.toFixed(1)} s; SSH sessions per host: ${sessions()
        .map((n, i) => n - before[i]!)
        .join(", ")}`,
    );
    assert.deepEqual(await currents(), [older, older, older]);
    for (const host of fleet.hosts) {
      assert.deepEqual(await fleet.health(host), { status: 200, body: older });
      assert.ok(
        !(await releasesOn(host)).includes(newer),
        "rolled back, removed",
      );
      assert.ok(!(await healthyOn(host)).includes(newer), "and off the list");
    }
    assert.equal(pointedRelease(), older);
  });

  it("after a failed db:prepare, rolls back to a release deployed healthy, never the failed one, and the cleanup never keeps a failed release", async () => {
    const good = (await currents())[0]!;
    const last = await deployCommit("good release 3");
    await commit(repo, { FAIL_DB_PREPARE: "" }, "a broken migration");
    const failed = await cap(["production", "deploy"]);
    assert.notEqual(failed.code, 0);
    assert.match(failed.output, /db:prepare failed/);
    const broken = (await releasesOn(fleet.hosts[0]!)).at(-1)!;
    assert.ok(broken > last, `${broken} is the failed release`);
    assert.deepEqual(await currents(), [last, last, last]);

    const run = await cap(["production", "deploy:rollback"]);
    assert.equal(run.code, 0, run.output);
    assert.deepEqual(await currents(), [good, good, good]);
    assert.equal(pointedRelease(), good);

    // Another failed deploy, then a good one: the failed release is removed, the good ones kept.
    const failedAgain = await cap(["production", "deploy"]);
    assert.notEqual(failedAgain.code, 0);
    const brokenAgain = (await releasesOn(fleet.hosts[0]!)).at(-1)!;
    await git(repo, "rm", "--quiet", "FAIL_DB_PREPARE");
    const fixed = await deployCommit("fixed");
    for (const host of fleet.hosts) {
      const releases = await releasesOn(host);
      assert.ok(
        !releases.includes(brokenAgain),
        `${host.id} removed ${brokenAgain}`,
      );
      assert.ok(
        releases.includes(good) && releases.includes(fixed),
        `${host.id}: ${releases}`,
      );
      assert.deepEqual(
        releases,
        (await healthyOn(host)).filter((r) => releases.includes(r)).sort(),
      );
    }
  });

  it("deploys the bastion variant through the bastion, opening its group to the deployer for the run only", async () => {
    const bastionRepo = await toyApp(
      await generateRepo(["--shell-access", "bastion"]),
    );
    const bastion = await fleet.bootBastion(
      readFileSync(join(bastionRepo, "infra/cloudformation/app.yml"), "utf8"),
    );
    // cap in the bastion repo, from the deployer's public address 198.51.100.7.
    const capFromDeployer = (args: string[]) =>
      cap(
        args,
        {
          RUBYOPT: `-r${join(fleet.bin, "checkip.rb")}`,
          CHECKIP_ADDRESS: "198.51.100.7",
        },
        bastionRepo,
      );
    const before = sessions();
    const run = await capFromDeployer(["production", "deploy"]);
    assert.equal(run.code, 0, run.output);
    const opened = sessions().map((count, i) => count - before[i]!);
    console.log(
      `      through the bastion: SSH sessions per host ${opened.join(", ")}, on the bastion ${fleet.sessions(bastion)}`,
    );
    assert.ok(
      opened.every((count) => count >= 1 && count <= 3),
      `${opened}`,
    );
    assert.equal(
      fleet.sessions(bastion),
      opened.reduce((a, b) => a + b),
    );
    const releases = await currents();
    assert.deepEqual(
      releases,
      releases.map(() => releases[0]),
    );
    for (const host of fleet.hosts)
      assert.deepEqual(await fleet.health(host), {
        status: 200,
        body: releases[0],
      });
    assert.equal(
      fleet.awsCalls("authorize-security-group-ingress", "198.51.100.7/32"),
      1,
    );
    assert.equal(
      fleet.awsCalls("revoke-security-group-ingress", "198.51.100.7/32"),
      1,
    );

    // A job killed mid-deploy leaves its rule: the workflow's closing step removes it, and
    // opens nothing itself.
    writeRepo(fleet.aws, {
      "security-group.json": JSON.stringify(["198.51.100.7/32"]),
    });
    const close = await capFromDeployer(["production", "bastion:close"]);
    assert.equal(close.code, 0, close.output);
    assert.equal(
      readFileSync(join(fleet.aws, "security-group.json"), "utf8"),
      "[]",
    );
    assert.equal(
      fleet.awsCalls("authorize-security-group-ingress", "198.51.100.7/32"),
      1,
    );
  });
});
