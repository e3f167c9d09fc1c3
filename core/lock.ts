// One run at a time in a destination: two runs with different answers would otherwise interleave
// their writes and leave a state that matches neither.
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { STATE_DIR } from "./paths.js";

export const LOCK_PATH = `${STATE_DIR}/run.lock`;

export class LockedError extends Error {}

const UNREADABLE_LOCK_GRACE_MS = 10_000;

interface Holder {
  pid: number;
  host: string;
  startedAt: string;
}

/** Whether a process with this id exists on this machine. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Holder;
  } catch {
    return undefined;
  }
}

/**
 * Takes the destination's lock, or fails naming the run that holds it. A lock left by a run that
 * no longer exists on this machine is taken over. Returns the function that releases it.
 */
export function acquireLock(destination: string): () => void {
  const path = join(destination, LOCK_PATH);
  mkdirSync(join(destination, STATE_DIR), { recursive: true });
  const me: Holder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx", 0o644);
      writeSync(fd, `${JSON.stringify(me)}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = readHolder(path);
      const made = statOrUndefined(path);
      // Released meanwhile: try again.
      if (!made) continue;
      // Unreadable: another run is between creating the lock and filling it in, or was killed
      // there (long ago, then).
      const starting =
        !holder && Date.now() - made.mtimeMs <= UNREADABLE_LOCK_GRACE_MS;
      const stale = holder
        ? holder.host === me.host && !alive(holder.pid)
        : !starting;
      if (!stale)
        throw new LockedError(
          holder
            ? `another rails-aws run (process ${holder.pid} on ${holder.host}, started ${holder.startedAt}) is working in this folder: wait for it to finish. If it no longer runs, remove ${LOCK_PATH}.`
            : `another rails-aws run is starting in this folder (${LOCK_PATH} was made just now): wait for it to finish.`,
        );
      rmSync(path, { force: true });
    }
  }
  throw new LockedError(
    `could not take ${LOCK_PATH}: another run took it first; wait for it to finish.`,
  );
}
