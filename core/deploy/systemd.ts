// The systemd part: the units of config/systemd (app.unitsDir), which every deploy installs on
// its host (app.installUnitsScript) and the user data installs on a new instance. Puma's
// listening socket, Puma, the Solid Queue worker, and the target that groups them.
import type { Context } from "../context.js";
import type { Part } from "../parts.js";
import { RUBY_PREFIX, WRITABLE_LINKED_DIRS, releaseTree } from "./instance.js";

/** Solid Queue's default shutdown_timeout: how long its supervisor lets jobs finish on TERM. */
export const SOLID_QUEUE_SHUTDOWN_TIMEOUT = 5;

/**
 * What the units set per process and the instance's environment file must leave out:
 * EnvironmentFile= wins over Environment=, and Puma and the job worker need different values.
 */
export const PER_PROCESS_VARIABLES = ["RAILS_MAX_THREADS"] as const;

/** Solid Queue's worker needs two connections beyond its threads (polling and heartbeat). */
const JOB_EXTRA_CONNECTIONS = 2;

/** systemd's name for Puma's socket: foo.socket activates foo.service. */
export function webSocketUnit(context: Context): string {
  return context.app.units.web.replace(/\.service$/, ".socket");
}

function systemdContext(context: Context) {
  const tree = releaseTree(context);
  return {
    webSocket: webSocketUnit(context),
    rubyPrefix: RUBY_PREFIX,
    bundle: `${RUBY_PREFIX}/bin/bundle`,
    current: tree.current,
    readWritePaths: WRITABLE_LINKED_DIRS.map(
      (dir) => `-${tree.shared}/${dir}`,
    ).join(" "),
    jobsMaxThreads: context.jobs.threads + JOB_EXTRA_CONNECTIONS,
    solidQueueShutdownTimeout: SOLID_QUEUE_SHUTDOWN_TIMEOUT,
  };
}

export const systemdPart: Part = {
  name: "systemd",
  description:
    "systemd units: Puma (socket-activated, Type=notify, watchdog), the Solid Queue worker and their target, hardened",
  extendContext: (context) => ({ systemd: systemdContext(context) }),
};
