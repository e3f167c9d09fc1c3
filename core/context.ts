// Derives, from validated answers, everything the templates read. Templates do no arithmetic:
// a figure or a choice they need is computed here, once.
import {
  cfnLint,
  dbMaxConnections,
  instanceType,
  instanceTypes,
  prices,
  regions,
} from "./data.js";
import type { ExistingApp } from "./onboarding/detect.js";
import {
  fitApp,
  NEW_APP_FIT,
  solidCableRuns,
  stackWords,
  type DevProcess,
  type JobsWorker,
  type Uses,
} from "./onboarding/fit.js";
import { purchaseSplit, type PurchaseSplit } from "./capacity.js";
import {
  connectionsPerInstance,
  settings,
  ENVIRONMENTS,
  GITHUB_IDS_COMMAND,
  groupMaxSize as groupMaxSizeOf,
  isPlaceholderRepository,
  moduleName,
  replacementCron,
  UBUNTU_RELEASES,
  WEEKDAYS,
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

/**
 * How long a stopping Puma waits for a worker before killing it (worker_shutdown_timeout; Puma's
 * default is 30 s, as long as systemd's TimeoutStopSec). A worker stops by finishing its requests
 * in flight, which takes a second or two. But under Ruby 3.3 (3.3.8 measured; later releases not
 * known) a worker that has finished them can hang for ever closing its own pipe: the master
 * repeats TERM every 0.2 s, the worker's TERM trap writes to that pipe, and Ruby's IO#close can
 * miss the wake-up (3 of 30 restarts on an e2e host; a ten-line script, 7 of 50). Each such
 * restart took 30 s. A request still running after this long is cut.
 */
const PUMA_WORKER_SHUTDOWN_SECONDS = 10;

/**
 * How an Auto Scaling group's instances are replaced (a rolling update). A new instance builds
 * Ruby at boot, about 15 minutes: it has this long to signal success.
 */
const ROLLOUT = {
  signalTimeoutMinutes: 25,
  /** Share of the group's maximum replaced at once: about four batches, whatever its size. */
  batchShareOfMax: 0.25,
} as const;

/** Stacks of one environment, in deploy order: each imports the exports of those before it. */
const ENVIRONMENT_STACKS = [
  "deploy",
  "edge",
  "network",
  "backup-vault",
  "data",
  "app",
  "monitoring",
];

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
  /**
   * The last part of the SSM parameter `/<app>/<env>/<this>` where the bastion publishes its SSH
   * host keys when it boots: the deploy checks the bastion it connects to against them.
   */
  bastionHostKeysParameter: string;
  /**
   * The apt configuration of unattended-upgrades the user data writes: after the image's own
   * (20auto-upgrades, 50unattended-upgrades), so that its values win.
   */
  unattendedUpgradesConfig: string;
  /**
   * needrestart's configuration that keeps it from restarting the app's services after an update
   * (Perl, as needrestart reads it): a restart outside a deploy is not health-checked.
   */
  needrestartConfig: string;
  needrestartOverride: string;
  /** The release tree under app.deployPath. */
  current: string;
  shared: string;
}

export interface EnvironmentContext extends PurchaseSplit {
  name: EnvironmentName;
  isProduction: boolean;
  region: string;
  /** The AWS account the environment's stacks live in, or "" for whichever bin/infra runs in. */
  accountId: string;
  /** The host the environment answers on. */
  host: string;
  instanceType: string;
  /**
   * Up to three more types for the group, each one more spot pool per zone: the same
   * architecture and vCPUs, at least the memory and at most twice it, no dearer than twice
   * the answered type on demand, burstable only if it is; cheapest first, "" for a slot
   * left empty.
   */
  otherInstanceTypes: string[];
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
  /** Region of the vault the database's daily AWS Backup copies go to, or "" for no copy. */
  backupCopyRegion: string;
  readReplica: boolean;
  /** ElastiCache node type, or false without redis. */
  redisNodeType: string | false;
  /** Names that several parts must agree on (CloudFormation creates, the deploy reads). */
  names: EnvironmentNames;
  /** Stacks to deploy, in order: `edge` only with a CDN, `backup-vault` only with a backup copy. */
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
  /**
   * Canonical's public SSM parameter of the current AMI of the answered Ubuntu release for the
   * instance type's architecture. bin/infra reads it once, for a new app stack or on request:
   * the stack keeps the AMI id it was given.
   */
  imageParameter: string;
  /** Instances a rolling update replaces at once. */
  rollingBatchSize: number;
  /**
   * The group's MaxSize. A fixed-size group (min = max) gets one more than the answered
   * maximum, used only by the rolling update to launch a replacement before it terminates an
   * old instance: CloudFormation needs MinInstancesInService < MaxSize to keep capacity.
   */
  groupMaxSize: number;
  /** Alarm when the database holds more than 80 % of its max_connections. */
  dbConnectionsAlarm: number;
  /** Days the logs are kept: log groups, the database's exported logs, the access logs. */
  logRetentionDays: number;
  /**
   * Elastic Load Balancing's account that writes access logs in the region, or "" where its
   * service principal does (regions opened from August 2022).
   */
  elbLogAccount: string;
  /** Whether CloudFront's standard logs reach the log bucket: a CDN, and not an opt-in region, where CloudFront delivers none. */
  cdnAccessLogs: boolean;
  /** ElastiCache nodes: two with Multi-AZ (a replica in the other zone), else one. */
  redisNodes: number;
  /** A NAT gateway in each zone, rather than one for both. */
  natPerAz: boolean;
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
  /** SSM parameter holding the S3 key of the release instances serve: created and set by the deploy, owned by no stack. */
  currentReleaseParameter: string;
  /** SSM parameter a deploy creates while it runs, so that a second deploy is refused (no CloudFormation resource). */
  deployLockParameter: string;
  /** Secrets Manager name of the app's secret_key_base. */
  secretKeyBaseSecret: string;
  /** IAM role the GitHub workflows assume through OIDC for this environment. */
  deployRole: string;
  /** IAM role pull requests assume to preview change sets of this environment: it cannot execute them. */
  planRole: string;
  /** IAM role CloudFormation itself acts as (passed with --role-arn), so the deploy role stays narrow. */
  cloudFormationRole: string;
  /** GitHub environment name (deploy jobs, and the OIDC subject the role trusts). */
  githubEnvironment: string;
  /** CloudWatch log groups the instances' agent ships to. */
  systemLogGroup: string;
  bootstrapLogGroup: string;
}

/** Which GitHub OIDC tokens the roles trust. */
export interface GitHubTrust {
  /**
   * The subject claim up to its event: `repo:OWNER@OWNER_ID/NAME@REPO_ID` (the immutable form)
   * or `repo:OWNER/NAME` (the legacy one). The roles append `:environment:<env>` or `:pull_request`.
   */
  subject: string;
  /** The numeric IDs, also checked as the token's own claims; "" when not given. */
  ownerId: string;
  repositoryId: string;
  /** Why the subject names no real repository, and how to set one; "" when it does. */
  placeholder: string;
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
    /** Whether the database answers (JSON, 503 when not): the instance's metrics read it, never the load balancer. */
    databaseHealthPath: string;
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
  githubTrust: GitHubTrust;
  /** Whether any environment has a CDN: the edge template and CloudFront resources exist. */
  anyCdn: boolean;
  /** Whether an environment copies its database backups to another region. */
  anyBackupCopy: boolean;
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
  cpuTarget: number;
  puma: { workers: number; threads: number; workerShutdownSeconds: number };
  /**
   * The jobs service: its threads, the worker it runs (the app's Active Job backend), and whether
   * the repo has that worker (not an app left without Solid Queue: too old a Rails, no PostgreSQL).
   */
  jobs: { threads: number; worker: JobsWorker; runs: boolean };
  /** What the generated files may assume of the app: everything in a new app (core/onboarding/fit.ts). */
  uses: Uses;
  /** The Solid gems and databases the repo has, in the generated docs' words. */
  stack: ReturnType<typeof stackWords>;
  /** How CI runs the app's tests (RSpec's in an app that has them). */
  testCommand: string;
  /** The asset watchers bin/dev runs beside Rails (Procfile.dev): the app's own. */
  devProcesses: DevProcess[];
  /** An existing app being onboarded: what was found in it and what could not be adapted. */
  onboarding: { detected: string[]; notAdapted: string[] } | false;
  postgres: { version: string; image: string };
  redisImage: string;
  keepAlive: typeof KEEP_ALIVE;
  rollout: typeof ROLLOUT;
  /**
   * The instances' Ubuntu release: its version, end of standard support and package names, and
   * the newest release when this is not it.
   */
  ubuntu: UbuntuRelease & { newer: UbuntuRelease | false };
  /**
   * When the infrastructure workflow replaces every instance with one of Canonical's newest
   * image: the answer (`tue 09:30`, in UTC) and its cron expression, or false when off.
   */
  instanceReplacement:
    { window: string; cron: string; day: string; time: string } | false;
  /**
   * cfn-lint (data/cfn-lint.json): the generated CI runs this version, and the templates ignore
   * only findings verified wrong with it.
   */
  cfnLintVersion: string;
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
  const region = String(pick("Region"));
  const regionData = regions.find((known) => known.code === region)!;
  const ubuntu = ubuntuRelease(answers);
  const groupMaxSize = groupMaxSizeOf(asgMin, asgMax);
  const copyAnswer = String(pick("BackupCopyRegion") ?? "none");
  const backupCopyRegion = copyAnswer === "none" ? "" : copyAnswer;
  return {
    name,
    isProduction: name === "production",
    region,
    accountId: String(pick("AccountId")),
    host,
    instanceType: type,
    otherInstanceTypes: otherInstanceTypes(type),
    ubuntuArch,
    asgMin,
    asgMax,
    scales: asgMax > asgMin,
    capacity,
    ...purchaseSplit(capacity, asgMin, asgMax),
    dbClass,
    dbMaxConnections: dbMax,
    dbConnectionsAtMax: groupMaxSize * connectionsPerInstance(answers),
    multiAz,
    backupDays: Number(pick("BackupDays")),
    backupCopyRegion,
    readReplica: Boolean(pick("ReadReplica")),
    redisNodeType:
      answers.cableAdapter === "redis" ? String(pick("RedisNodeType")) : false,
    names: environmentNames(answers.appName, name),
    stacks: ENVIRONMENT_STACKS.filter(
      (stack) =>
        (stack !== "edge" || cdn) &&
        (stack !== "backup-vault" || backupCopyRegion !== ""),
    ),
    cdn,
    assetHost: cdn ? `assets.${host}` : "",
    mailFrom: `no-reply@${host}`,
    imageParameter: `/aws/service/canonical/ubuntu/server/${ubuntu.version}/stable/current/${ubuntuArch}/hvm/${ubuntu.imageVolume}/ami-id`,
    groupMaxSize,
    rollingBatchSize: Math.max(
      1,
      Math.ceil(groupMaxSize * ROLLOUT.batchShareOfMax),
    ),
    dbConnectionsAlarm: Math.floor(dbMax * 0.8),
    logRetentionDays: name === "production" ? 90 : 30,
    elbLogAccount: regionData.elbLogAccount ?? "",
    cdnAccessLogs: cdn && !regionData.optIn,
    redisNodes: multiAz ? 2 : 1,
    natPerAz:
      answers.natGateways === "per-az" ||
      (answers.natGateways === "per-az-in-production" && name === "production"),
  };
}

function githubTrust(answers: Answers): GitHubTrust {
  const [owner, name] = answers.githubRepository.split("/");
  const { githubOwnerId: ownerId, githubRepositoryId: repositoryId } = answers;
  const legacy = answers.githubOidcSubject === "legacy";
  const subject = legacy
    ? `repo:${owner}/${name}`
    : `repo:${owner}@${ownerId || "OWNER_ID"}/${name}@${repositoryId || "REPOSITORY_ID"}`;
  const placeholder = isPlaceholderRepository(answers.githubRepository)
    ? `the deploy roles trust ${answers.githubRepository}, a placeholder: set the repository and its IDs with \`rails-aws --github-repository OWNER/NAME --github-owner-id ID --github-repository-id ID\` (${GITHUB_IDS_COMMAND} prints the IDs)`
    : !legacy && !repositoryId
      ? `the deploy roles trust ${subject}, a placeholder: set the IDs with \`rails-aws --github-owner-id ID --github-repository-id ID\` (\`gh api repos/${answers.githubRepository} --jq '.owner.id, .id'\` prints them), or --github-oidc-subject legacy for a repository created before 15 July 2026 that has not opted in to immutable subjects`
      : "";
  return { subject, ownerId, repositoryId, placeholder };
}

const OTHER_INSTANCE_TYPES = 3;

function otherInstanceTypes(answered: string): string[] {
  const type = instanceType(answered);
  const price = (name: string) => prices.ec2Hourly[name];
  const ceiling = 2 * price(answered)!;
  const others = instanceTypes
    .filter(
      (other) =>
        other.type !== answered &&
        other.arch === type.arch &&
        // Burstable only if the answered type is: one that does not burst would bill the
        // CPU above its baseline.
        (type.baselineCpuPercent !== undefined ||
          other.baselineCpuPercent === undefined) &&
        other.vcpus === type.vcpus &&
        other.memoryGiB >= type.memoryGiB &&
        other.memoryGiB <= 2 * type.memoryGiB &&
        (price(other.type) ?? Infinity) <= ceiling,
    )
    .sort((a, b) => price(a.type)! - price(b.type)!)
    .slice(0, OTHER_INSTANCE_TYPES)
    .map((other) => other.type);
  // One per template parameter; "" leaves a parameter's slot empty.
  return [...others, "", "", ""].slice(0, OTHER_INSTANCE_TYPES);
}

type UbuntuRelease = (typeof UBUNTU_RELEASES)[number];

function ubuntuRelease(answers: Answers): UbuntuRelease {
  return UBUNTU_RELEASES.find(
    (release) => release.version === answers.ubuntuRelease,
  )!;
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
    planRole: `${app}-${env}-github-plan`,
    cloudFormationRole: `${app}-${env}-cloudformation`,
    githubEnvironment: env,
    systemLogGroup: `/${app}-${env}/system`,
    bootstrapLogGroup: `/${app}-${env}/bootstrap`,
  };
}

/** The context of a run; `existingApp` is the app being onboarded, when there is one. */
export function deriveContext(
  answers: Answers,
  existingApp?: ExistingApp,
): Context {
  const fit = existingApp ? fitApp(existingApp, answers) : NEW_APP_FIT;
  const environments = ENVIRONMENTS.filter((name) =>
    answers.environments.includes(name),
  ).map((name) => environmentContext(answers, name));
  const byName = (name: EnvironmentName) =>
    environments.find((env) => env.name === name) ?? false;
  const deployPath = `/var/www/${answers.appName}`;
  const uses: Uses = {
    ...fit.uses,
    solidCable:
      fit.uses.solidCable &&
      answers.cableAdapter === "solid_cable" &&
      solidCableRuns(answers.rubyVersion),
  };
  // Not asked when no group scales; the CPU alarm still reads it.
  const cpuTarget =
    answers.cpuTarget ?? settings.cpuTarget.default({}, { folderName: "" });
  const units = {
    web: `${answers.appName}-web.service`,
    jobs: `${answers.appName}-jobs.service`,
    target: `${answers.appName}.target`,
  };
  return {
    app: {
      name: answers.appName,
      deployUser: "deploy",
      envFile: `/etc/${answers.appName}/env`,
      units,
      unitsDir: "config/systemd",
      installUnitsScript: `/usr/local/sbin/${answers.appName}-install-units`,
      deployRoleMaxSessionSeconds: DEPLOY_ROLE_MAX_SESSION_SECONDS,
      port: 3000,
      healthPath: "/health",
      databaseHealthPath: "/health/db",
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
    githubTrust: githubTrust(answers),
    anyCdn: environments.some((env) => env.cdn),
    anyBackupCopy: environments.some((env) => env.backupCopyRegion !== ""),
    accountStack: `${answers.appName}-account`,
    edgeRegion: EDGE_REGION,
    cpuAlarmThreshold: Math.min(cpuTarget + 15, 95),
    sizes: SIZES,
    instance: {
      rubyPrefix: "/usr/local",
      linkedDirs: ["log", "tmp", "storage", "node_modules", ".bundle"],
      writableLinkedDirs: ["log", "tmp", "storage"],
      bastionRoleTag: "bastion",
      bastionHostKeysParameter: "bastion-host-keys",
      unattendedUpgradesConfig: `/etc/apt/apt.conf.d/52${answers.appName}-unattended-upgrades`,
      needrestartConfig: `/etc/needrestart/conf.d/${answers.appName}.conf`,
      // Unit names are letters, digits, hyphens and dots: only the dots need escaping.
      needrestartOverride: `$nrconf{override_rc}{qr(^(${[units.web, units.jobs].map((unit) => unit.replaceAll(".", "\\.")).join("|")})$)} = 0;`,
      current: `${deployPath}/current`,
      shared: `${deployPath}/shared`,
    },
    production: byName("production"),
    staging: byName("staging"),
    redis: answers.cableAdapter === "redis",
    bastion: answers.shellAccess === "bastion",
    cpuTarget,
    puma: {
      workers: answers.pumaWorkers,
      threads: answers.pumaThreads,
      workerShutdownSeconds: PUMA_WORKER_SHUTDOWN_SECONDS,
    },
    jobs: {
      threads: answers.jobThreads,
      worker: fit.worker,
      runs: uses.solidQueue || fit.worker.adapter !== "solid_queue",
    },
    uses,
    stack: stackWords(uses, answers.cableAdapter === "redis"),
    testCommand: fit.testCommand,
    devProcesses: fit.devProcesses,
    onboarding: existingApp
      ? { detected: fit.detected, notAdapted: fit.notAdapted }
      : false,
    postgres: {
      version: POSTGRES_VERSION,
      image: `postgres:${POSTGRES_VERSION}`,
    },
    redisImage: `redis:${REDIS_VERSION}`,
    keepAlive: KEEP_ALIVE,
    rollout: ROLLOUT,
    ubuntu: {
      ...ubuntuRelease(answers),
      newer:
        ubuntuRelease(answers) === UBUNTU_RELEASES[0]
          ? false
          : UBUNTU_RELEASES[0],
    },
    instanceReplacement: instanceReplacement(answers.instanceReplacement),
    cfnLintVersion: cfnLint.version,
  };
}

function instanceReplacement(window: string): Context["instanceReplacement"] {
  const cron = replacementCron(window);
  if (cron === false) return false;
  const [day, time] = window.split(" ") as [string, string];
  const [, name] = WEEKDAYS.find(([short]) => short === day)!;
  return { window, cron, day: name, time };
}
