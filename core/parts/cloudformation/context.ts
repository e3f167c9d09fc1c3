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

/** systemd's default soft limit of open files for a service's process (LimitNOFILE=). */
const FILES_PER_PROCESS = 1024;
const CABLE_ALARM_SHARE = 0.8;

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
    /** The CloudWatch namespace of what the instances publish (DatabaseReachable, CableConnections…). */
    metricsNamespace: context.app.name,
    dashboardBody: dashboardBody(context.app.name),
    /**
     * WebSocket connections on one instance that raise an alarm: 80 % of the 1024 open files
     * systemd allows each Puma worker process by default.
     */
    cableConnectionsAlarm: Math.floor(
      FILES_PER_PROCESS * CABLE_ALARM_SHARE * context.puma.workers,
    ),
  };
}
