// Hosts for running a generated deploy with real Capistrano against real sshd. Each host is a
// network namespace made here (reached over a veth pair at 10.<n>.<i>.2), a mount namespace
// whose /etc, /home, /usr and /var are in-memory overlays of the machine's, the deploy user,
// release tree, environment file, install-units script and sudoers of the generated user data
// (test/fixtures/ssh-hosts/boot-host.sh), and its own sshd with its own host key, logging each
// session. Stand-ins, for what cannot exist here: the AWS CLI (fixtures/ssh-hosts/aws: SSM,
// Instance Connect, Auto Scaling, S3), systemd's systemctl and Puma (systemctl.rb,
// app-server.rb). Everything started here is held by the run's clean-up (e2e/harness/cleanup.ts):
// stop() ends it, and a run that ends without stop() ends it on exit, by process id.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { packageRoot } from "../../core/paths.js";
import { bootFiles } from "../../e2e/harness/app.js";
import { Resources } from "../../e2e/harness/cleanup.js";
import { writeRepo } from "./repo.js";

const execFileAsync = promisify(execFile);
export const FIXTURES = join(packageRoot, "test/fixtures/ssh-hosts");

export async function git(repo: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, { cwd: repo });
  return stdout.trim();
}

/** Commits files (path → contents) in the app's repo; returns the commit. */
export async function commit(
  repo: string,
  files: Record<string, string>,
  message: string,
): Promise<string> {
  writeRepo(repo, files);
  await git(repo, "add", "--all");
  await git(repo, "commit", "--quiet", "--allow-empty", "-m", message);
  return git(repo, "rev-parse", "HEAD");
}

/** The generated repo as a git repository, with the toy Gemfile and Rakefile of this test. */
export async function toyApp(repo: string): Promise<string> {
  mkdirSync(join(repo, "vendor/cache"), { recursive: true });
  await execFileAsync("ruby", [
    join(FIXTURES, "rake-gem.rb"),
    join(repo, "vendor/cache"),
  ]);
  copyFileSync(join(FIXTURES, "Rakefile.toy"), join(repo, "Rakefile"));
  writeRepo(repo, {
    Gemfile: 'source "https://rubygems.org"\n\ngem "rake"\n',
  });
  await execFileAsync("bundle", ["lock", "--local"], { cwd: repo });
  await git(repo, "init", "--quiet");
  await git(repo, "config", "user.email", "test@example.com");
  await git(repo, "config", "user.name", "test");
  await commit(repo, {}, "the app");
  return repo;
}

/** What the hosts are set up for: the generated repo's names. */
export interface HostApp {
  name: string;
  deployUser: string;
  deployPath: string;
  envFile: string;
  installUnits: string;
  webUnit: string;
  target: string;
  port: number;
}

export interface Host {
  /** The instance id the aws stand-in knows it by. */
  id: string;
  /** Its address on the veth pair: sshd and the app listen there. */
  address: string;
  namespace: string;
  dir: string;
  pid: number;
}

/** The commands the generated user data writes with a heredoc: `cat > PATH <<'TAG'` ... `TAG`. */
export function heredoc(text: string, opener: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.trim().startsWith(opener));
  if (start < 0) throw new Error(`no heredoc ${opener}`);
  const tag = /<<'(\w+)'/.exec(lines[start]!)![1]!;
  const end = lines.findIndex((line, i) => i > start && line.trim() === tag);
  const body = lines.slice(start + 1, end);
  const indent = Math.min(
    ...body.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length),
  );
  return body.map((line) => line.slice(indent)).join("\n") + "\n";
}

/** The lines from the last one that is `from` before the one that is `to`, dedented. */
function heredocBody(text: string, from: string, to: string): string {
  const lines = text.split("\n");
  const end = lines.findIndex((line) => line.trim() === to);
  const start = lines
    .slice(0, end)
    .map((line) => line.trim())
    .lastIndexOf(from);
  const body = lines.slice(start, end);
  const indent = /^ */.exec(body[0]!)![0].length;
  return body.map((line) => line.slice(indent)).join("\n");
}

/**
 * What the generated user data (in app.yml) does about the release, from its comment "The
 * current release..." to the signal of success, with what it needs from before (its variables,
 * as_deploy, the signal to CloudFormation and the trap that sends it on failure), `values`
 * substituted for the stack's, and `path` as PATH.
 */
export function releaseBootScript(
  appYml: string,
  values: Record<string, string>,
  path: string,
): string {
  const userData = heredocBody(appYml, "#!/bin/bash", "signal SUCCESS");
  const lines = userData.split("\n");
  const keep = (prefix: string) =>
    lines.filter((line) => line.startsWith(prefix));
  const from = (prefix: string, to: (line: string) => boolean) => {
    const start = lines.findIndex((line) => line.startsWith(prefix));
    const end = lines.findIndex((line, i) => i > start && to(line));
    if (start < 0) throw new Error(`the user data has no line ${prefix}`);
    return lines.slice(start, end < 0 ? undefined : end + 1);
  };
  return [
    "set -Eeuo pipefail",
    `export PATH=${path}`,
    ...keep("region="),
    ...keep("app_root="),
    ...keep("deploy_user="),
    ...from("signal() {", (line) => line === "}"),
    ...keep("trap 'signal FAILURE' ERR"),
    ...keep("as_deploy()"),
    ...from(
      "# The current release, as the last deploy published it",
      () => false,
    ),
  ]
    .join("\n")
    .replace(/\$\{([\w:]+)\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`no value for \${${name}}`);
      return values[name]!;
    });
}

/** An ed25519 key pair without a passphrase: `path` and `path.pub`. */
async function newKey(path: string): Promise<string> {
  return run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path]);
}

async function run(command: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args);
  return stdout;
}

interface UserData {
  sudoers: string;
  installUnits: string;
  /** The shared dirs, as a shell word list. */
  linkedDirs: string;
}

export class Fleet {
  readonly dir: string;
  readonly bin: string;
  /** The aws stand-in's state: parameters, S3 objects, pushed keys, calls.log. */
  readonly aws: string;
  readonly hosts: Host[] = [];
  /** The bastion, when one was booted: in this machine's network, on a 127.0.0.0/8 address. */
  bastion?: Host;
  /** The deployer's key for plain SSH hosts (DEPLOY_HOSTS=<address>), and its SSH config. */
  readonly home: string;
  private readonly prefix = `10.${200 + (process.pid % 50)}`;
  private readonly tag = `${process.pid % 10000}`;
  private readonly children: ChildProcess[] = [];
  /** The hosts' processes, namespaces and links, and the folder. */
  private readonly resources = new Resources();

  constructor(readonly app: HostApp) {
    // Under /run, not /tmp: sshd runs AuthorizedKeysCommand only from paths no one else can write.
    // KEEP_HOSTS=1 keeps it (sshd.log, state/) for a look after a failure.
    this.dir = this.resources.tempFolder("/run/rails-aws-hosts-", {
      keep: Boolean(process.env.KEEP_HOSTS),
    });
    chmodSync(this.dir, 0o755);
    this.bin = join(this.dir, "bin");
    this.aws = join(this.dir, "aws");
    this.home = join(this.dir, "home");
    for (const dir of [this.bin, this.aws, join(this.home, ".ssh")])
      mkdirSync(dir, { recursive: true });
    for (const file of [
      "aws",
      "pushed-keys",
      "boot-host.sh",
      "systemctl.rb",
      "app-server.rb",
      "checkip.rb",
    ]) {
      copyFileSync(join(FIXTURES, file), join(this.bin, file));
      chmodSync(join(this.bin, file), 0o755);
    }
    this.writeInstances([]);
  }

  /** Boots hosts 1..count (more with later calls), with the generated sudoers and install-units. */
  async boot(count: number, appYml: string): Promise<Host[]> {
    const userData = await this.userData(appYml);
    const booted = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        this.bootHost(this.hosts.length + i + 1, userData),
      ),
    );
    this.hosts.push(...booted);
    this.writeInstances(this.hosts.map((h) => h.id));
    return booted;
  }

  /** Boots the bastion: a host like the others (the same user data), reached on 127.x. */
  async bootBastion(appYml: string, environment = "production"): Promise<Host> {
    this.bastion = await this.bootHost(0, await this.userData(appYml), true);
    this.writeInstances(this.hosts.map((h) => h.id));
    // What the bastion's user data does when it boots: publish its host key where the deploy
    // reads it (infra/cloudformation/network.yml).
    mkdirSync(join(this.aws, "parameters"), { recursive: true });
    writeFileSync(
      join(
        this.aws,
        "parameters",
        `${this.app.name}%${environment}%bastion-host-keys`,
      ),
      readFileSync(
        join(this.dir, "hosts", "bastion", "ssh_host_ed25519_key.pub"),
      ),
    );
    return this.bastion;
  }

  /** What each host takes from the generated user data, and the deployer's own key. */
  private async userData(appYml: string): Promise<UserData> {
    // The shared dirs the user data makes: `for dir in ...; do install -d ... shared/$dir`,
    // each word single-quoted there; boot-host.sh takes them bare.
    const words = /for dir in ([^;\n]+); do\n\s*install -d /.exec(appYml)![1]!;
    const linkedDirs = [...words.matchAll(/'([^']*)'|(\S+)/g)]
      .map((word) => word[1] ?? word[2])
      .join(" ");
    if (!existsSync(join(this.home, ".ssh/id_ed25519")))
      await newKey(join(this.home, ".ssh/id_ed25519"));
    return {
      sudoers: heredoc(appYml, "cat > /tmp/sudoers"),
      installUnits: bootFiles(appYml)[this.app.installUnits]!,
      linkedDirs,
    };
  }

  private async bootHost(
    n: number,
    { sudoers, installUnits, linkedDirs }: UserData,
    bastion = false,
  ): Promise<Host> {
    const id = bastion
      ? "i-0b0000000000ba510"
      : `i-0e${String(n).padStart(15, "0")}`;
    const namespace = bastion ? "" : `rails-aws-${this.tag}-${n}`;
    const address = bastion
      ? `127.${this.prefix.split(".")[1]}.${process.pid % 250}.1`
      : `${this.prefix}.${n}.2`;
    const dir = join(this.dir, "hosts", bastion ? "bastion" : String(n));
    for (const sub of ["layers", "state"])
      mkdirSync(join(dir, sub), { recursive: true });
    chmodSync(join(dir, "state"), 0o777);
    const { app } = this;
    writeFileSync(
      join(dir, "host.env"),
      Object.entries({
        APP: app.name,
        DEPLOY_USER: app.deployUser,
        DEPLOY_PATH: app.deployPath,
        ENV_FILE: app.envFile,
        INSTALL_UNITS: app.installUnits,
        WEB_UNIT: app.webUnit,
        TARGET_UNIT: app.target,
        AWS_DIR: this.aws,
        APP_PORT: app.port,
        INSTANCE_ID: id,
        RIG_BIN: this.bin,
        LINKED_DIRS: `"${linkedDirs}"`,
      })
        .map(([key, value]) => `${key}=${value}\n`)
        .join(""),
    );
    writeFileSync(join(dir, "sudoers"), sudoers);
    writeFileSync(join(dir, "install-units"), installUnits);
    copyFileSync(
      join(this.home, ".ssh/id_ed25519.pub"),
      join(dir, "authorized_keys"),
    );
    await newKey(join(dir, "ssh_host_ed25519_key"));
    writeFileSync(
      join(dir, "sshd_config"),
      [
        `ListenAddress ${address}:22`,
        `HostKey ${dir}/ssh_host_ed25519_key`,
        "PidFile none",
        "UsePAM yes",
        "StrictModes no",
        "LogLevel VERBOSE",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        `AuthorizedKeysFile ${dir}/authorized_keys`,
        `AuthorizedKeysCommand ${this.bin}/pushed-keys ${this.aws}/keys/${id} %u`,
        "AuthorizedKeysCommandUser root",
        "",
      ].join("\n"),
    );
    const hostKey = readFileSync(join(dir, "ssh_host_ed25519_key.pub"), "utf8");
    writeFileSync(
      join(this.home, ".ssh/known_hosts"),
      `${address} ${hostKey.split(" ").slice(0, 2).join(" ")}\n`,
      { flag: "a" },
    );

    const inOwnMounts = [
      "unshare",
      "--mount",
      "--propagation",
      "private",
      join(this.bin, "boot-host.sh"),
      dir,
    ];
    if (!bastion) await this.makeNetwork(n, namespace, address);
    const child = spawn(
      bastion ? inOwnMounts[0]! : "ip",
      bastion
        ? inOwnMounts.slice(1)
        : ["netns", "exec", namespace, ...inOwnMounts],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    this.children.push(child);
    this.resources.child(child);
    await waitForPort(address, 22, () =>
      child.exitCode === null ? null : `host ${n} exited: ${stderr}`,
    );
    return { id, address, namespace, dir, pid: child.pid! };
  }

  /** The host's network namespace, and a veth pair from this machine's to its address. */
  private async makeNetwork(n: number, namespace: string, address: string) {
    const veth = `ra${this.tag}h${n}`;
    // Its processes (sshd, the app) are killed by id when the namespace goes.
    this.resources.netns(namespace);
    this.resources.link(veth);
    await run("ip", ["netns", "add", namespace]);
    await run("ip", [
      "link",
      "add",
      veth,
      "type",
      "veth",
      "peer",
      "name",
      `ra${this.tag}n${n}`,
    ]);
    await run("ip", ["link", "set", `ra${this.tag}n${n}`, "netns", namespace]);
    await run("ip", ["addr", "add", `${this.prefix}.${n}.1/30`, "dev", veth]);
    await run("ip", ["link", "set", veth, "up"]);
    const inside = ["netns", "exec", namespace, "ip"];
    await run("ip", [
      ...inside,
      "addr",
      "add",
      `${address}/30`,
      "dev",
      `ra${this.tag}n${n}`,
    ]);
    await run("ip", [...inside, "link", "set", `ra${this.tag}n${n}`, "up"]);
  }

  /**
   * Runs what the generated user data does about the release on a new host (releaseBootScript),
   * with the stack's values that CloudFormation would substitute: the host installs the release
   * the pointer names.
   */
  async installAtBoot(
    host: Host,
    appYml: string,
    values: Record<string, string>,
  ): Promise<string> {
    return this.sh(
      host,
      // cloud-init's PATH, not this machine's.
      releaseBootScript(
        appYml,
        values,
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      ),
    );
  }

  /** The Auto Scaling group's instances, as the aws stand-in answers; extra ones as given. */
  writeInstances(
    ids: string[],
    extra: { id: string; address: string; port: number }[] = [],
  ): void {
    const hosts = ids.map((id) => {
      const host = this.hosts.find((h) => h.id === id)!;
      return { id, address: host.address, port: 22, state: "InService" };
    });
    const bastion = this.bastion && {
      id: this.bastion.id,
      address: this.bastion.address,
      role: "bastion",
    };
    writeFileSync(
      join(this.aws, "instances.json"),
      JSON.stringify([
        ...hosts,
        ...(bastion ? [bastion] : []),
        ...extra.map((e) => ({ ...e, state: "InService" })),
      ]),
    );
  }

  /** Runs a bash command as root on a host (in its namespaces); its stdout. */
  async sh(host: Host, command: string): Promise<string> {
    return run("nsenter", [
      "-t",
      String(host.pid),
      "-m",
      "-n",
      "bash",
      "-c",
      command,
    ]);
  }

  /** SSH sessions sshd accepted on a host so far. */
  sessions(host: Host): number {
    return (
      readFileSync(join(host.dir, "sshd.log"), "utf8").match(
        /Accepted publickey for /g,
      ) ?? []
    ).length;
  }

  /** Calls of the aws stand-in so far whose arguments contain every one of `words`. */
  awsCalls(...words: string[]): number {
    const log = join(this.aws, "calls.log");
    if (!existsSync(log)) return 0;
    return readFileSync(log, "utf8")
      .split("\n")
      .filter((line) => line && words.every((word) => line.includes(word)))
      .length;
  }

  /** The release `current` points at on a host, by its name; "" when none. */
  async current(host: Host): Promise<string> {
    const link = await this.sh(
      host,
      `readlink ${this.app.deployPath}/current || true`,
    );
    return link.trim().split("/").pop() ?? "";
  }

  /** The release a host's app answers with, and the status, as the load balancer would see it. */
  async health(host: Host): Promise<{ status: number; body: string }> {
    try {
      const response = await fetch(
        `http://${host.address}:${this.app.port}/health`,
        { signal: AbortSignal.timeout(2000) },
      );
      return { status: response.status, body: (await response.text()).trim() };
    } catch {
      return { status: 0, body: "" };
    }
  }

  async stop(): Promise<void> {
    for (const host of this.hosts) {
      const pidFile = join(host.dir, "state/web.pid");
      if (existsSync(pidFile)) kill(Number(readFileSync(pidFile, "utf8")));
    }
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once("exit", resolve));
        kill(child.pid!);
        await exited;
      }),
    );
    this.resources.release();
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

async function waitForPort(
  host: string,
  port: number,
  failed: () => string | null,
): Promise<void> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const problem = failed();
    if (problem) throw new Error(problem);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, host);
      socket.once("connect", () => (socket.destroy(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline)
      throw new Error(`${host}:${port} did not open within 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
