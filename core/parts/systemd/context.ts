// Values only the systemd part's templates need. The units of config/systemd (app.unitsDir) are
// installed by every deploy on its host (app.installUnitsScript) and by the user data on a new
// instance: Puma's listening socket, Puma, the Solid Queue worker, and the target that groups them.
import type { Context } from "../../context.js";
import { JOB_EXTRA_CONNECTIONS } from "../../settings.js";

/** Solid Queue's default shutdown_timeout: how long its supervisor lets jobs finish on TERM. */
export const SOLID_QUEUE_SHUTDOWN_TIMEOUT = 5;

/**
 * The directives a release's unit may hold for the instance's install-units script to install
 * it (it refuses any other): what the units of config/systemd use. Whole families that only take
 * privileges away (ProtectSystem=, RestrictNamespaces=, ...) are allowed by their prefix. Some
 * directives are checked further there (User=, Group=, EnvironmentFile=, ExecStart=,
 * ListenStream=, the dependencies). test/install-units.test.ts keeps these and the units in step.
 */
export const INSTALLABLE_DIRECTIVE_FAMILIES = [
  "Protect",
  "Restrict",
  "Private",
  "SystemCall",
] as const;
export const INSTALLABLE_DIRECTIVES = [
  "After",
  "Backlog",
  "CapabilityBoundingSet",
  "Description",
  "Environment",
  "EnvironmentFile",
  "ExecStart",
  "Group",
  "KillMode",
  "LimitNOFILE",
  "ListenStream",
  "LockPersonality",
  "NoDelay",
  "NoNewPrivileges",
  "PartOf",
  "ReadWritePaths",
  "RemoveIPC",
  "Requires",
  "Restart",
  "ReusePort",
  "TimeoutStopSec",
  "Type",
  "UMask",
  "User",
  "WantedBy",
  "Wants",
  "WatchdogSec",
  "WorkingDirectory",
] as const;

/**
 * Open files each Puma process may hold (LimitNOFILE=): every WebSocket is one, and systemd's
 * default of 1024 would cap a worker near a thousand. At a few tens of KB per idle connection,
 * this many fill a worker's share of an instance's memory before the limit matters.
 */
export const PUMA_OPEN_FILES = 16_384;

/** The most open files install-units lets a release's unit ask for (LimitNOFILE=). */
export const INSTALLABLE_OPEN_FILES_MAX = 65_536;

/** systemd's name for Puma's socket: foo.socket activates foo.service. */
export function webSocketUnit(context: Context): string {
  return context.app.units.web.replace(/\.service$/, ".socket");
}

export function systemdContext(context: Context) {
  const { instance } = context;
  return {
    webSocket: webSocketUnit(context),
    bundle: `${instance.rubyPrefix}/bin/bundle`,
    readWritePaths: instance.writableLinkedDirs
      .map((dir) => `-${instance.shared}/${dir}`)
      .join(" "),
    jobsMaxThreads: context.jobs.threads + JOB_EXTRA_CONNECTIONS,
    solidQueueShutdownTimeout: SOLID_QUEUE_SHUTDOWN_TIMEOUT,
    pumaOpenFiles: PUMA_OPEN_FILES,
  };
}
