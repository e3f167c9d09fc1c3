// Derives, from validated answers, everything the templates read. Templates do no arithmetic:
// a figure or a choice they need is computed here, once.
import { dbMaxConnections, instanceType } from "./data.js";
import {
  connectionsPerInstance,
  ENVIRONMENTS,
  type Answers,
  type EnvironmentName,
} from "./settings.js";

export const POSTGRES_VERSION = "17";
export const REDIS_VERSION = "7";
/** Four hours: a rolling replacement of many instances outlasts the default hour. */
export const DEPLOY_ROLE_MAX_SESSION_SECONDS = 14400;

export interface EnvironmentContext {
  name: EnvironmentName;
  isProduction: boolean;
  region: string;
  /** The host the environment answers on. */
  host: string;
  instanceType: string;
  /** Ubuntu's name for the architecture: amd64 or arm64. */
  ubuntuArch: "amd64" | "arm64";
  asgMin: number;
  asgMax: number;
  /** Target tracking needs room to scale: a fixed-size group gets no scaling policy. */
  scales: boolean;
  capacity: string;
  /** On-demand instances below which nothing is spot. */
  onDemandBase: number;
  /** Share of instances above the base that are on demand. */
  onDemandPercentAboveBase: number;
  dbClass: string;
  dbMaxConnections: number;
  /** Connections the environment may open at its maximum size. */
  dbConnectionsAtMax: number;
  multiAz: boolean;
  backupDays: number;
  readReplica: boolean;
  /** ElastiCache node type, or false without redis. */
  redisNodeType: string | false;
  /** Names that several parts must agree on (CloudFormation creates, the deploy reads). */
  names: EnvironmentNames;
}

/**
 * The contract between parts. CloudFormation creates these resources under these names; the
 * deploy, the instances' user data, the workflows and the docs find them by the same names.
 */
export interface EnvironmentNames {
  /** Prefix of the environment's stacks: `<prefix>-network`, `-data`, `-app`. */
  stackPrefix: string;
  /** The Auto Scaling group of the app's instances: the deploy discovers its hosts from it. */
  autoScalingGroup: string;
  /** SSM parameter holding the release bucket's name (set by CloudFormation). */
  releaseBucketParameter: string;
  /** SSM parameter holding the S3 key of the release instances serve (set by each deploy; `none` before the first). */
  currentReleaseParameter: string;
  /** SSM parameter a deploy creates while it runs, so that a second deploy is refused (no CloudFormation resource). */
  deployLockParameter: string;
  /** Secrets Manager name of the app's secret_key_base. */
  secretKeyBaseSecret: string;
  /** IAM role the GitHub workflows assume through OIDC for this environment. */
  deployRole: string;
  /** IAM role CloudFormation itself acts as (passed with --role-arn), so the deploy role stays narrow. */
  cloudFormationRole: string;
  /** GitHub environment name (deploy jobs, and the OIDC subject the role trusts). */
  githubEnvironment: string;
}

export interface Context {
  app: {
    name: string;
    /** Unix user that owns the release tree and runs the services on the instances. */
    deployUser: string;
    /** The services' environment file on the instances, written at boot by the user data. */
    envFile: string;
    /** systemd units: Puma, the Solid Queue worker, and the target that groups them. */
    units: { web: string; jobs: string; target: string };
    /** Where the units live in the repo (and so in every release). */
    unitsDir: string;
    /** Root-owned script the user data writes: installs the current release's units (the deploy runs it through sudo). */
    installUnitsScript: string;
    /** The deploy role's MaxSessionDuration: a workflow job may last no longer. */
    deployRoleMaxSessionSeconds: number;
    /** The port Puma listens on behind the load balancer. */
    port: number;
    healthPath: string;
    /** Database and channel names: `board_app` for `board-app`, as Rails would name them. */
    dbName: string;
    /** The Rails application module, e.g. `BoardApp` for `board-app`. */
    module: string;
    domain: string;
    githubRepository: string;
    repoUrl: string;
    alertEmail: string;
    rubyVersion: string;
    deployPath: string;
  };
  environments: EnvironmentContext[];
  production: EnvironmentContext | false;
  staging: EnvironmentContext | false;
  /** The region of the first environment: what local tooling and docs default to. */
  primaryRegion: string;
  redis: boolean;
  bastion: boolean;
  natPerAz: boolean;
  cpuTarget: number;
  puma: { workers: number; threads: number };
  jobs: { threads: number };
  postgres: { version: string; image: string };
  redisImage: string;
}

export function moduleName(appName: string): string {
  return appName
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

function environmentContext(
  answers: Answers,
  name: EnvironmentName,
): EnvironmentContext {
  const pick = <K extends string>(suffix: K) =>
    answers[`${name}${suffix}` as keyof Answers];
  const asgMin = Number(pick("AsgMin"));
  const asgMax = Number(pick("AsgMax"));
  const capacity = String(pick("Capacity"));
  const dbClass = String(pick("DbClass"));
  const type = String(pick("InstanceType"));
  return {
    name,
    isProduction: name === "production",
    region: String(pick("Region")),
    host: name === "production" ? answers.domain : `${name}.${answers.domain}`,
    instanceType: type,
    ubuntuArch: instanceType(type).arch === "arm64" ? "arm64" : "amd64",
    asgMin,
    asgMax,
    scales: asgMax > asgMin,
    capacity,
    onDemandBase:
      capacity === "spot-burst"
        ? asgMin
        : capacity === "on-demand"
          ? asgMax
          : 0,
    onDemandPercentAboveBase: capacity === "on-demand" ? 100 : 0,
    dbClass,
    dbMaxConnections: dbMaxConnections(dbClass),
    dbConnectionsAtMax: asgMax * connectionsPerInstance(answers),
    multiAz: Boolean(pick("MultiAz")),
    backupDays: Number(pick("BackupDays")),
    readReplica: Boolean(pick("ReadReplica")),
    redisNodeType:
      answers.cableAdapter === "redis" ? String(pick("RedisNodeType")) : false,
    names: environmentNames(answers.appName, name),
  };
}

function environmentNames(app: string, env: EnvironmentName): EnvironmentNames {
  return {
    stackPrefix: `${app}-${env}`,
    autoScalingGroup: `${app}-${env}-web`,
    releaseBucketParameter: `/${app}/${env}/release-bucket`,
    currentReleaseParameter: `/${app}/${env}/current-release`,
    deployLockParameter: `/${app}/${env}/deploy-lock`,
    secretKeyBaseSecret: `${app}/${env}/secret-key-base`,
    deployRole: `${app}-${env}-github-deploy`,
    cloudFormationRole: `${app}-${env}-cloudformation`,
    githubEnvironment: env,
  };
}

export function deriveContext(answers: Answers): Context {
  const environments = ENVIRONMENTS.filter((name) =>
    answers.environments.includes(name),
  ).map((name) => environmentContext(answers, name));
  const byName = (name: EnvironmentName) =>
    environments.find((env) => env.name === name) ?? false;
  return {
    app: {
      name: answers.appName,
      deployUser: "deploy",
      envFile: `/etc/${answers.appName}/env`,
      units: {
        web: `${answers.appName}-web.service`,
        jobs: `${answers.appName}-jobs.service`,
        target: `${answers.appName}.target`,
      },
      unitsDir: "config/systemd",
      installUnitsScript: `/usr/local/sbin/${answers.appName}-install-units`,
      deployRoleMaxSessionSeconds: DEPLOY_ROLE_MAX_SESSION_SECONDS,
      port: 3000,
      healthPath: "/health",
      dbName: answers.appName.replaceAll("-", "_"),
      module: moduleName(answers.appName),
      domain: answers.domain,
      githubRepository: answers.githubRepository,
      repoUrl: `https://github.com/${answers.githubRepository}.git`,
      alertEmail: answers.alertEmail,
      rubyVersion: answers.rubyVersion,
      deployPath: `/var/www/${answers.appName}`,
    },
    environments,
    production: byName("production"),
    staging: byName("staging"),
    primaryRegion: environments[0]!.region,
    redis: answers.cableAdapter === "redis",
    bastion: answers.shellAccess === "bastion",
    natPerAz: answers.natGateways === "per-az",
    cpuTarget: answers.cpuTarget,
    puma: { workers: answers.pumaWorkers, threads: answers.pumaThreads },
    jobs: { threads: answers.jobThreads },
    postgres: {
      version: POSTGRES_VERSION,
      image: `postgres:${POSTGRES_VERSION}`,
    },
    redisImage: `redis:${REDIS_VERSION}`,
  };
}
