// Values only the systemd part's templates need. The units of config/systemd (app.unitsDir) are
// installed by every deploy on its host (app.installUnitsScript) and by the user data on a new
// instance: Puma's listening socket, Puma, the Solid Queue worker, and the target that groups them.
import type { Context } from "../../context.js";
import { JOB_EXTRA_CONNECTIONS } from "../../settings.js";

/** Solid Queue's default shutdown_timeout: how long its supervisor lets jobs finish on TERM. */
export const SOLID_QUEUE_SHUTDOWN_TIMEOUT = 5;

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
  };
}
