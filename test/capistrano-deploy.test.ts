// The generated Capistrano config, run by Debian's capistrano: the tasks it lists, and what a
// deploy does on each host, recorded by test/fixtures/capistrano/recorder.rb in place of SSH.
// Plugins Debian lacks (capistrano-bundler, capistrano-rails) are the validator's stand-ins.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { checkRepo } from "../check/check.js";
import { capistrano, STAND_INS_ENV } from "../check/validators/capistrano.js";
import { shellcheck } from "../check/validators/shellcheck.js";
import { withScratchDir } from "../check/scratch.js";
import { findTool, toolEnv } from "../check/tools.js";
import { packageRoot } from "../core/paths.js";
import { generateRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);
const RECORDER = join(packageRoot, "test/fixtures/capistrano/recorder.rb");
const PREVIOUS = "/var/www/demo/releases/20200101000000";

interface Recorded {
  host: string;
  command: string;
  proxy: string | null;
  keys: string[] | null;
  forward_agent: boolean | null;
}

interface CapRun {
  code: number;
  stdout: string;
  stderr: string;
  commands: Recorded[];
}

async function cap(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CapRun> {
  return withScratchDir("test", async (recordDir) => {
    const record = join(recordDir, "commands.json");
    const options = {
      cwd: dir,
      env: {
        ...toolEnv(process.env.PATH ?? ""),
        ...STAND_INS_ENV,
        RUBYOPT: `${STAND_INS_ENV.RUBYOPT} -r${RECORDER}`,
        RECORD_TO: record,
        ...env,
      },
    };
    try {
      const { stdout, stderr } = await execFileAsync(
        findTool("cap")!,
        args,
        options,
      );
      return { code: 0, stdout, stderr, commands: recorded(record) };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { ...failure, commands: recorded(record) };
    }
  });
}

const recorded = (path: string): Recorded[] =>
  existsSync(path)
    ? (JSON.parse(readFileSync(path, "utf8")) as Recorded[])
    : [];

const deploy = (dir: string, env: Record<string, string>) =>
  cap(dir, ["production", "deploy", "--dry-run"], env);

/** Index of the first recorded command on `host` that contains `text`, or -1. */
function indexOf(run: CapRun, host: string, text: string): number {
  return run.commands.findIndex(
    (c) => c.host === host && c.command.includes(text),
  );
}

/** The hosts that ran a command containing `text`, in the order they ran it. */
const on = (run: CapRun, text: string) =>
  run.commands.filter((c) => c.command.includes(text)).map((c) => c.host);

/** The same, for steps that run on every host at once. */
const onEach = (run: CapRun, text: string) => on(run, text).sort();

describe("capistrano part: the generated deploy, run by cap", function () {
  let ssm: string;
  let bastion: string;
  let stagingOnly: string;

  before(async function () {
    requireTool(this, ["cap", "shellcheck"]);
    [ssm, bastion, stagingOnly] = await Promise.all([
      generateRepo(),
      generateRepo(["--shell-access", "bastion"]),
      generateRepo(["--environments", "staging"]),
    ]);
  });

  it("cap -T lists the deploy and the project's own tasks", async () => {
    const run = await cap(ssm, ["-T"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    for (const task of [
      "deploy",
      "deploy:rollback",
      "deploy:symlink:release",
      "git_archive:create_release",
      "release:publish",
      "release:late_instances",
    ]) {
      assert.match(run.stdout, new RegExp(`^cap ${task}\\s`, "m"), task);
    }
    assert.match(
      run.stdout,
      /^cap deploy:symlink:release\s+# Switch, restart and health-check the hosts one at a time$/m,
    );
  });

  it("runs a dry run to the end for every environment, over SSM and through the bastion", async () => {
    const runs = [
      [ssm, "production"],
      [ssm, "staging"],
      [bastion, "production"],
      [bastion, "staging"],
      [stagingOnly, "staging"],
    ] as const;
    for (const [dir, stage] of runs) {
      const run = await cap(dir, [stage, "deploy", "--dry-run"], {
        DEPLOY_HOSTS: "i-0123456789abcdef0,i-0fedcba9876543210",
      });
      assert.equal(run.code, 0, `${stage}: ${run.stderr}`);
      assert.equal(run.stderr, "", stage);
      assert.ok(on(run, "systemctl restart").length > 0, stage);
    }
    assert.ok(!existsSync(join(stagingOnly, "config/deploy/production.rb")));
  });

  it("builds on every host, runs db:prepare on the first only, with the instance's environment file", async () => {
    const run = await deploy(ssm, { DEPLOY_HOSTS: "i-1,i-2,i-3" });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(onEach(run, "tar -xzf"), ["i-1", "i-2", "i-3"]);
    assert.deepEqual(onEach(run, "bundle install"), ["i-1", "i-2", "i-3"]);
    assert.deepEqual(onEach(run, "assets:precompile"), ["i-1", "i-2", "i-3"]);
    assert.deepEqual(on(run, "db:prepare"), ["i-1"]);
    const migrate = run.commands.find((c) => c.command.includes("db:prepare"))!;
    assert.match(
      migrate.command,
      /sh -c 'set -a && \. \/etc\/demo\/env && set \+a && exec "\$@"' env_file bundle exec rake db:prepare/,
    );
    assert.match(migrate.command, /export RAILS_ENV="production"/);
  });

  it("switches, restarts and health-checks one host at a time, then publishes the release", async () => {
    const run = await deploy(ssm, {
      DEPLOY_HOSTS: "i-1,i-2,i-3",
      PREVIOUS_RELEASE: PREVIOUS,
    });
    assert.equal(run.code, 0, run.stderr);
    const steps = [
      "ln -sfn /var/www/demo/releases/",
      "mv /var/www/demo/releases/current /var/www/demo",
      "sudo -n /usr/local/sbin/demo-install-units",
      "sudo -n systemctl restart demo-jobs.service",
      "sudo -n systemctl restart demo-web.service",
      "curl --silent",
    ];
    let last = -1;
    for (const host of ["i-1", "i-2", "i-3"]) {
      for (const step of steps) {
        const at = indexOf(run, host, step);
        assert.ok(at > last, `${host}: ${step} after the previous step`);
        last = at;
      }
    }
    const health = run.commands.find((c) => c.command.includes("curl"))!;
    assert.match(
      health.command,
      /--write-out %\{http_code\} http:\/\/127\.0\.0\.1:3000\/health$/,
    );

    // After the last host: cap stores the artifact it built from the commit, written once, and
    // points to it with its SHA-256 and version; no host packs anything.
    assert.deepEqual(on(run, "tar --create"), []);
    const store = indexOf(run, "localhost", "aws s3api put-object");
    const pointer = indexOf(run, "localhost", "aws ssm put-parameter");
    assert.ok(store > last && pointer > store);
    assert.match(
      run.commands[store]!.command,
      /--key releases\/[0-9a-f]*-0{16}\.tar\.gz --body \S+\.tar\.gz --if-none-match '\*' --checksum-algorithm SHA256/,
    );
    const value =
      /--name \/demo\/production\/current-release --value (\S+) --type String --overwrite/.exec(
        run.commands[pointer]!.command,
      )?.[1];
    assert.ok(value, run.commands[pointer]!.command);
    // A dry run has no commit nor bytes: the digest is zeros, the version empty.
    assert.deepEqual(JSON.parse(value.replace(/\\(.)/g, "$1")), {
      release: /ln -sfn \/var\/www\/demo\/releases\/(\d{14})/.exec(
        run.commands[indexOf(run, "i-1", "ln -sfn")]!.command,
      )?.[1],
      key: "releases/-0000000000000000.tar.gz",
      sha256: "0".repeat(64),
      versionId: "",
    });
    assert.match(run.commands[pointer]!.command, /AWS_REGION="us-east-1"/);
    // The pointer is kept in the release on every host, for a rollback to point back to it.
    assert.deepEqual(onEach(run, "RELEASE_ARTIFACT"), ["i-1", "i-2", "i-3"]);
  });

  it("stops at a host that fails its restart, puts every switched host back and leaves the next hosts alone", async () => {
    const run = await deploy(ssm, {
      DEPLOY_HOSTS: "i-1,i-2,i-3",
      PREVIOUS_RELEASE: PREVIOUS,
      FAIL_RESTART_ON: "i-2",
    });
    assert.notEqual(run.code, 0);
    assert.match(
      run.stderr,
      new RegExp(
        `Rollout of \\d{14} stopped: i-2 failed: sudo exit status: 22\\.\\n` +
          `Each host now:\\n` +
          `  i-1: back on 20200101000000, healthy\\n` +
          `  i-2: back on 20200101000000, healthy\\n` +
          `  i-3: not restarted, on its previous release\\n`,
      ),
    );
    assert.match(
      run.stderr,
      /To see why, on i-2: sudo systemctl status demo-jobs\.service; sudo systemctl status demo-web\.service$/m,
    );
    // i-2 failed at its first restart (the job worker): the failing host goes back first.
    assert.deepEqual(on(run, "systemctl restart demo-web.service"), [
      "i-1",
      "i-2",
      "i-1",
    ]);
    assert.ok(
      indexOf(run, "i-2", `ln -sfn ${PREVIOUS} `) >
        indexOf(run, "i-2", "systemctl restart"),
    );
    // Going forward the job worker restarts first; going back, web does, so that the host stops
    // serving the failed release sooner.
    const restartsOn = (host: string) =>
      run.commands
        .filter((c) => c.host === host && c.command.includes("restart"))
        .map((c) => c.command.replace(/.*systemctl restart /, ""));
    assert.deepEqual(restartsOn("i-1"), [
      "demo-jobs.service",
      "demo-web.service",
      "demo-web.service",
      "demo-jobs.service",
    ]);
    assert.deepEqual(restartsOn("i-2"), [
      "demo-jobs.service",
      "demo-web.service",
      "demo-jobs.service",
    ]);
    assert.equal(indexOf(run, "i-3", "ln -s"), -1);
    assert.deepEqual(on(run, "aws s3 cp"), []);
    assert.deepEqual(on(run, "put-parameter"), []);
  });

  it("stops the app on a failing host that has no release to go back to", async () => {
    const run = await deploy(ssm, {
      DEPLOY_HOSTS: "i-1,i-2",
      FAIL_RESTART_ON: "i-1",
    });
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /  i-1: stopped: it had no previous release\n/);
    assert.match(run.stderr, /  i-2: not restarted, on its previous release\n/);
    assert.deepEqual(on(run, "systemctl stop demo.target"), ["i-1"]);
    assert.deepEqual(on(run, "systemctl restart demo-web.service"), []);
  });

  it("reaches instances by id through the proxy with a key made for the run, other names directly", async () => {
    for (const [dir, proxy] of [
      [
        ssm,
        /\/lib\/capistrano\/ssh-proxy\.sh us-east-1 %h %p deploy (\S+\.pub)$/,
      ],
      [
        bastion,
        /\/lib\/capistrano\/ssh-proxy\.sh us-east-1 production %h %p deploy (\S+\.pub)$/,
      ],
    ] as const) {
      const run = await deploy(dir, {
        DEPLOY_HOSTS: "i-0123456789abcdef0,web1.example.com",
      });
      assert.equal(run.code, 0, run.stderr);
      const byId = run.commands.find((c) => c.host === "i-0123456789abcdef0")!;
      const publicKey = proxy.exec(byId.proxy ?? "")?.[1];
      assert.ok(publicKey, byId.proxy ?? "no proxy");
      assert.deepEqual(byId.keys, [publicKey.replace(/\.pub$/, "")]);
      assert.ok(
        !existsSync(publicKey),
        "the key pair is removed when cap exits",
      );
      const byName = run.commands.find((c) => c.host === "web1.example.com")!;
      assert.equal(byName.proxy, null);
      for (const command of [byId, byName])
        assert.equal(command.forward_agent, false);
    }
  });

  it("writes shell scripts that shellcheck passes, for SSM and for the bastion", async () => {
    for (const dir of [ssm, bastion]) {
      const report = await checkRepo(dir, { validators: [shellcheck] });
      assert.deepEqual(report.findings, []);
      assert.ok(existsSync(join(dir, "lib/capistrano/ssh-proxy.sh")));
    }
    assert.equal(
      existsSync(join(ssm, "lib/capistrano/tasks/bastion.rake")),
      false,
    );
    assert.equal(
      existsSync(join(bastion, "lib/capistrano/tasks/bastion.rake")),
      true,
    );
  });
});

describe("check: capistrano validator", function () {
  before(function () {
    requireTool(this, ["cap", "ruby"]);
  });

  it("passes a generated repo, running cap -T and a dry run per environment", async () => {
    const dir = await generateRepo();
    const report = await checkRepo(dir, { validators: [capistrano] });
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]!.name, "capistrano");
    assert.equal(
      existsSync(join(dir, "log/capistrano.log")),
      false,
      "cap ran in a copy",
    );
  });

  it("reports a Ruby error at its file and line, without Capistrano's framing", async () => {
    const dir = await generateRepo();
    const stage = join(dir, "config/deploy/staging.rb");
    writeFileSync(
      stage,
      `${readFileSync(stage, "utf8")}fetch(:missing).upcase\n`,
    );
    const report = await checkRepo(dir, { validators: [capistrano] });
    assert.equal(report.findings.length, 1);
    const [finding] = report.findings;
    assert.equal(finding!.file, "config/deploy/staging.rb");
    assert.equal(
      finding!.line,
      readFileSync(stage, "utf8").split("\n").length - 1,
    );
    assert.match(
      finding!.message,
      /^DEPLOY_HOSTS=\S+ cap staging deploy --dry-run exited with code 1: NoMethodError: undefined method .upcase. for nil/,
    );
    assert.doesNotMatch(finding!.message, /cap aborted!|DEPLOY FAILED/);
  });

  it("loads an installed plugin rather than its stand-in", async () => {
    await withScratchDir("test", async (home) => {
      const ruby = findTool("ruby")!;
      const env = { PATH: process.env.PATH ?? "", HOME: home };
      const { stdout: userDir } = await execFileAsync(
        ruby,
        ["-e", "print Gem.user_dir"],
        { env },
      );
      const version = "2.1.1";
      mkdirSync(join(userDir, "specifications"), { recursive: true });
      writeFileSync(
        join(
          userDir,
          "specifications",
          `capistrano-bundler-${version}.gemspec`,
        ),
        `Gem::Specification.new { |s| s.name = "capistrano-bundler"; s.version = "${version}"; s.summary = "fake" }\n`,
      );
      const { stdout } = await execFileAsync(ruby, ["-e", "puts $LOAD_PATH"], {
        env: { ...env, ...STAND_INS_ENV },
      });
      const standIns = join(STAND_INS_ENV.RUBYLIB, "stand-ins");
      assert.ok(!stdout.includes(join(standIns, "capistrano-bundler")), stdout);
      assert.ok(stdout.includes(join(standIns, "capistrano-rails")), stdout);
    });
  });
});
