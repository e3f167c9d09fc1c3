// Values only the cloudformation part's templates need. What other parts also read (stacks, the
// CDN, hosts, alarms, sizes, the instance contract) is in the shared context.
import type { Context } from "../../context.js";
import { bootDownloads, cfnLint } from "../../data.js";
import {
  INSTALLABLE_DIRECTIVE_FAMILIES,
  INSTALLABLE_DIRECTIVES,
  webSocketUnit,
} from "../systemd/context.js";

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

/**
 * The cfn-lint checks a resource's Metadata turns off, with the comment that says why: the
 * entries of data/cfn-lint.json verified with the version the generated CI runs, and no other.
 */
function lintIgnores(context: Context, template: string, resource: string) {
  const ignores = cfnLint.ignores.filter(
    (ignore) =>
      ignore.template === template &&
      ignore.resource === resource &&
      ignore.cfnLintVersions.includes(context.cfnLintVersion),
  );
  if (ignores.length === 0) return false;
  return {
    rules: ignores.map((ignore) => ignore.rule).join(", "),
    comment: ignores.flatMap((ignore) => ignore.comment),
  };
}

/** The logs RDS exports to CloudWatch: a log group of each, whose retention the data stack sets. */
const DATABASE_LOG_EXPORTS = ["postgresql", "upgrade"];

export function cloudformationContext(context: Context) {
  return {
    /** ElastiCache's Redis engine: the newest 7.x, as docker-compose runs redis:7 locally. */
    redisEngineVersion: "7.1",
    sudoCommands: sudoCommands(context),
    bootDownloads,
    /** The unit files install-units takes from a release, and nothing else. */
    installableUnits: [
      webSocketUnit(context),
      context.app.units.web,
      context.app.units.jobs,
      context.app.units.target,
    ].join(" "),
    installableDirectives: INSTALLABLE_DIRECTIVES.join(" "),
    installableFamilies: INSTALLABLE_DIRECTIVE_FAMILIES.join("|"),
    databaseLintIgnores: lintIgnores(context, "data", "Database"),
    databaseLogExports: DATABASE_LOG_EXPORTS,
  };
}
