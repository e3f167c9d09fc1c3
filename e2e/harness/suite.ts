// What every e2e scenario file shares: the check that this machine can run the suite (on CI a
// missing piece fails the run; elsewhere the suite is skipped, loudly), the log and the timings.
import { requireTool } from "../../test/helpers/tools.js";
import { vendorTarball } from "./app.js";
import { Environment, type EnvironmentOptions } from "./environment.js";
import { Timings } from "./timing.js";

export const timings = new Timings();

export function log(line: string): void {
  console.log(`      · ${line}`);
}

/** Returns when this machine can boot hosts: their tools, and root. */
export function requireHosts(context: Mocha.Context): void {
  requireTool(context, [
    "debootstrap",
    "systemd-nspawn",
    "nsenter",
    "ip",
    "mount",
    "chroot",
    "tar",
    "xz",
  ]);
  requireAll(
    context,
    process.getuid?.() === 0 ? [] : ["root (mounts, namespaces and cgroups)"],
  );
}

/** Returns the vendored sources' tarball once the hosts can boot and it is there. */
export function requireSuite(context: Mocha.Context): string {
  requireHosts(context);
  const tarball = vendorTarball();
  requireAll(
    context,
    tarball
      ? []
      : [
          "shared/vendor/rails-8.1-sources.tar.xz beside the clone (or E2E_VENDOR)",
        ],
  );
  return tarball!;
}

/** Fails on CI when something is missing; elsewhere skips, with a warning. */
function requireAll(context: Mocha.Context, missing: readonly string[]): void {
  if (missing.length === 0) return;
  const what = `the e2e suite needs ${missing.join(" and ")}`;
  if (process.env.CI === "true") throw new Error(`${what}: CI must have it`);
  console.warn(`\n    SKIPPED the e2e suite: ${what}.\n`);
  context.skip();
}

after(function () {
  console.log(`\n  e2e timings\n${timings.table().replace(/^/gm, "    ")}\n`);
});

/**
 * Starts an environment for the scenarios of the describe block this is called in, hands it to
 * `started` (which may prepare more: boot instances, a deployer), and stops it after them.
 * Returns the environment's getter, for the scenarios.
 */
export function withEnvironment(
  options: Omit<EnvironmentOptions, "tarball" | "timings" | "log">,
  started?: (env: Environment) => void | Promise<void>,
): () => Environment {
  let env: Environment | undefined;
  before(async function () {
    this.timeout(60 * 60_000);
    const tarball = requireSuite(this);
    env = await Environment.start({ ...options, tarball, timings, log });
    await started?.(env);
  });
  after(async function () {
    this.timeout(120_000);
    await env?.stop();
  });
  return () => {
    if (!env) throw new Error("the environment did not start");
    return env;
  };
}
