// Values only the cloudformation part's templates need. What other parts also read (stacks, the
// CDN, hosts, alarms, sizes, the instance contract) is in the shared context.
import type { Context } from "../../context.js";

const SYSTEMCTL_ACTIONS = ["start", "stop", "restart", "status", "is-active"];

/** Exactly the commands the deploy user may run through sudo (docs/parts-contract.md). */
function sudoCommands(context: Context): string[] {
  const { units, installUnitsScript } = context.app;
  const unitNames = [units.web, units.jobs, units.target];
  return [
    installUnitsScript,
    ...SYSTEMCTL_ACTIONS.flatMap((action) =>
      unitNames.map((unit) => `/usr/bin/systemctl ${action} ${unit}`),
    ),
  ];
}

export function cloudformationContext(context: Context) {
  return {
    /** ElastiCache's Redis engine: the newest 7.x, as docker-compose runs redis:7 locally. */
    redisEngineVersion: "7.1",
    sudoCommands: sudoCommands(context),
  };
}
