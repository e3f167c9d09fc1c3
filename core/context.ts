// Derives, from validated answers, everything the templates read. Templates do no arithmetic:
// a figure or a choice they need is computed here, once.
import { purchaseSplit, type PurchaseSplit } from "./capacity.js";
import { cfnLint, dbMaxConnections, instanceType } from "./data.js";
import {
  connectionsPerInstance,
  settings,
  ENVIRONMENTS,
  type Answers,
  type EnvironmentName,
} from "./settings.js";

const POSTGRES_VERSION = "17";
const REDIS_VERSION = "7";
/** Four hours: a rolling replacement of many instances outlasts the default hour. */
export const DEPLOY_ROLE_MAX_SESSION_SECONDS = 14400;
/** CloudFront only takes certificates issued in us-east-1, whatever the stacks' region. */
const EDGE_REGION = "us-east-1";

/**
 * HTTP keep-alive between the load balancer and Puma. The load balancer reuses an idle
 * connection to an instance until its idle timeout; if Puma closed it first (its
 * persistent_timeout), the next request sent down it fails with a 502. So Puma must keep an idle
 * connection open longer than the load balancer does, as AWS's ALB guide asks of targets. The
 * load balancer's timeout also ends a client's idle connection: Action Cable pings every 3 s, so
 * a live WebSocket is never idle that long.
 */
const KEEP_ALIVE = {
  /** The ALB's idle_timeout.timeout_seconds (the cloudformation part). */
  loadBalancerIdleSeconds: 60,
  /** Puma's persistent_timeout (config/puma.rb): longer than the load balancer's. */
  pumaPersistentSeconds: 75,
} as const;

/** Stacks of one environment, in deploy order: each imports the exports of those before it. */
const ENVIRONMENT_STACKS = ["deploy", "edge", "network", "data", "app"];

/**
 * Sizes the CloudFormation templates create and the cost estimate prices: one figure for both,
 * so the estimate cannot drift from what is deployed.
 */
const SIZES = {
  /** The app instances' root volume (gp3). */
  rootVolumeGb: 30,
  /** The database's storage at creation; storage autoscaling grows it. */
  dbStorageGb: 20,
  bastionInstanceType: "t3.micro",
  bastionVolumeGb: 8,
} as const;

/**
 * What the deploy (Capistrano and the systemd units) assumes of an instance, beyond the names
 * of EnvironmentNames. The cloudformation part's user data provides exactly this.
 */
export interface InstanceContract {
  /**
   * Ruby's install prefix: the user data builds Ruby with ruby-build into /usr/local, on the
   * PATH of the services, of the deploy's SSH sessions and of sudo. Outside /home, which the
   * units hide (ProtectHome=).
   */
  rubyPrefix: string;
  /**
   * Release directories linked to shared/, by Capistrano's linked_dirs and on a new instance by
   * the user data: Bundler's project config is shared too, as capistrano-bundler recommends;
   * capistrano-rails adds public/assets by itself.
   */
  linkedDirs: string[];
  /** The linked dirs that the services write to: ReadWritePaths= under ProtectSystem=strict. */
  writableLinkedDirs: string[];
  /**
   * How the deploy finds the bastion when shellAccess is `bastion`: the running instance, and
   * the security group, tagged app=<app>, environment=<env> and role=<this>. The deploy jumps
   * through it as the deploy user, with the same pushed key.
   */
  bastionRoleTag: string;
  /** The release tree under app.deployPath. */
  current: string;
  shared: string;
}

export interface EnvironmentContext extends PurchaseSplit {
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
  /** Stacks to deploy, in order: `edge` only with a CDN. */
  stacks: string[];
  /**
   * Whether compiled assets are served by CloudFront: staging goes without a distribution to
   * save its cost; production has one.
   */
  cdn: boolean;
  /** The CloudFront host of compiled assets, or "" without a CDN. */
  assetHost: string;
  /** Sender of the app's mail: an address of the SES identity of the environment's host. */
  mailFrom: string;
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
  /** ElastiCache nodes: two with Multi-AZ (a replica in the other zone), else one. */
  redisNodes: number;
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
  /** CloudWatch log groups the instances' agent ships to. */
  systemLogGroup: string;
  bootstrapLogGroup: string;
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
  /** Whether any environment has a CDN: the edge template and CloudFront resources exist. */
  anyCdn: boolean;
  /** The account-level stack (GitHub's OIDC provider), deployed once per account. */
  accountStack: string;
  edgeRegion: string;
  /** Average instance CPU that raises an alarm: above the scaling target, so scaling acts first. */
  cpuAlarmThreshold: number;
  sizes: typeof SIZES;
  instance: InstanceContract;
  production: EnvironmentContext | false;
  staging: EnvironmentContext | false;
  redis: boolean;
  bastion: boolean;
  natPerAz: boolean;
  cpuTarget: number;
  puma: { workers: number; threads: number };
  jobs: { threads: number };
  postgres: { version: string; image: string };
  redisImage: string;
  keepAlive: typeof KEEP_ALIVE;
  /**
   * cfn-lint (data/cfn-lint.json): the generated CI runs this version, and the templates ignore
   * only findings verified wrong with it.
   */
  cfnLintVersion: string;
}

function moduleName(appName: string): string {
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
  const host =
    name === "production" ? answers.domain : `${name}.${answers.domain}`;
  const ubuntuArch = instanceType(type).arch === "arm64" ? "arm64" : "amd64";
  const multiAz = Boolean(pick("MultiAz"));
  const dbMax = dbMaxConnections(dbClass);
  const cdn = name === "production";
  return {
    name,
    isProduction: name === "production",
    region: String(pick("Region")),
    host,
    instanceType: type,
    ubuntuArch,
    asgMin,
    asgMax,
    scales: asgMax > asgMin,
    capacity,
    ...purchaseSplit(capacity, asgMin, asgMax),
    dbClass,
    dbMaxConnections: dbMax,
    dbConnectionsAtMax: asgMax * connectionsPerInstance(answers),
    multiAz,
    backupDays: Number(pick("BackupDays")),
    readReplica: Boolean(pick("ReadReplica")),
    redisNodeType:
      answers.cableAdapter === "redis" ? String(pick("RedisNodeType")) : false,
    names: environmentNames(answers.appName, name),
    stacks: ENVIRONMENT_STACKS.filter((stack) => stack !== "edge" || cdn),
    cdn,
    assetHost: cdn ? `assets.${host}` : "",
    mailFrom: `no-reply@${host}`,
    amiParameter: `/aws/service/canonical/ubuntu/server/22.04/stable/current/${ubuntuArch}/hvm/ebs-gp2/ami-id`,
    groupMaxSize: asgMax > asgMin ? asgMax : asgMax + 1,
    dbConnectionsAlarm: Math.floor(dbMax * 0.8),
    logRetentionDays: name === "production" ? 90 : 30,
    redisNodes: multiAz ? 2 : 1,
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
    systemLogGroup: `/${app}-${env}/system`,
    bootstrapLogGroup: `/${app}-${env}/bootstrap`,
  };
}

export function deriveContext(answers: Answers): Context {
  const environments = ENVIRONMENTS.filter((name) =>
    answers.environments.includes(name),
  ).map((name) => environmentContext(answers, name));
  const byName = (name: EnvironmentName) =>
    environments.find((env) => env.name === name) ?? false;
  const deployPath = `/var/www/${answers.appName}`;
  // Not asked when no group scales; the CPU alarm still reads it.
  const cpuTarget =
    answers.cpuTarget ?? settings.cpuTarget.default({}, { folderName: "" });
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
      deployPath,
    },
    environments,
    anyCdn: environments.some((env) => env.cdn),
    accountStack: `${answers.appName}-account`,
    edgeRegion: EDGE_REGION,
    cpuAlarmThreshold: Math.min(cpuTarget + 15, 95),
    sizes: SIZES,
    instance: {
      rubyPrefix: "/usr/local",
      linkedDirs: ["log", "tmp", "storage", "node_modules", ".bundle"],
      writableLinkedDirs: ["log", "tmp", "storage"],
      bastionRoleTag: "bastion",
      current: `${deployPath}/current`,
      shared: `${deployPath}/shared`,
    },
    production: byName("production"),
    staging: byName("staging"),
    redis: answers.cableAdapter === "redis",
    bastion: answers.shellAccess === "bastion",
    natPerAz: answers.natGateways === "per-az",
    cpuTarget,
    puma: { workers: answers.pumaWorkers, threads: answers.pumaThreads },
    jobs: { threads: answers.jobThreads },
    postgres: {
      version: POSTGRES_VERSION,
      image: `postgres:${POSTGRES_VERSION}`,
    },
    redisImage: `redis:${REDIS_VERSION}`,
    keepAlive: KEEP_ALIVE,
    cfnLintVersion: cfnLint.version,
  };
}
