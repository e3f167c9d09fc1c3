// Every setting of the generator, defined once. Prompts, CLI flags, --answers parsing, validation,
// `--help` and docs/answers.md are all derived from this file.
import {
  backupCopyPrices,
  cacheNodeTypes,
  dbClasses,
  dbMaxConnections,
  instanceType,
  instanceTypes,
  monthlyPrice,
  offeredRegions,
  prices,
  processMemory,
  regionPrices,
  regions,
  reservedAppNames,
  rubyVersions,
} from "./data.js";
import {
  instancesMonthly,
  instanceTypeProblem,
  WORKERS_PER_VCPU,
} from "./capacity.js";
import type { ExistingApp } from "./onboarding/detect.js";
import { needsRedis } from "./onboarding/fit.js";

/**
 * data/ruby-versions.json lists the releases from 3.2.0 on (Rails 8 needs Ruby 3.2), each with the
 * SHA-256 of its source, which the instances check before building it. Solid Cable 4
 * needs 3.3: on 3.2, Action Cable uses PostgreSQL's own adapter (core/onboarding/fit.ts).
 */
const newestPerSeries = [
  ...new Map(
    rubyVersions.map((v) => [v.split(".").slice(0, 2).join("."), v]),
  ).values(),
];
const RUBY_VERSIONS_ALLOWED = `a Ruby release from ${rubyVersions[0]} on whose source checksum the generator knows (up to ${newestPerSeries.join(", ")}), as X.Y.Z, or X.Y for the newest X.Y.Z; a newer release needs its SHA-256 added to the generator's data/ruby-versions.json`;

/** `3.4` → the newest 3.4.x the data lists; anything else as given. */
function newestOfSeries(raw: string): string {
  if (!/^\d+\.\d+$/.test(raw)) return raw;
  return newestPerSeries.find((v) => v.startsWith(`${raw}.`)) ?? raw;
}

export const ENVIRONMENTS = ["production", "staging"] as const;
export type EnvironmentName = (typeof ENVIRONMENTS)[number];

/** What a default may depend on besides earlier answers. */
export interface Facts {
  folderName: string;
  /** `owner/name` of the destination's git remote, when it has one on GitHub. */
  gitHubRemote?: string;
  /** What an existing Rails app in the destination already says. */
  appName?: string;
  rubyVersion?: string;
  /** What an existing Rails app (one the generator did not write) is: core/onboarding/detect.ts. */
  existingApp?: ExistingApp;
}

type Kind =
  | {
      kind: "text";
      pattern: RegExp;
      allowed: string;
      /** Writes a value the way the pattern wants it, when it means the same (case, a URL). */
      normalize?: (raw: string) => string;
      /** A valid value close to an invalid one, offered in the error. */
      suggest?: (raw: string) => string | undefined;
    }
  | { kind: "integer"; min: number; max: number }
  | { kind: "boolean" }
  | {
      kind: "choice";
      choices: readonly string[];
      allowed?: string;
      /** One line on a choice, for the prompt that offers it: what it is, what it costs. */
      describe?: (choice: string, answers: PartialAnswers) => string;
    }
  | { kind: "list"; choices: readonly string[] };

/** A text setting's kind, named where a rule keeps TypeScript from inferring it. */
type TextKind = Extract<Kind, { kind: "text" }>;

type ValueOfKind<K extends Kind> = K extends { kind: "integer" }
  ? number
  : K extends { kind: "boolean" }
    ? boolean
    : K extends { kind: "list" }
      ? string[]
      : string;

export type Value = string | number | boolean | string[];
export type PartialAnswers = Record<string, Value | undefined>;

export type Setting<V extends Value = Value> = Kind & {
  prompt: string;
  help: string;
  /** The default in words, where it depends on earlier answers or the destination. */
  defaultText?: string;
  /** The default, from earlier answers; `undefined` makes the setting required. */
  default: (answers: PartialAnswers, facts: Facts) => V | undefined;
  /** Whether the setting applies, given earlier answers; it is neither asked nor stored otherwise. */
  when?: (answers: PartialAnswers) => boolean;
  /** A rule beyond the kind's own, often across settings: returns what is allowed when `value` is not. */
  rule?: (value: V, answers: PartialAnswers) => string | undefined;
};

function setting<const K extends Kind>(
  definition: K & Omit<Setting<ValueOfKind<K>>, keyof Kind>,
): K & Setting<ValueOfKind<K>> {
  return definition as K & Setting<ValueOfKind<K>>;
}

const hasEnvironment = (name: EnvironmentName) => (answers: PartialAnswers) =>
  (answers.environments as string[] | undefined)?.includes(name) ?? false;

/** A setting asked once per environment: `production<Suffix>` and `staging<Suffix>`. */
function perEnvironment<S extends string, const K extends Kind>(
  suffix: S,
  make: (
    env: EnvironmentName,
    key: (suffix: string) => string,
  ) => K & Omit<Setting<ValueOfKind<K>>, keyof Kind>,
): Record<`${EnvironmentName}${S}`, K & Setting<ValueOfKind<K>>> {
  const entries = ENVIRONMENTS.map((env) => {
    const made = make(env, (other) => `${env}${other}`);
    const when = (answers: PartialAnswers) =>
      hasEnvironment(env)(answers) && (made.when?.(answers) ?? true);
    return [`${env}${suffix}`, setting({ ...made, when })];
  });
  return Object.fromEntries(entries) as Record<
    `${EnvironmentName}${S}`,
    K & Setting<ValueOfKind<K>>
  >;
}

/** The Rails application module, e.g. `BoardApp` for `board-app`. */
export function moduleName(appName: string): string {
  return appName
    .split("-")
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

/**
 * 30 characters: the longest AWS name made of it, `<app>-production-database-log-retention` (a
 * Lambda function and an IAM role), must fit in 64.
 */
const APP_NAME_MAX = 30;

function slugify(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .replace(/-+$/, "")
    .slice(0, APP_NAME_MAX - 4)
    .replace(/-+$/, "");
  // An app name has at least two characters: a one-letter folder `a` gives `a-app`; a folder
  // named as Rails refuses (`test`, `rails`) gives `test-app`.
  const appName = slug.length >= 2 ? slug : `${slug || "my"}-app`;
  return isReservedAppName(appName) ? `${appName}-app` : appName;
}

/** As rails new refuses it: its module (Object, Rails) would be reopened, not made. */
function isReservedAppName(name: string): boolean {
  return (
    reservedAppNames.reservedNames.includes(name) ||
    reservedAppNames.constants.includes(moduleName(name))
  );
}

/** The owner of the repository the generator assumes when it knows no better. */
export const PLACEHOLDER_GITHUB_OWNER = "your-org";

export function isPlaceholderRepository(repository: unknown): boolean {
  return String(repository).startsWith(`${PLACEHOLDER_GITHUB_OWNER}/`);
}

export const GITHUB_IDS_COMMAND =
  "`gh api repos/OWNER/NAME --jq '.owner.id, .id'`";

/** A numeric GitHub ID, empty until known (the trust then names a placeholder). */
function githubId(definition: {
  of: "owner" | "repository";
  help: string;
  rule: (value: string, answers: PartialAnswers) => string | undefined;
}) {
  return setting({
    kind: "text",
    pattern: /^(?:[1-9][0-9]{0,19})?$/,
    allowed: `empty, or the numeric ID of the ${definition.of === "owner" ? "repository's owner" : "repository"} (digits only, no leading zero)`,
    prompt: `GitHub ${definition.of} ID (numeric; empty if not known yet)`,
    help: definition.help,
    defaultText: "none: bin/infra refuses to deploy until it is set",
    default: () => "",
    rule: definition.rule,
  });
}

/** `https://github.com/me/app(.git)`, `git@github.com:me/app.git` and `me/app` → `me/app`. */
function gitHubOwnerAndName(raw: string): string {
  const match = raw.match(
    /^(?:https?:\/\/(?:www\.)?github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([^/\s]+\/[^/\s]+?)(?:\.git)?\/?$/i,
  );
  return match ? match[1]! : raw;
}

/** An email address with its domain in lowercase, as DNS compares it. */
function lowercaseDomain(raw: string): string {
  const at = raw.lastIndexOf("@");
  return at < 0
    ? raw
    : `${raw.slice(0, at)}@${raw.slice(at + 1).toLowerCase()}`;
}

const HOSTNAME_PATTERN =
  "(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}";
const HOSTNAME = new RegExp(`^${HOSTNAME_PATTERN}$`);
const DOMAIN_MAX = 64 - "staging.".length;
/**
 * The addresses CloudWatch alarms can mail: a dot-separated local part of letters, digits and
 * `_ % + -` (no character that means something in YAML, shell or ERB), at most 64 characters,
 * then a DNS name; at most 254 characters in all.
 */
const EMAIL = new RegExp(
  `^(?=.{6,254}$)(?=[^@]{1,64}@)[A-Za-z0-9_%+-]+(\\.[A-Za-z0-9_%+-]+)*@${HOSTNAME_PATTERN.replace("(?=.{4,253}$)", "")}$`,
);

/**
 * The Ubuntu LTS releases the instances may run, newest first (the default): Canonical's
 * standard support ends (ubuntu.com/about/release-cycle), the volume type in the name of their
 * SSM image parameter, and the name of libvips, which 24.04's 64-bit time transition renamed.
 */
export const UBUNTU_RELEASES = [
  {
    version: "24.04",
    standardSupportEnds: "April 2029",
    imageVolume: "ebs-gp3",
    vipsPackage: "libvips42t64",
  },
  {
    version: "22.04",
    standardSupportEnds: "April 2027",
    imageVolume: "ebs-gp2",
    vipsPackage: "libvips42",
  },
] as const;

/** Rails 8.1's databases per environment: primary, cache, queue and cable. */
export const DATABASES_PER_PROCESS = 4;

/** Solid Queue's worker needs two connections beyond its threads (polling and heartbeat). */
export const JOB_EXTRA_CONNECTIONS = 2;
/**
 * Solid Queue's processes beside its worker, on every instance: the supervisor, the dispatcher
 * and the scheduler, each with up to two threads (its loop and its heartbeat) on the queue
 * database.
 */
const QUEUE_SUPPORT_CONNECTIONS = 3 * 2;

/** The connection budget in words, as the rule, --help and the docs state it. */
export const CONNECTION_BUDGET_FORMULA = `the group's largest size (AsgMax, one more for a fixed-size group's rolling update) x (Puma workers x threads x ${DATABASES_PER_PROCESS} databases + (job threads + ${JOB_EXTRA_CONNECTIONS}) x ${DATABASES_PER_PROCESS} databases + ${QUEUE_SUPPORT_CONNECTIONS} for Solid Queue's supervisor, dispatcher and scheduler + ${DATABASES_PER_PROCESS} for a one-off process such as a deploy's db:prepare)`;

/**
 * Connections one instance may open, every pool counted: each Puma thread and each job thread
 * may hold one to each database, the worker two more of its own, Solid Queue's other processes
 * theirs, and a one-off process (a deploy's db:prepare, a console) one to each database.
 */
export function connectionsPerInstance(answers: PartialAnswers): number {
  const workers = Number(answers.pumaWorkers);
  const threads = Number(answers.pumaThreads);
  const jobThreads = Number(answers.jobThreads);
  return (
    workers * threads * DATABASES_PER_PROCESS +
    (jobThreads + JOB_EXTRA_CONNECTIONS) * DATABASES_PER_PROCESS +
    QUEUE_SUPPORT_CONNECTIONS +
    DATABASES_PER_PROCESS
  );
}

/**
 * The most instances a group holds at once: its maximum, or one more for a fixed-size group,
 * whose rolling update launches a replacement before it terminates an old instance.
 */
export function groupMaxSize(asgMin: number, asgMax: number): number {
  return asgMax > asgMin ? asgMax : asgMax + 1;
}

/** A month's price in words: `$30/month`. */
const perMonth = (amount: number) => `$${Math.round(amount)}/month`;

/** A backup copy's prices in words, approximate as its figures are. */
const perGb = (copy: ReturnType<typeof backupCopyPrices>) =>
  `about $${copy.storageGbMonth.toFixed(3)} per GB-month kept there, $${copy.transferGb.toFixed(2)} per GB copied`;

/** The region an environment's prices are quoted in: its answer, else the price list's. */
const regionOf = (answers: PartialAnswers, key: string) =>
  String(answers[key] ?? prices.region);

/** The region of the first environment, for prices of what every environment has. */
const firstRegion = (answers: PartialAnswers) =>
  regionOf(
    answers,
    answers.productionRegion ? "productionRegion" : "stagingRegion",
  );

const instanceTypeNames = instanceTypes.map((t) => t.type);
const dbClassNames = dbClasses.map((c) => c.class);
const LARGEST_DB_BUDGET = Math.max(
  ...dbClassNames.map((c) => dbMaxConnections(c)),
);
const regionCodes = offeredRegions.map((r) => r.code);

function describeRegion(code: string): string {
  const region = regions.find((r) => r.code === code)!;
  return `${region.name}${region.optIn ? "; opt-in: enable it in the account first" : ""}`;
}

/** Long lists from data/ are named by their file and a few examples rather than spelt out. */
const fromData = (
  file: string,
  choices: string[],
  which = `a value listed in data/${file}`,
) =>
  `${which} (${choices.length} choices, such as ${choices.slice(0, 4).join(", ")})`;

/** Only regions where every resource type of the stacks exists: elsewhere a stack would fail. */
const regionsAllowed = fromData(
  "aws-regions.json",
  regionCodes,
  "a region of data/aws-regions.json where every resource type of the stacks exists, per data/cloudformation-resource-types.json",
);

/** The weekdays as cron numbers them (Sunday = 0), and as the docs write them. */
export const WEEKDAYS = [
  ["sun", "Sunday"],
  ["mon", "Monday"],
  ["tue", "Tuesday"],
  ["wed", "Wednesday"],
  ["thu", "Thursday"],
  ["fri", "Friday"],
  ["sat", "Saturday"],
] as const;

/** `off`, or a weekday and a UTC time: `tue 09:30`. */
const REPLACEMENT_WINDOW =
  /^(?:off|(?:sun|mon|tue|wed|thu|fri|sat) (?:[01][0-9]|2[0-3]):[0-5][0-9])$/;

/** `Tuesday 9:30` → `tue 09:30`; `never`, `none` → `off`. */
function suggestReplacementWindow(raw: string): string | undefined {
  const lower = raw.trim().toLowerCase();
  if (["never", "none", "no", "false", "disabled"].includes(lower))
    return "off";
  const match = lower.match(/^([a-z]{3})[a-z]*,?\s*(\d{1,2})(?::|h)?(\d{2})?/);
  if (!match) return undefined;
  const [, day, hour, minute] = match;
  return `${day} ${hour!.padStart(2, "0")}:${minute ?? "00"}`;
}

/**
 * When the infrastructure workflow replaces the instances: a cron expression of GitHub Actions'
 * schedule (in UTC, Sunday = 0), or false when the setting is off.
 */
export function replacementCron(window: string): string | false {
  if (window === "off") return false;
  const [day, time] = window.split(" ");
  const [hour, minute] = time!.split(":").map(Number);
  return `${minute} ${hour} * * ${WEEKDAYS.findIndex(([short]) => short === day)}`;
}

export const settings = {
  appName: setting<TextKind>({
    kind: "text",
    pattern: new RegExp(`^[a-z][a-z0-9-]{0,${APP_NAME_MAX - 2}}[a-z0-9]$`),
    allowed: `2 to ${APP_NAME_MAX} lowercase letters, digits and dashes, starting with a letter and not ending with a dash`,
    prompt: "Application name",
    help: "Names the Rails application, its AWS resources, buckets and deploy folder (/var/www/<name>).",
    defaultText:
      "an existing app's name (config/application.rb), else the folder name, slugified",
    default: (_answers, facts) => facts.appName ?? slugify(facts.folderName),
    suggest: slugify,
    rule: (value: string) =>
      isReservedAppName(value)
        ? `a name other than rails new's reserved names and those whose module (${moduleName(value)}) Ruby or Rails already defines (data/reserved-app-names.json)`
        : undefined,
  }),
  domain: setting<TextKind>({
    kind: "text",
    pattern: HOSTNAME,
    allowed:
      "a DNS name such as example.com: dot-separated labels of letters, digits and dashes, 63 characters at most each",
    // ACM names a certificate by its first name, at most 64 characters: staging.<domain> is one.
    rule: (value: string) =>
      value.length > DOMAIN_MAX
        ? `a domain of at most ${DOMAIN_MAX} characters (this one has ${value.length}): a certificate's name is at most 64, and staging's is staging.<domain>`
        : undefined,
    normalize: (raw) => raw.toLowerCase().replace(/\.$/, ""),
    prompt: "Domain the app is served on (its Route53 hosted zone)",
    help: "Production answers on this domain; staging on staging.<domain>. It must be a Route53 hosted zone in the account.",
    defaultText: "none: required",
    default: () => undefined,
  }),
  githubRepository: setting({
    kind: "text",
    // GitHub's rules: an owner of single dashes between letters and digits, up to 39; a name of
    // letters, digits, `.`, `_` and `-`, up to 100, other than `.` and `..`.
    pattern:
      /^[A-Za-z0-9](?:-?[A-Za-z0-9]){0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/,
    allowed:
      "a GitHub repository as owner/name (owner: up to 39 letters, digits and single dashes between them; name: up to 100 letters, digits, dots, dashes and underscores), or its https:// or git@ address",
    normalize: gitHubOwnerAndName,
    prompt: "GitHub repository (owner/name)",
    help: "The repository the workflows run in and the OIDC deploy role trusts. Defaults to the git remote, else your-org/<app name>.",
    defaultText: "the git remote's owner/name, else your-org/<appName>",
    default: (answers, facts) =>
      facts.gitHubRemote ??
      `${PLACEHOLDER_GITHUB_OWNER}/${String(answers.appName)}`,
  }),
  githubOwnerId: githubId({
    of: "owner",
    help: `The numeric ID of the repository's owner, which GitHub puts in the OIDC token of repositories created from July 2026 on: ${GITHUB_IDS_COMMAND} prints it, then the repository's. Without it the deploy roles trust a placeholder that bin/infra refuses to deploy.`,
    rule: (value, answers) =>
      value !== "" && isPlaceholderRepository(answers.githubRepository)
        ? `an ID only with the repository it belongs to: set --github-repository too (now the placeholder owner ${PLACEHOLDER_GITHUB_OWNER})`
        : undefined,
  }),
  githubRepositoryId: githubId({
    of: "repository",
    help: `The repository's numeric ID: ${GITHUB_IDS_COMMAND} prints the owner's, then this. The deploy roles also check it as the token's repository_id claim, so a deleted and re-created repository of the same name cannot deploy.`,
    // The immutable subject names both: one without the other is a typo, not a choice.
    // Left to the owner ID's own problem when that was refused.
    rule: (value, answers) =>
      answers.githubOwnerId !== undefined &&
      (value === "") !== (answers.githubOwnerId === "")
        ? `both IDs or neither: --github-owner-id is ${answers.githubOwnerId === "" ? "empty" : String(answers.githubOwnerId)}, --github-repository-id ${value === "" ? "empty" : value} (${GITHUB_IDS_COMMAND} prints both)`
        : undefined,
  }),
  githubOidcSubject: setting({
    kind: "choice",
    choices: ["immutable", "legacy"],
    prompt: "Subject claim form of the repository's OIDC tokens",
    help: "immutable: repo:OWNER@OWNER_ID/NAME@REPO_ID:..., which repositories created on github.com from 15 July 2026 on send (older ones after opting in); needs both IDs. legacy: repo:OWNER/NAME:..., for an older repository that has not opted in; a repository deleted and re-created under the same name could then assume the roles unless the IDs are given too.",
    default: () => "immutable",
  }),
  alertEmail: setting({
    kind: "text",
    pattern: EMAIL,
    allowed:
      "an email address such as alerts@example.com: letters, digits, dots and _ % + - before the @, at most 254 characters",
    normalize: lowercaseDomain,
    prompt: "Email address for CloudWatch alarms",
    help: "Subscribed to the alarms' SNS topic; AWS sends a confirmation mail first.",
    defaultText: "alerts@<domain>",
    default: (answers) => `alerts@${String(answers.domain)}`,
  }),
  environments: setting({
    kind: "list",
    choices: ENVIRONMENTS,
    prompt: "Environments",
    help: "Which AWS environments to create: production, staging, or both.",
    default: () => [...ENVIRONMENTS],
  }),
  productionRegion: setting({
    kind: "choice",
    choices: regionCodes,
    allowed: regionsAllowed,
    describe: describeRegion,
    prompt: "AWS region for production",
    help: "Region of production's stacks. CloudFront's certificate is issued in us-east-1 whatever this is.",
    default: () => "us-east-1",
    when: hasEnvironment("production"),
  }),
  stagingRegion: setting({
    kind: "choice",
    choices: regionCodes,
    allowed: regionsAllowed,
    describe: describeRegion,
    prompt: "AWS region for staging",
    help: "Region of staging's stacks. Defaults to production's region.",
    defaultText: "productionRegion, else us-east-1",
    default: (answers) => (answers.productionRegion as string) ?? "us-east-1",
    when: hasEnvironment("staging"),
  }),
  ...perEnvironment("AccountId", (env) => ({
    kind: "text",
    pattern: /^(?:[0-9]{12})?$/,
    allowed:
      "a 12-digit AWS account ID (quoted in YAML, so that leading zeros stay), or empty",
    prompt: `AWS account ID for ${env} (empty: whichever account bin/infra runs in)`,
    help: `The account ${env}'s stacks and roles live in; bin/infra refuses to deploy ${env} elsewhere. One account per environment is the supported layout (infra/README.md); environments that share one are fenced from each other by names and tags only.`,
    defaultText: "none: bin/infra deploys to the account of its credentials",
    default: () => "",
  })),
  ...perEnvironment("InstanceType", (env, key) => ({
    kind: "choice",
    choices: instanceTypeNames,
    allowed: fromData("ec2-instance-types.json", instanceTypeNames),
    describe: (type: string, answers: PartialAnswers) => {
      const { vcpus, memoryGiB, arch } = instanceType(type);
      const region = regionOf(answers, key("Region"));
      return `${vcpus} vCPU, ${memoryGiB} GiB${arch === "arm64" ? ", Graviton" : ""}, ${perMonth(monthlyPrice(prices.ec2Hourly, type, region))} in ${region}`;
    },
    rule: (type: string, answers: PartialAnswers) =>
      instanceTypeProblem(type, Number(answers.pumaWorkers)),
    prompt: `EC2 instance type for ${env}`,
    help: `Instance type of ${env}'s Auto Scaling group. Graviton types (t4g, c7g, m7g, r7g) get the arm64 Ubuntu AMI.`,
    default: () => (env === "production" ? "t3.medium" : "t3.small"),
  })),
  ...perEnvironment("AsgMin", (env) => ({
    kind: "integer",
    min: 1,
    max: 100,
    prompt: `Minimum instances for ${env}`,
    help: `Smallest size of ${env}'s Auto Scaling group, and its on-demand base when spot is used for burst.`,
    default: () => (env === "production" ? 2 : 1),
  })),
  ...perEnvironment("AsgMax", (env, key) => ({
    kind: "integer",
    min: 1,
    max: 100,
    prompt: `Maximum instances for ${env}`,
    help: `Largest size of ${env}'s Auto Scaling group. Equal to the minimum means a fixed size with no scaling policy.`,
    default: () => (env === "production" ? 10 : 1),
    rule: (value: number, answers: PartialAnswers) => {
      // NaN when the minimum or the pool sizes were refused: their own problems say so.
      const min = Number(answers[key("AsgMin")]);
      const perInstance = connectionsPerInstance(answers);
      const most = Number.isNaN(perInstance)
        ? 100
        : Math.min(100, Math.floor(LARGEST_DB_BUDGET / perInstance));
      if ((Number.isNaN(min) || value >= min) && value <= most)
        return undefined;
      const least = Number.isNaN(min)
        ? "1"
        : `${min} (--${flagOf(key("AsgMin"))})`;
      return `a whole number from ${least} to ${most}${most < 100 ? ` (each instance opens ${perInstance} database connections, and the largest database class holds ${LARGEST_DB_BUDGET})` : ""}`;
    },
  })),
  ...perEnvironment("Capacity", (env, key) => ({
    kind: "choice",
    choices: ["on-demand", "spot-burst", "spot"],
    describe: (capacity: string, answers: PartialAnswers) => {
      const group = {
        instanceType: String(answers[key("InstanceType")]),
        region: regionOf(answers, key("Region")),
        capacity,
        asgMin: Number(answers[key("AsgMin")]),
        asgMax: Number(answers[key("AsgMax")]),
      };
      const cost = (running: number) =>
        `$${Math.round(instancesMonthly(group, running))}`;
      const costs =
        group.asgMin === group.asgMax
          ? `${cost(group.asgMin)}/month`
          : `${cost(group.asgMin)}–${cost(group.asgMax)}/month (${group.asgMin}–${group.asgMax})`;
      const what = {
        "on-demand": "all on demand, never interrupted",
        "spot-burst": "the minimum on demand, spot above it",
        spot: "all spot, ~70 % cheaper, may all be interrupted",
      }[capacity];
      return `${what}: ${costs}`;
    },
    prompt: `Purchase option for ${env}'s instances`,
    help: `on-demand: every instance on demand; spot-burst: an on-demand base of the minimum, spot above it; spot: every instance spot (up to ~70 % cheaper, may be interrupted).`,
    default: () => (env === "production" ? "spot-burst" : "spot"),
  })),
  cpuTarget: setting({
    kind: "integer",
    min: 10,
    max: 90,
    prompt: "Target average CPU % for scaling",
    help: "Target tracking keeps the Auto Scaling group's average CPU near this figure; the CPU alarm fires 15 points above it. Asked only when a group can scale (minimum < maximum).",
    default: () => 70,
    // A group whose size is unknown (an invalid answer) may scale: the target is still checked.
    when: (answers: PartialAnswers) =>
      ENVIRONMENTS.some(
        (env) =>
          hasEnvironment(env)(answers) &&
          !(Number(answers[`${env}AsgMin`]) >= Number(answers[`${env}AsgMax`])),
      ),
  }),
  pumaWorkers: setting({
    kind: "integer",
    min: 1,
    max: 32,
    prompt: "Puma worker processes per instance",
    help: `WEB_CONCURRENCY on each instance; one per vCPU is usual. The instance types offered hold them: at most ${WORKERS_PER_VCPU} per vCPU, and about ${processMemory.pumaWorkerMiB} MiB each beside Puma's master, the job processes and the system (data/process-memory.json).`,
    default: () => 2,
  }),
  pumaThreads: setting({
    kind: "integer",
    min: 1,
    max: 32,
    prompt: "Puma threads per worker",
    help: "RAILS_MAX_THREADS; each thread may hold a connection to each database.",
    default: () => 3,
  }),
  jobThreads: setting({
    kind: "integer",
    min: 1,
    max: 32,
    prompt: "Solid Queue worker threads per instance",
    help: "Threads of the Solid Queue worker on each instance.",
    default: () => 3,
  }),
  ...perEnvironment("DbClass", (env, key) => ({
    kind: "choice",
    choices: dbClassNames,
    allowed: fromData("rds-postgres17-classes.json", dbClassNames),
    prompt: `RDS PostgreSQL 17 instance class for ${env}`,
    help: `Instance class of ${env}'s database (Multi-AZ doubles its price). It must hold the connection budget: ${CONNECTION_BUDGET_FORMULA}.`,
    // One size above the classes usually quoted for such an app (db.t4g.medium, db.t4g.micro):
    // those hold 405 and 101 connections, and the default group may open 540 (10 instances)
    // and 108 (one instance and its replacement during a rolling update).
    default: () => (env === "production" ? "db.t4g.large" : "db.t4g.small"),
    describe: (dbClass: string, answers: PartialAnswers) => {
      const { vcpus, memoryGiB } = dbClasses.find((c) => c.class === dbClass)!;
      const region = regionOf(answers, key("Region"));
      return `${vcpus} vCPU, ${memoryGiB} GiB, ${dbMaxConnections(dbClass)} connections, ${perMonth(monthlyPrice(prices.rdsPostgresHourly, dbClass, region))} in ${region}`;
    },
    rule: (value: string, answers: PartialAnswers) => {
      const needed =
        groupMaxSize(
          Number(answers[key("AsgMin")]),
          Number(answers[key("AsgMax")]),
        ) * connectionsPerInstance(answers);
      const limit = dbMaxConnections(value);
      // Unknown while an earlier answer is invalid: that answer's problem is the one to report.
      if (Number.isNaN(needed) || needed <= limit) return undefined;
      const fits = dbClassNames.filter((c) => dbMaxConnections(c) >= needed);
      return `a class whose max_connections (${value}: ${limit}) holds ${needed} connections (${CONNECTION_BUDGET_FORMULA.replace("AsgMax", `--${flagOf(key("AsgMax"))}`)})${fits.length ? `, such as ${fits.slice(0, 3).join(", ")}` : ""}; or fewer instances, workers or threads`;
    },
  })),
  ...perEnvironment("MultiAz", (env) => ({
    kind: "boolean",
    prompt: `Multi-AZ database for ${env}?`,
    help: `A standby replica of ${env}'s database in the second AZ, with automatic failover.`,
    default: () => env === "production",
  })),
  ...perEnvironment("BackupDays", (env) => ({
    kind: "integer",
    min: 1,
    max: 35,
    prompt: `Days of automated database backups for ${env}`,
    help: "Retention of RDS automated backups (point-in-time recovery window).",
    default: () => 7,
  })),
  ...perEnvironment("BackupCopyRegion", (env, key) => ({
    kind: "choice",
    choices: ["none", ...regionCodes],
    allowed: `none, or a region of data/aws-regions.json other than ${env}'s own`,
    describe: (code, answers) =>
      code === "none"
        ? "no copy: the database's backups stay in its region"
        : `${describeRegion(code)}; ${perGb(backupCopyPrices(regionOf(answers, key("Region")), code))}`,
    prompt: `Region for a daily copy of ${env}'s database backups (AWS Backup)`,
    help: `A daily AWS Backup snapshot of ${env}'s database, kept as long as its automated backups and copied to a vault in this region, so that a lost region does not lose the data. none: no copy.`,
    default: () => "none",
    rule: (value, answers) =>
      value !== "none" && value === answers[key("Region")]
        ? `a region other than ${env}'s own (${value}): the copy is for when that region fails; none for no copy`
        : undefined,
  })),
  ...perEnvironment("ReadReplica", (env) => ({
    kind: "boolean",
    prompt: `Read replica for reporting queries in ${env}?`,
    help: `Adds an RDS read replica to ${env}, for reporting queries.`,
    default: () => false,
  })),
  cableAdapter: setting({
    kind: "choice",
    choices: ["solid_cable", "redis"],
    describe: (adapter: string) =>
      adapter === "redis"
        ? "ElastiCache Redis in every environment: another service to pay for and watch"
        : "broadcasts through PostgreSQL: no extra service",
    prompt: "ActionCable pub/sub backend",
    help: "solid_cable: broadcasts through PostgreSQL, no extra service. redis: adds ElastiCache, its alarms and the redis adapter in every environment.",
    defaultText:
      "redis for an existing app that uses Redis (its cable, Sidekiq or Resque, its cache), else solid_cable",
    default: (_answers, facts) =>
      facts.existingApp && needsRedis(facts.existingApp)
        ? "redis"
        : "solid_cable",
  }),
  ...perEnvironment("RedisNodeType", (env, key) => ({
    kind: "choice",
    choices: cacheNodeTypes.map((n) => n.type),
    describe: (type: string, answers: PartialAnswers) => {
      const { memoryGiB } = cacheNodeTypes.find((n) => n.type === type)!;
      const region = regionOf(answers, key("Region"));
      return `${memoryGiB} GiB, ${perMonth(monthlyPrice(prices.elasticacheHourly, type, region))} a node in ${region}`;
    },
    prompt: `ElastiCache node type for ${env}`,
    help: `Node type of ${env}'s Redis, when the cable adapter is redis.`,
    default: () =>
      env === "production" ? "cache.t4g.small" : "cache.t4g.micro",
    when: (answers: PartialAnswers) => answers.cableAdapter === "redis",
  })),
  natGateways: setting({
    kind: "choice",
    choices: ["per-az-in-production", "per-az", "single"],
    describe: (choice: string, answers: PartialAnswers) => {
      const region = firstRegion(answers);
      const gateway =
        prices.other.natGatewayHourly *
        prices.hoursPerMonth *
        regionPrices(region).factor;
      const single = `one for both zones, ${perMonth(gateway)} an environment in ${region}; outbound traffic stops while its zone is down`;
      const perZone = `one in each zone, ${perMonth(2 * gateway)} an environment in ${region}; survives a zone's outage`;
      return choice === "single"
        ? single
        : choice === "per-az"
          ? perZone
          : `production: ${perZone}; staging: one`;
    },
    prompt: "NAT gateways",
    help: "per-az: one NAT gateway in each AZ, so that an AZ outage does not cut the other AZ's instances off SSM, Secrets Manager, SES and CloudWatch; single: one per environment, shared by both AZs (cheaper; docs/COSTS.md shows the difference); per-az-in-production: per-az for production, single for staging.",
    default: () => "per-az-in-production",
  }),
  ubuntuRelease: setting({
    kind: "choice",
    choices: UBUNTU_RELEASES.map((release) => release.version),
    prompt: "Ubuntu release of the instances",
    help: `The Ubuntu LTS the instances run. ${UBUNTU_RELEASES.map((release) => `${release.version}: standard support until ${release.standardSupportEnds}`).join("; ")}.`,
    default: () => UBUNTU_RELEASES[0]!.version,
  }),
  instanceReplacement: setting<TextKind>({
    kind: "text",
    pattern: REPLACEMENT_WINDOW,
    allowed:
      "off, or a weekday (mon to sun) and a time in UTC (HH:MM, 24-hour), such as tue 09:30",
    normalize: (raw) => raw.toLowerCase().replace(/\s+/g, " "),
    suggest: suggestReplacementWindow,
    prompt:
      "Weekly replacement of the instances on Ubuntu's newest image (weekday and UTC time, or off)",
    help: "When the infrastructure workflow replaces every instance with one booted from Canonical's newest Ubuntu image, which carries the kernel updates that unattended-upgrades installs but only a reboot would load: staging first, then production once its reviewers approve; each group keeps its minimum in service throughout. off: only when run by hand (the workflow's Run workflow, or bin/infra <env> app --new-image).",
    default: () => "tue 09:30",
  }),
  shellAccess: setting({
    kind: "choice",
    choices: ["ssm", "bastion"],
    describe: (choice: string) =>
      choice === "ssm"
        ? "SSM Session Manager: no port 22 open anywhere, nothing to pay"
        : "a bastion host in a public subnet of each environment, reached through SSM",
    prompt: "Shell access to instances",
    help: "ssm: SSM Session Manager, no port 22 open anywhere; bastion: a bastion host in a public subnet.",
    default: () => "ssm",
  }),
  rubyVersion: setting<TextKind>({
    kind: "text",
    pattern: /^\d+\.\d+\.\d+$/,
    allowed: RUBY_VERSIONS_ALLOWED,
    prompt: "Ruby version",
    help: "Written to .ruby-version (unless an existing app states it in .tool-versions, .mise.toml or its Gemfile) and installed on the instances.",
    defaultText:
      "an existing app's (.ruby-version, .tool-versions, .mise.toml or the Gemfile's ruby line), else 3.4.7",
    default: (_answers, facts) => facts.rubyVersion ?? "3.4.7",
    // The pattern cannot tell a release from a typo such as 3.4.58.
    normalize: newestOfSeries,
    // 3.4.58 → the newest 3.4.x listed.
    suggest: (raw) => newestOfSeries(raw.split(".").slice(0, 2).join(".")),
    rule: (value) =>
      rubyVersions.includes(value) ? undefined : RUBY_VERSIONS_ALLOWED,
  }),
};

export type SettingName = keyof typeof settings;
export type Answers = {
  [K in SettingName]: (typeof settings)[K] extends Setting<infer V> ? V : never;
};

/** A group of settings asked together, under its title; an environment's own are one group. */
export interface Section {
  title: string;
  settings: SettingName[];
}

const environmentSection = (env: EnvironmentName): Section => ({
  title: env.charAt(0).toUpperCase() + env.slice(1),
  settings: [
    "Region",
    "AccountId",
    "InstanceType",
    "AsgMin",
    "AsgMax",
    "Capacity",
    "DbClass",
    "MultiAz",
    "BackupDays",
    "BackupCopyRegion",
    "ReadReplica",
    "RedisNodeType",
  ].map((suffix) => `${env}${suffix}` as SettingName),
});

/**
 * The order settings are asked, resolved and listed in. A rule reads only settings before its
 * own: the Puma sizes come before the instance types and database classes that must hold them.
 */
export const SECTIONS: Section[] = [
  {
    title: "Project",
    settings: [
      "appName",
      "domain",
      "githubRepository",
      "githubOwnerId",
      "githubRepositoryId",
      "githubOidcSubject",
      "alertEmail",
      "rubyVersion",
      "environments",
    ],
  },
  {
    title: "Application",
    settings: ["pumaWorkers", "pumaThreads", "jobThreads", "cableAdapter"],
  },
  ...ENVIRONMENTS.map(environmentSection),
  {
    title: "Shared infrastructure",
    settings: [
      "natGateways",
      "ubuntuRelease",
      "instanceReplacement",
      "shellAccess",
      "cpuTarget",
    ],
  },
];

export const settingNames: SettingName[] = SECTIONS.flatMap(
  (section) => section.settings,
);

// A setting left out of the sections would never be asked nor resolved: fail at once instead.
const unplaced = Object.keys(settings).filter(
  (name) => settingNames.filter((placed) => placed === name).length !== 1,
);
if (unplaced.length)
  throw new Error(
    `core/settings.ts: every setting belongs to exactly one of SECTIONS; not so: ${unplaced.join(", ")}`,
  );

export function sectionOf(name: SettingName): Section {
  return SECTIONS.find((section) => section.settings.includes(name))!;
}

export function definitionOf(name: SettingName): Setting {
  return settings[name] as unknown as Setting;
}

/** `productionAsgMin` → `production-asg-min` */
export function flagOf(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** What the kind of a setting accepts, in words. */
export function allowedOf(definition: Setting): string {
  switch (definition.kind) {
    case "text":
      return definition.allowed;
    case "integer":
      return `a whole number from ${definition.min} to ${definition.max}`;
    case "boolean":
      return "true or false";
    case "choice":
      return definition.allowed ?? `one of ${definition.choices.join(", ")}`;
    case "list":
      return `one or more of ${definition.choices.join(", ")}, comma-separated`;
  }
}

/** The default in words, for --help and docs/answers.md. */
function defaultText(name: SettingName): string {
  const definition = definitionOf(name);
  if (definition.defaultText) return definition.defaultText;
  const value = definition.default({}, { folderName: "" });
  return Array.isArray(value) ? value.join(", ") : String(value);
}

/** A setting as --help and docs/answers.md describe it. */
export interface SettingDescription {
  name: SettingName;
  flag: string;
  boolean: boolean;
  prompt: string;
  help: string;
  allowed: string;
  default: string;
}

export const settingDescriptions: SettingDescription[] = settingNames.map(
  (name) => {
    const definition = definitionOf(name);
    return {
      name,
      flag: flagOf(name),
      boolean: definition.kind === "boolean",
      prompt: definition.prompt,
      help: definition.help,
      allowed: allowedOf(definition),
      default: defaultText(name),
    };
  },
);
