// Values only the cloudformation part's templates need. What other parts also read (stacks, the
// CDN, hosts, alarms, sizes, the instance contract) is in the shared context.
import { dirname } from "node:path";
import type { Context } from "../../context.js";
import { bootDownloads, cfnLint, rubySourceSha256 } from "../../data.js";
import {
  INSTALLABLE_DIRECTIVE_FAMILIES,
  INSTALLABLE_DIRECTIVES,
  INSTALLABLE_OPEN_FILES_MAX,
  PUMA_OPEN_FILES,
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

type DashboardMetric = (string | Record<string, string>)[];

/** A graph of the dashboard: a third of its width, in rows of three. */
function widget(
  index: number,
  title: string,
  metrics: DashboardMetric[],
  stat = "Maximum",
) {
  return {
    type: "metric",
    x: (index % 3) * 8,
    y: Math.floor(index / 3) * 6,
    width: 8,
    height: 6,
    properties: {
      title,
      region: "${AWS::Region}",
      stat,
      period: 60,
      metrics,
    },
  };
}

/**
 * The monitoring stack's dashboard as Fn::Sub text: the load balancer, the instances, the database,
 * the job queue and the WebSocket connections. Compact JSON: the template's size is limited.
 */
function dashboardBody(namespace: string): string {
  const balancer = ["LoadBalancer", "${LoadBalancerFullName}"];
  const group = ["AutoScalingGroupName", "${AutoScalingGroupName}"];
  const widgets = [
    widget(
      0,
      "Requests and 5xx",
      [
        ["AWS/ApplicationELB", "RequestCount", ...balancer],
        ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", ...balancer],
        ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", ...balancer],
      ],
      "Sum",
    ),
    widget(1, "Response time p50, p95", [
      [
        "AWS/ApplicationELB",
        "TargetResponseTime",
        ...balancer,
        { stat: "p50" },
      ],
      [
        "AWS/ApplicationELB",
        "TargetResponseTime",
        ...balancer,
        { stat: "p95" },
      ],
    ]),
    widget(2, "Instances in service, unhealthy", [
      ["AWS/AutoScaling", "GroupInServiceInstances", ...group],
      [
        "AWS/ApplicationELB",
        "UnHealthyHostCount",
        ...balancer,
        "TargetGroup",
        "${TargetGroupFullName}",
      ],
    ]),
    widget(3, "Instances: CPU, memory, disk %", [
      ["AWS/EC2", "CPUUtilization", ...group],
      ["CWAgent", "mem_used_percent", ...group],
      ["CWAgent", "disk_used_percent", ...group],
    ]),
    widget(4, "Database: CPU %, connections, reachable", [
      ["AWS/RDS", "CPUUtilization", "DBInstanceIdentifier", "${DatabaseId}"],
      [
        "AWS/RDS",
        "DatabaseConnections",
        "DBInstanceIdentifier",
        "${DatabaseId}",
      ],
      [namespace, "DatabaseReachable", ...group, { stat: "Minimum" }],
    ]),
    widget(5, "Jobs ready, WebSocket connections", [
      [namespace, "JobsReady", ...group],
      [namespace, "CableConnections", ...group, { stat: "Sum" }],
    ]),
  ];
  return JSON.stringify({ widgets });
}

const CABLE_ALARM_SHARE = 0.8;

/** Where the instances download Ruby's source, and the SHA-256 they check it against. */
function rubySource(version: string) {
  const sha256 = rubySourceSha256[version];
  if (!sha256)
    throw new Error(
      `Ruby ${version} has no source checksum in data/ruby-versions.json`,
    );
  const series = version.split(".").slice(0, 2).join(".");
  return {
    url: `https://cache.ruby-lang.org/pub/ruby/${series}/ruby-${version}.tar.gz`,
    sha256,
    /** Where the tarball unpacks. */
    dir: `/tmp/ruby-${version}`,
  };
}

/**
 * Where the user data installs the files of the launch template's Metadata (keyed by path): the
 * services' environment writer, the metrics script and its units, and install-units.
 */
function bootFiles(context: Context) {
  const { name, installUnitsScript } = context.app;
  return {
    refreshEnv: `/usr/local/sbin/${name}-refresh-env`,
    publishMetrics: `/usr/local/sbin/${name}-publish-metrics`,
    metricsService: `/etc/systemd/system/${name}-metrics.service`,
    metricsTimer: `/etc/systemd/system/${name}-metrics.timer`,
    installUnits: installUnitsScript,
  };
}

export function cloudformationContext(context: Context) {
  const configDir = dirname(context.app.envFile);
  return {
    rubySource: rubySource(context.app.rubyVersion),
    bootFiles: bootFiles(context),
    /** The instance's configuration: the services' environment file and the stack's values. */
    configDir,
    /** The stack's values for this instance (no secrets), one KEY=value a line, as the user data writes them. */
    stackValuesFile: `${configDir}/stack-values`,
    installableOpenFilesMax: INSTALLABLE_OPEN_FILES_MAX,
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
    /** The CloudWatch namespace of what the instances publish (DatabaseReachable, CableConnections…). */
    metricsNamespace: context.app.name,
    dashboardBody: dashboardBody(context.app.name),
    /**
     * WebSocket connections on one instance that raise an alarm: 80 % of the open files the web
     * unit allows each Puma worker process (LimitNOFILE=).
     */
    cableConnectionsAlarm: Math.floor(
      PUMA_OPEN_FILES * CABLE_ALARM_SHARE * context.puma.workers,
    ),
  };
}
