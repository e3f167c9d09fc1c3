// The cloudformation part: infra/cloudformation/*.yml (one template per stack, shared by every
// environment), infra/parameters/<env>/<stack>.json (what differs between environments) and
// bin/infra, which deploys them in order through change sets.
import type { Context, EnvironmentContext } from "../context.js";
import {
  BASTION_ROLE_TAG,
  CAPISTRANO_LINKED_DIRS,
  RUBY_PREFIX,
} from "../deploy/instance.js";
import type { Part } from "../parts.js";

/** CloudFront only takes certificates issued in us-east-1, whatever the stacks' region. */
export const EDGE_REGION = "us-east-1";

/** Stacks of one environment, in deploy order: each imports the exports of those before it. */
const ENVIRONMENT_STACKS = [
  "deploy",
  "edge",
  "network",
  "data",
  "app",
] as const;

const SYSTEMCTL_ACTIONS = ["start", "stop", "restart", "status", "is-active"];

export interface StackEnvironment {
  /** Stacks to deploy, in order: `edge` only with a CDN. */
  stacks: string[];
  /**
   * Whether compiled assets are served by CloudFront. The plan leaves staging without a
   * distribution to save cost; production has one.
   */
  cdn: boolean;
  /** The CloudFront host of compiled assets, or "" without a CDN. */
  assetHost: string;
  /** Canonical's public SSM parameter of the current Ubuntu 22.04 AMI for the instance type's architecture. */
  amiParameter: string;
  /**
   * The group's MaxSize. A fixed-size group (min = max) gets one more than the answered
   * maximum, used only by the rolling update to launch a replacement before it terminates an
   * old instance: CloudFormation needs MinInstancesInService < MaxSize to keep capacity.
   */
  groupMaxSize: number;
  /** Alarm when the database holds more than 80 % of its max_connections. */
  dbConnectionsAlarm: number;
  logRetentionDays: number;
  /** Sender of the app's mail: an address of the SES identity of the environment's host. */
  mailFrom: string;
}

export interface CloudFormationContext {
  /** The account-level stack (GitHub's OIDC provider), deployed once per account. */
  accountStack: string;
  edgeRegion: string;
  environments: Record<string, StackEnvironment>;
  /** Whether any environment has a CDN: the edge template and CloudFront resources exist. */
  anyCdn: boolean;
  /** Average instance CPU that raises an alarm: above the scaling target, so scaling acts first. */
  cpuAlarmThreshold: number;
  /** What a new instance links to shared/: exactly Capistrano's linked_dirs. */
  linkedDirs: string[];
  /** Where Ruby is installed: the units and Capistrano name its binaries (core/deploy/instance.ts). */
  rubyPrefix: string;
  /** The `role` tag by which the deploy finds the bastion and its security group. */
  bastionRoleTag: string;
  /** ElastiCache's Redis engine: the newest 7.x, as docker-compose runs redis:7 locally. */
  redisEngineVersion: string;
  /** Exactly the commands the deploy user may run through sudo (docs/parts-contract.md). */
  sudoCommands: string[];
}

function stackEnvironment(env: EnvironmentContext): StackEnvironment {
  const cdn = env.isProduction;
  return {
    stacks: ENVIRONMENT_STACKS.filter((stack) => stack !== "edge" || cdn),
    cdn,
    assetHost: cdn ? `assets.${env.host}` : "",
    amiParameter: `/aws/service/canonical/ubuntu/server/22.04/stable/current/${env.ubuntuArch}/hvm/ebs-gp2/ami-id`,
    groupMaxSize: env.scales ? env.asgMax : env.asgMax + 1,
    dbConnectionsAlarm: Math.floor(env.dbMaxConnections * 0.8),
    logRetentionDays: env.isProduction ? 90 : 30,
    mailFrom: `no-reply@${env.host}`,
  };
}

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

export function cloudFormationContext(context: Context): CloudFormationContext {
  const environments = Object.fromEntries(
    context.environments.map((env) => [env.name, stackEnvironment(env)]),
  );
  return {
    accountStack: `${context.app.name}-account`,
    edgeRegion: EDGE_REGION,
    environments,
    anyCdn: Object.values(environments).some((env) => env.cdn),
    cpuAlarmThreshold: Math.min(context.cpuTarget + 15, 95),
    linkedDirs: CAPISTRANO_LINKED_DIRS,
    rubyPrefix: RUBY_PREFIX,
    bastionRoleTag: BASTION_ROLE_TAG,
    redisEngineVersion: "7.1",
    sudoCommands: sudoCommands(context),
  };
}

/** Output paths that only exist with a CDN: the edge template and its parameter files. */
function includes(outputPath: string, context: Context): boolean {
  const edge =
    /^infra\/(?:parameters\/([a-z]+)\/edge\.json|cloudformation\/edge\.yml)$/.exec(
      outputPath,
    );
  if (!edge) return true;
  const stacks = cloudFormationContext(context).environments;
  const env = edge[1];
  return env
    ? Boolean(stacks[env]?.cdn)
    : Object.values(stacks).some((stack) => stack.cdn);
}

export const cloudformationPart: Part = {
  name: "cloudformation",
  description:
    "AWS infrastructure: CloudFormation stacks (deploy access, CDN certificate, network, data, app), per-environment parameters and bin/infra",
  extendContext: (context) => ({
    cloudformation: cloudFormationContext(context),
  }),
  includes,
};
