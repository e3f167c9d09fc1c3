// Values only the capistrano part's templates need. A deploy builds the release on every host of
// the environment's Auto Scaling group, then restarts them one at a time behind a health check.
import type { Context } from "../../context.js";
import { webSocketUnit } from "../systemd/context.js";

/**
 * The gems a deploy needs, in the Gemfile's development group: the machine that runs `cap`
 * (a laptop, or GitHub Actions) installs them; the instances (bundle_without development) do
 * not. capistrano-rails 1.7 is the first to back up Propshaft's manifest.
 */
export const DEPLOY_GEMS = [
  { name: "capistrano", version: "~> 3.19" },
  { name: "capistrano-bundler", version: "~> 2.1" },
  { name: "capistrano-rails", version: "~> 1.7" },
] as const;

/** Releases each host keeps (Capistrano's keep_releases): what deploy:rollback can go back to. */
const KEEP_RELEASES = 5;

/** Seconds a restarted host has to answer its health check before the rollout stops. */
const HEALTH_CHECK_TIMEOUT = 60;

/** The seconds the load balancer waits before it drops a deregistered target (the default). */
const DEREGISTRATION_DELAY = 300;

export function capistranoContext(context: Context) {
  const { app, instance } = context;
  return {
    keepReleases: KEEP_RELEASES,
    webSocket: webSocketUnit(context),
    /** Ruby array items, e.g. `"log", "tmp"`. */
    linkedDirs: instance.linkedDirs.map((dir) => `"${dir}"`).join(", "),
    /** Every dir a release links to shared/: capistrano-rails adds public/assets. */
    sharedDirs: [...instance.linkedDirs, "public/assets"],
    /** Restarted in this order: the job worker first, so web's health check ends the step. */
    units: `${app.units.jobs} ${app.units.web}`,
    healthUrl: `http://127.0.0.1:${app.port}${app.healthPath}`,
    healthCheckTimeout: HEALTH_CHECK_TIMEOUT,
    gems: DEPLOY_GEMS,
    deregistrationDelay: DEREGISTRATION_DELAY,
    /** Minutes that replacing a full group one instance at a time spends draining WebSockets. */
    drains: context.environments.map((env) => ({
      name: env.name,
      hosts: env.asgMax,
      minutes: Math.ceil((env.asgMax * DEREGISTRATION_DELAY) / 60),
    })),
  };
}
