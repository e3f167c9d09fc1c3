// Values only the capistrano part's templates need. A deploy builds the release on every host of
// the environment's Auto Scaling group, then restarts them one at a time behind a health check.
import type { Context } from "../../context.js";
import { webSocketUnit } from "../systemd/context.js";

/**
 * The gems a deploy needs, in the Gemfile's deploy group: the machine that runs `cap` (a laptop,
 * or GitHub Actions with BUNDLE_ONLY=deploy) installs them. capistrano-rails 1.7 is the first to
 * back up Propshaft's manifest.
 */
export const DEPLOY_GEMS = [
  { name: "capistrano", version: "~> 3.19" },
  { name: "capistrano-bundler", version: "~> 2.1" },
  { name: "capistrano-rails", version: "~> 1.7" },
] as const;

/**
 * The variable that names a deploy's hosts instead of the Auto Scaling group. Not HOSTS: that is
 * Capistrano's own host filter, which keeps only the servers it names, so it would filter the
 * hosts it names out (an instance id is never the address `HOSTS=10.0.0.5` names).
 */
export const HOSTS_VARIABLE = "DEPLOY_HOSTS";

/** Releases each host keeps (Capistrano's keep_releases): what deploy:rollback can go back to. */
const KEEP_RELEASES = 5;

/** Seconds a restarted host has to answer its health check before the rollout stops. */
const HEALTH_CHECK_TIMEOUT = 60;

/** Seconds cap waits for a host's SSH connection (through its proxy) before the deploy fails. */
const SSH_CONNECT_TIMEOUT = 30;

/**
 * A connection that leaves `count` keepalives unanswered is dropped. net-ssh checks every
 * `interval` seconds but sends on every other check (its clock starts after the send), so a
 * host that stops answering is given up after about 2 × interval × (count + 1) = 40 s.
 */
const SSH_KEEPALIVE = { interval: 5, count: 3 } as const;

/**
 * Seconds an SSH connection may wait unused in SSHKit's pool and still be reused: a host waits
 * while the hosts before it restart. Session Manager ends a session idle for 20 minutes.
 */
const SSH_IDLE_TIMEOUT = 1200;

/** Seconds after which a deploy lock is taken as left by a deploy that died. */
const DEPLOY_LOCK_EXPIRY = 3600;

/** The seconds the load balancer waits before it drops a deregistered target (the default). */
const DEREGISTRATION_DELAY = 300;

/** Bundler's names of the instances' platforms, for `bundle lock --add-platform`. */
export function lockPlatforms(context: Context): string {
  const platforms = context.environments.map((env) =>
    env.ubuntuArch === "arm64" ? "aarch64-linux" : "x86_64-linux",
  );
  return [...new Set(platforms)].join(" ");
}

export function capistranoContext(context: Context) {
  const { app, instance } = context;
  return {
    keepReleases: KEEP_RELEASES,
    webSocket: webSocketUnit(context),
    /** Ruby array items, e.g. `"log", "tmp"`. */
    linkedDirs: instance.linkedDirs.map((dir) => `"${dir}"`).join(", "),
    /** Every dir a release links to shared/: capistrano-rails adds public/assets. */
    sharedDirs: [...instance.linkedDirs, "public/assets"],
    /**
     * Restarted in this order: the job worker first, so web's health check ends the step (a host
     * going back after a failure restarts them the other way round: rollout.rake).
     */
    units: `${app.units.jobs} ${app.units.web}`,
    healthUrl: `http://127.0.0.1:${app.port}${app.healthPath}`,
    healthCheckTimeout: HEALTH_CHECK_TIMEOUT,
    hostsVariable: HOSTS_VARIABLE,
    lockExpiry: DEPLOY_LOCK_EXPIRY,
    lockPlatforms: lockPlatforms(context),
    sshTimeout: SSH_CONNECT_TIMEOUT,
    keepaliveInterval: SSH_KEEPALIVE.interval,
    keepaliveCount: SSH_KEEPALIVE.count,
    keepaliveBound: 2 * SSH_KEEPALIVE.interval * (SSH_KEEPALIVE.count + 1),
    connectionIdleTimeout: SSH_IDLE_TIMEOUT,
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
