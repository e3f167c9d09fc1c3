// Hosts with real systemd: each boots the shared read-only root under an overlay of its own with
// systemd-nspawn, in a network namespace the fleet creates (a bridge, one address per host). The
// machine reaches the hosts through a veth into that namespace, and tests reach a host's port
// through a forwarder on 127.0.0.1. Everything it starts is held by the run's clean-up
// (cleanup.ts) as it starts: stop() powers the hosts off and releases it, and a run that ends
// without stop() releases it on exit.
import { spawn, type ChildProcess, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  createWriteStream,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import type { Duplex } from "node:stream";
import { join } from "node:path";
import { descendants, Resources } from "./cleanup.js";
import { run, sleep, type RunResult } from "./process.js";

export interface Bind {
  /** A path on this machine. */
  source: string;
  /** Where the hosts see it. */
  target: string;
  readOnly?: boolean;
}

export interface FleetOptions {
  /** The root every host boots from (ensureRoot()). */
  root: string;
  count: number;
  /** Folders shared into every host. */
  binds?: readonly Bind[];
  /** Changes to a host's file system before it boots (its overlay, mounted at `merged`). */
  prepare?: (merged: string, index: number) => void;
  log?: (line: string) => void;
}

export interface HostRunOptions {
  user?: string;
  input?: string;
  timeoutMs?: number;
  okCodes?: readonly number[];
}

export class Host {
  /** PID 1 inside the host (its systemd), for nsenter. */
  leader = 0;
  constructor(
    readonly name: string,
    readonly address: string,
    /** The host's file system, as mounted on this machine. */
    readonly merged: string,
    readonly dir: string,
    readonly nspawn: ChildProcess,
  ) {}

  /** Runs a bash script inside the host, as root or `user`, in a clean environment (errexit, pipefail). */
  run(script: string, options: HostRunOptions = {}): Promise<RunResult> {
    // The user's own HOME, as a login would set it (runuser keeps root's).
    const inner = options.user
      ? [
          "runuser",
          "-u",
          options.user,
          "--",
          "bash",
          "-eo",
          "pipefail",
          "-c",
          `export HOME="$(getent passwd "$(id -un)" | cut -d: -f6)"; cd; ${script}`,
        ]
      : ["bash", "-eo", "pipefail", "-c", script];
    return run(
      "nsenter",
      [
        "-t",
        String(this.leader),
        "-a",
        "--",
        "/usr/bin/env",
        "-i",
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME=/root",
        "LANG=C.UTF-8",
        "TERM=dumb",
        ...inner,
      ],
      {
        input: options.input,
        timeoutMs: options.timeoutMs ?? 5 * 60_000,
        okCodes: options.okCodes,
      },
    );
  }

  /** Writes a file into the host through its overlay. */
  writeFile(path: string, content: string, mode = 0o644): void {
    const target = join(this.merged, path);
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, content, { mode });
  }

  /** The host's journal for a unit (or all of it), for failure messages. */
  async journal(unit?: string, lines = 60): Promise<string> {
    const which = unit ? `-u ${unit}` : "";
    const { stdout } = await this.run(
      `journalctl --no-pager -q -n ${lines} ${which} || true`,
    );
    return stdout;
  }
}

export class Fleet {
  readonly hosts: Host[] = [];
  private readonly servers: net.Server[] = [];
  private stopped = false;

  private constructor(
    readonly id: string,
    readonly netns: string,
    readonly subnet: string,
    /** Its processes, mounts, cgroups, network and folders. */
    private readonly resources: Resources,
    readonly dir: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Boots `count` hosts in parallel; stops whatever started if any fails. */
  static async boot(options: FleetOptions): Promise<Fleet> {
    const id = `${process.pid % 100000}`;
    const log = options.log ?? (() => {});
    const octet = 20 + (process.pid % 200);
    const resources = new Resources();
    const fleet = new Fleet(
      id,
      `e2e-${id}`,
      `10.213.${octet}`,
      resources,
      resources.tempFolder(join(tmpdir(), "rails-aws-e2e-"), {
        keep: Boolean(process.env.E2E_KEEP),
      }),
      log,
    );
    try {
      await fleet.createNetwork();
      for (let index = 0; index < options.count; index++)
        fleet.hosts.push(fleet.start(options, index));
      await Promise.all(fleet.hosts.map((host) => fleet.awaitBoot(host)));
    } catch (error) {
      await fleet.stop();
      throw error;
    }
    return fleet;
  }

  private async createNetwork(): Promise<void> {
    const ns = this.netns;
    const outside = `e2e${this.id}o`;
    this.resources.netns(ns);
    this.resources.link(outside);
    await run("ip", ["netns", "add", ns]);
    const inNs = (...args: string[]) =>
      run("ip", ["netns", "exec", ns, "ip", ...args]);
    await inNs("link", "set", "lo", "up");
    await inNs("link", "add", "br0", "type", "bridge");
    await inNs("link", "set", "br0", "up");
    // The machine's end of the bridge: tests connect to the hosts' addresses through it.
    await run("ip", [
      "link",
      "add",
      outside,
      "type",
      "veth",
      "peer",
      "name",
      "uplink",
      "netns",
      ns,
    ]);
    await inNs("link", "set", "uplink", "master", "br0");
    await inNs("link", "set", "uplink", "up");
    await run("ip", ["addr", "add", `${this.subnet}.1/24`, "dev", outside]);
    await run("ip", ["link", "set", outside, "up"]);
  }

  private start(options: FleetOptions, index: number): Host {
    const name = `e2e-${this.id}-h${index + 1}`;
    const dir = join(this.dir, name);
    const [upper, work, merged] = ["upper", "work", "merged"].map((d) =>
      join(dir, d),
    );
    for (const d of [upper!, work!, merged!]) mkdirSync(d, { recursive: true });
    this.resources.mount(merged!);
    execFileSync("mount", [
      "-t",
      "overlay",
      "overlay",
      "-o",
      `lowerdir=${options.root},upperdir=${upper},workdir=${work}`,
      merged!,
    ]);
    // nspawn's lock on the host's directory, by its device and inode: nspawn killed leaves it.
    const { dev, ino } = statSync(merged!);
    this.resources.file(`/run/systemd/nspawn/locks/inode-${dev}:${ino}`);
    writeFileSync(join(merged!, "etc/hostname"), `${name}\n`);
    // As cloud-init writes it: sudo and others resolve the host's own name.
    writeFileSync(
      join(merged!, "etc/hosts"),
      `127.0.0.1 localhost\n127.0.1.1 ${name}\n::1 localhost ip6-localhost ip6-loopback\n`,
    );
    writeFileSync(
      join(merged!, "etc/machine-id"),
      `${randomBytes(16).toString("hex")}\n`,
    );
    // Host keys of its own, as a fresh instance has.
    for (const key of readdirSync(join(merged!, "etc/ssh")))
      if (key.startsWith("ssh_host_")) rmSync(join(merged!, "etc/ssh", key));
    execFileSync("chroot", [merged!, "ssh-keygen", "-A", "-q"]);
    options.prepare?.(merged!, index);

    const cgroups = cgroupDirs(name);
    for (const cgroup of cgroups) {
      this.resources.cgroup(cgroup);
      mkdirSync(cgroup, { recursive: true });
    }
    // What nspawn keeps for the host under /run, and leaves there when killed.
    for (const sub of ["propagate", "unix-export", "incoming"])
      this.resources.folder(`/run/systemd/nspawn/${sub}/${name}`);
    // The shell puts itself in the host's own cgroups, then becomes nspawn (same pid), so that
    // --keep-unit leaves nothing at the root of this machine's cgroup trees.
    const joinCgroups = cgroups
      .map((c) => `echo $$ > ${c}/cgroup.procs`)
      .join(" && ");
    const nspawnArgs = [
      "-D",
      merged!,
      `--machine=${name}`,
      "--boot",
      "--register=no",
      "--keep-unit",
      "--console=pipe",
      "--network-bridge=br0",
      "--system-call-filter=bpf",
      ...(options.binds ?? []).map(
        (b) => `--bind${b.readOnly ? "-ro" : ""}=${b.source}:${b.target}`,
      ),
    ];
    const console = createWriteStream(join(dir, "console.log"));
    const child = spawn(
      "sh",
      [
        "-c",
        `${joinCgroups} && exec nsenter --net=/run/netns/${this.netns} systemd-nspawn "$@"`,
        "sh",
        ...nspawnArgs,
      ],
      {
        env: { ...process.env, SYSTEMD_NSPAWN_UNIFIED_HIERARCHY: "1" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.resources.child(child);
    child.stdout!.pipe(console);
    child.stderr!.pipe(console);
    return new Host(name, `${this.subnet}.${11 + index}`, merged!, dir, child);
  }

  private async awaitBoot(host: Host): Promise<void> {
    const started = Date.now();
    const deadline = started + 120_000;
    while (!host.leader) {
      if (host.nspawn.exitCode !== null || Date.now() > deadline)
        throw new Error(
          `${host.name} did not start:\n${readFileSync(join(host.dir, "console.log"), "utf8")}`,
        );
      host.leader = containerInit(host.nspawn.pid!) ?? 0;
      if (!host.leader) await sleep(100);
    }
    // Killing a PID namespace's first process kills every process in it: the whole host.
    this.resources.process(host.leader);
    // Until systemd has a bus, systemctl fails at once; then --wait waits for the boot to end.
    let state = "";
    while (!["running", "degraded"].includes(state)) {
      if (Date.now() > deadline)
        throw new Error(`${host.name} did not finish booting: ${state}`);
      state = (
        await host.run("systemctl is-system-running --wait", {
          okCodes: [0, 1],
          timeoutMs: 120_000,
        })
      ).stdout.trim();
      if (!["running", "degraded"].includes(state)) await sleep(200);
    }
    await host.run(
      `ip addr add ${host.address}/24 dev host0 && ip link set host0 up`,
    );
    this.log(
      `${host.name} booted (${state}) in ${((Date.now() - started) / 1000).toFixed(1)} s at ${host.address}`,
    );
  }

  /** A port on 127.0.0.1 that leads to `port` on the host; closed by stop(). */
  async forward(host: Host, port: number): Promise<number> {
    const server = net.createServer((client) =>
      splice(client, net.connect(port, host.address)),
    );
    this.servers.push(server);
    await new Promise<void>((resolve) =>
      server.listen(0, "127.0.0.1", resolve),
    );
    return (server.address() as net.AddressInfo).port;
  }

  /** Powers every host off (SIGTERM to its nspawn), then removes mounts, cgroups and the namespace. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const server of this.servers) server.close();
    await Promise.all(this.hosts.map((host) => stopHost(host)));
    this.resources.release();
    this.log(`stopped ${this.hosts.length} hosts`);
  }
}

async function stopHost(host: Host): Promise<void> {
  if (host.nspawn.exitCode !== null || host.nspawn.signalCode !== null) return;
  const exited = new Promise<void>((resolve) =>
    host.nspawn.once("exit", () => resolve()),
  );
  host.nspawn.kill("SIGTERM");
  const timeout = sleep(20_000).then(() => "timeout");
  if ((await Promise.race([exited, timeout])) === "timeout") {
    host.nspawn.kill("SIGKILL");
    await exited;
  }
}

/** The descendant of nspawn that is PID 1 in its own PID namespace: the host's systemd. */
function containerInit(nspawnPid: number): number | undefined {
  return descendants(nspawnPid).find((pid) => {
    try {
      const nspid = /^NSpid:\s+(.*)$/m
        .exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]
        ?.trim()
        .split(/\s+/);
      return nspid !== undefined && nspid.length > 1 && nspid.at(-1) === "1";
    } catch {
      // The process ended meanwhile.
      return false;
    }
  });
}

function cgroupDirs(name: string): string[] {
  return ["systemd", "unified"].map(
    (tree) => `/sys/fs/cgroup/${tree}/nspawn-${name}`,
  );
}

/** Passes the bytes of each stream to the other; an error on either ends both. */
export function splice(a: Duplex, b: Duplex): void {
  a.pipe(b).pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on("error", close);
  b.on("error", close);
}
