// Everything the e2e harness starts on this machine is held here from the moment it starts:
// processes (by id), cgroups, mounts, network links and namespaces, files and folders.
// Its owner releases it on the normal path; a run that ends any other way (an uncaught exception
// or unhandled rejection, SIGINT or SIGTERM, process.exit) releases whatever is still held, on
// exit, synchronously. Processes are killed by id and checked by start time, so a reused id is
// never hit; nothing is ever looked up by name. Releasing twice, or what is already gone, is harmless.
import { execFileSync, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { join } from "node:path";

type Kind = "process" | "cgroup" | "mount" | "link" | "netns" | "path";

/**
 * The order of release: processes first (a mount or namespace in use cannot go), then what they
 * lived in, files and folders last (a mount may be below a folder). Within a kind, the newest first.
 */
const ORDER: readonly Kind[] = [
  "process",
  "cgroup",
  "mount",
  "link",
  "netns",
  "path",
];

interface Resource {
  kind: Kind;
  /** The process id, path or interface/namespace name. */
  target: string;
  /** A process's start time (/proc/<pid>/stat), which tells it from a later one with its id. */
  startTime?: string;
  /** A folder kept for a look afterwards (E2E_KEEP): only what is mounted below it goes. */
  keep?: boolean;
}

/** Every group of resources not yet released, for the exit. */
const live = new Set<Resources>();

export class Resources {
  private readonly held: Resource[] = [];

  /** Holds a process by its id; a process already gone is not held. */
  process(pid: number): void {
    const startTime = startTimeOf(pid);
    if (startTime)
      this.hold({ kind: "process", target: String(pid), startTime });
  }

  /** Holds a child process until it exits (its id may then be another process's). */
  child(child: ChildProcess): void {
    if (child.pid === undefined) return;
    const startTime = startTimeOf(child.pid);
    if (!startTime) return;
    const resource: Resource = {
      kind: "process",
      target: String(child.pid),
      startTime,
    };
    this.hold(resource);
    child.once("exit", () => this.forget(resource));
  }

  /** A cgroup folder: removed once empty, what the host left in it killed by id after 2 s. */
  cgroup(path: string): void {
    this.hold({ kind: "cgroup", target: path });
  }

  mount(path: string): void {
    this.hold({ kind: "mount", target: path });
  }

  /** A network interface of this machine's namespace (one end of a veth pair). */
  link(name: string): void {
    this.hold({ kind: "link", target: name });
  }

  /** A named network namespace (ip netns): every process still in it is killed by id first. */
  netns(name: string): void {
    this.hold({ kind: "netns", target: name });
  }

  /** A folder, removed with what is below it (first unmounting what is mounted there). */
  folder(path: string, options: { keep?: boolean } = {}): void {
    this.hold({ kind: "path", target: path, keep: options.keep });
  }

  /** A file someone else makes for what this run started (nspawn's lock), removed. */
  file(path: string): void {
    this.hold({ kind: "path", target: path });
  }

  /** A new folder (mkdtemp of `prefix`), held as folder() holds one. */
  tempFolder(prefix: string, options: { keep?: boolean } = {}): string {
    const path = mkdtempSync(prefix);
    this.folder(path, options);
    return path;
  }

  /** Releases everything held, in ORDER; they can be held again afterwards. */
  release(): void {
    const held = this.held.splice(0);
    live.delete(this);
    releaseAll(held);
  }

  private hold(resource: Resource): void {
    this.held.push(resource);
    live.add(this);
    armExitHandlers();
  }

  private forget(resource: Resource): void {
    const index = this.held.indexOf(resource);
    if (index >= 0) this.held.splice(index, 1);
    if (this.held.length === 0) live.delete(this);
  }

  /** Hands over everything held: the exit releases every group's together, in ORDER. */
  take(): Resource[] {
    live.delete(this);
    return this.held.splice(0);
  }
}

function releaseAll(resources: readonly Resource[]): void {
  const ofKind = (kind: Kind) =>
    resources.filter((r) => r.kind === kind).reverse();
  killProcesses(ofKind("process"));
  for (const { target } of ofKind("cgroup")) removeCgroup(target);
  for (const { target } of ofKind("mount")) unmount(target);
  for (const { target } of ofKind("link"))
    if (existsSync(`/sys/class/net/${target}`))
      tryRun("ip", ["link", "del", target]);
  for (const { target } of ofKind("netns")) removeNetns(target);
  for (const { target, keep } of ofKind("path")) {
    for (const mountPoint of mountPoints()
      .filter((m) => m === target || m.startsWith(`${target}/`))
      .reverse())
      unmount(mountPoint);
    if (!keep) rmSync(target, { recursive: true, force: true });
  }
}

let armed = false;

/**
 * On the first hold: the exit releases whatever is still held (a crash or process.exit), and
 * SIGINT and SIGTERM end the run by way of the exit, as they would have ended it without a
 * handler (the same signal, raised again once nothing else listens for it).
 */
function armExitHandlers(): void {
  if (armed) return;
  armed = true;
  process.on("exit", releaseLeftovers);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const onSignal = () => {
      releaseLeftovers();
      if (process.listenerCount(signal) > 1) return;
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function releaseLeftovers(): void {
  const resources = [...live].flatMap((group) => group.take());
  if (resources.length === 0) return;
  const counts = ORDER.map(
    (kind) => `${kind} ×${resources.filter((r) => r.kind === kind).length}`,
  ).filter((count) => !count.endsWith("×0"));
  console.warn(
    `\n    the run ended before its own clean-up; releasing: ${counts.join(", ")}\n`,
  );
  releaseAll(resources);
}

/** SIGKILL to each still-running process (checked by start time), then waits up to 5 s. */
function killProcesses(processes: readonly Resource[]): void {
  const alive = () => processes.filter(isRunning);
  for (const { target } of alive()) signal(Number(target), "SIGKILL");
  const deadline = Date.now() + 5000;
  while (alive().length > 0 && Date.now() < deadline) pause(50);
  for (const { target } of alive())
    console.warn(`process ${target} did not end after SIGKILL`);
}

function isRunning({ target, startTime }: Resource): boolean {
  return processRunning(Number(target), startTime!);
}

/** Whether the process with this id and start time still runs (a zombie holds nothing). */
export function processRunning(pid: number, startTime: string): boolean {
  const stat = readStat(pid);
  return (
    stat !== undefined &&
    stat.startTime === startTime &&
    !/[ZX]/.test(stat.state)
  );
}

/** When the process started (clock ticks since boot): with its id, it names one process. */
export function startTimeOf(pid: number): string | undefined {
  return readStat(pid)?.startTime;
}

/** Every process below `pid` (its children, then theirs...), as /proc has them now. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = readStat(Number(entry))?.parent;
    if (parent !== undefined)
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next = children.get(queue.shift()!) ?? [];
    found.push(...next);
    queue.push(...next);
  }
  return found;
}

/** Fields 3, 4 and 22 of /proc/<pid>/stat, read after the command's closing parenthesis. */
function readStat(
  pid: number,
): { state: string; parent: number; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      state: fields[0]!,
      parent: Number(fields[1]),
      startTime: fields[19]!,
    };
  } catch {
    return undefined;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** The processes still in the namespace (by id, as ip reads them from /proc) go, then it does. */
function removeNetns(name: string): void {
  if (!existsSync(`/run/netns/${name}`)) return;
  const pids = (() => {
    try {
      return execFileSync("ip", ["netns", "pids", name], { encoding: "utf8" })
        .split("\n")
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  })();
  killProcesses(
    pids.flatMap((pid) => {
      const startTime = startTimeOf(pid);
      return startTime
        ? [{ kind: "process" as const, target: String(pid), startTime }]
        : [];
    }),
  );
  tryRun("ip", ["netns", "del", name]);
}

function unmount(path: string): void {
  if (!mountPoints().includes(path)) return;
  // Lazily when busy: it goes once its last user does.
  if (!tryRun("umount", [path])) tryRun("umount", ["-l", path]);
}

/** This mount namespace's mount points, in mount order (mountinfo escapes spaces as \040). */
function mountPoints(): string[] {
  return readFileSync("/proc/self/mountinfo", "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) =>
      line
        .split(" ")[4]!
        .replace(/\\([0-7]{3})/g, (_, octal: string) =>
          String.fromCharCode(parseInt(octal, 8)),
        ),
    );
}

/**
 * cgroups are removed leaves first, each once empty of processes: a host's last ones may take a
 * moment to be reaped after it is killed, so it tries for a few seconds.
 */
function removeCgroup(dir: string): void {
  for (let attempt = 0; attempt < 50 && existsSync(dir); attempt++) {
    if (attempt > 0) pause(100);
    // After 2 s, what the host left behind is killed: by id, from this cgroup's own list.
    removeCgroupTree(dir, attempt >= 20);
  }
  if (existsSync(dir)) console.warn(`could not remove the cgroup ${dir}`);
}

function removeCgroupTree(dir: string, killLeftovers: boolean): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }))
    if (entry.isDirectory())
      removeCgroupTree(join(dir, entry.name), killLeftovers);
  if (killLeftovers)
    for (const pid of readFileSync(join(dir, "cgroup.procs"), "utf8").split(
      "\n",
    ))
      if (pid) signal(Number(pid), "SIGKILL");
  // rmdir, not rmSync: a cgroup folder is removed empty of folders, its files go with it.
  tryRun("rmdir", [dir]);
}

function tryRun(command: string, args: string[]): boolean {
  try {
    execFileSync(command, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Waits without the event loop: on exit there is none. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
