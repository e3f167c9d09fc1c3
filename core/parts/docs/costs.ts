// The monthly cost estimate of docs/COSTS.md: list prices (data/aws-prices.json, through
// core/data.ts) times what the answers create. Every figure is computed here; the template only
// prints them. The estimate is a table of lines, like the security rules: each says what it
// prices, when it applies, and how its detail and cost follow from the running instances.
import type { Context, EnvironmentContext } from "../../context.js";
import {
  instancesMonthly,
  runningSplit,
  SPOT_DISCOUNT,
} from "../../capacity.js";
import {
  backupCopyPrices,
  instanceType,
  instanceTypes,
  monthlyPrice,
  prices,
  regionPrices,
  type InstanceType,
} from "../../data.js";

/**
 * What the estimate assumes beyond the answers and the sizes the templates create
 * (context.sizes): the discounts, and the traffic, which are guesses stated in docs/COSTS.md.
 */
const ASSUMPTIONS = {
  spotDiscount: SPOT_DISCOUNT,
  /** A 1-year, no-upfront Compute Savings Plan on the on-demand baseline. */
  savingsPlanDiscount: 0.3,
  /** Load balancer capacity units in use per running instance. */
  lcuPerInstance: 1,
  /** CloudFront traffic per running app instance, a month. */
  cdnGbPerInstance: 50,
  cdnRequestsPerInstance: 2_000_000,
  /** Uploads kept in S3 Standard (before the Glacier transition). */
  uploadsGb: 50,
  /** CloudWatch Logs ingested per running instance, a month. */
  logsGbPerInstance: 1,
  emailsPerMonth: 10_000,
  /**
   * app.yml's alarms without Redis: instance CPU, memory and disk, 5xx (two metrics), latency,
   * unhealthy hosts, instances in service, DB CPU, storage, connections and reachability,
   * WebSocket connections, SES bounces and complaints.
   */
  baseAlarmMetrics: 15,
  /** The read replica's lag. */
  replicaAlarmMetrics: 1,
  /** Per Redis node: engine CPU and memory. */
  redisAlarmMetricsPerNode: 2,
  /** Target tracking's own two alarms, when the group scales. */
  scalingAlarmMetrics: 2,
  /** secret_key_base and the RDS-managed master password. */
  secretsPerEnvironment: 2,
  /** Two zones: the load balancer holds one public IPv4 address in each. */
  albPublicIps: 2,
} as const;

interface CostLine {
  item: string;
  detail: string;
  min: string;
  max: string;
}

export interface EnvironmentCosts {
  name: string;
  region: string;
  /** Which prices the figures are in, and how they were reached. */
  pricesBasis: string;
  lines: CostLine[];
  totalMin: string;
  totalMax: string;
  totalMinDollars: number;
  totalMaxDollars: number;
  instancesMin: number;
  instancesMax: number;
  /** The on-demand baseline a Savings Plan or reserved instances would cover. */
  baselineOnDemand: number;
  baselineMonthly: string;
  savingsPlanSaving: string;
  /** Trade-offs the answers chose, each with its cost in a sentence. */
  choices: string[];
}

/**
 * A number as en-US writes it ("12,345.67"), without Intl: its first use loads ICU, which cost
 * every run more time than rendering the docs.
 */
function grouped(amount: number, decimals = 0): string {
  const [whole, fraction] = amount.toFixed(decimals).split(".");
  return `${whole!.replace(/\B(?=(\d{3})+$)/g, ",")}${fraction ? `.${fraction}` : ""}`;
}

const dollars = (amount: number) => `$${grouped(amount, 2)}`;

const wholeDollars = (amount: number) => `$${grouped(amount)}`;

/** What a line is priced for: one environment of these answers. */
interface Estimate {
  context: Context;
  env: EnvironmentContext;
}

/** A line of the estimate; `running` is the number of app instances it is priced at. */
interface CostRule {
  item: string;
  /** Whether the environment has this line (default: always). */
  when?: (estimate: Estimate) => boolean;
  /** Priced the same in every region (a global service): not scaled to the region. */
  global?: true;
  detail: (estimate: Estimate, running: number) => string;
  cost: (estimate: Estimate, running: number) => number;
}

const otherPrices = prices.other;
const hours = prices.hoursPerMonth;

const natGateways = ({ env }: Estimate) => (env.natPerAz ? 2 : 1);
const dbCopies = ({ env }: Estimate) => (env.multiAz ? 2 : 1);
const storageCopies = (estimate: Estimate) =>
  dbCopies(estimate) + (estimate.env.readReplica ? 1 : 0);
const publicIps = (estimate: Estimate) =>
  ASSUMPTIONS.albPublicIps +
  natGateways(estimate) +
  (estimate.context.bastion ? 1 : 0);
const alarmMetrics = ({ env }: Estimate) =>
  ASSUMPTIONS.baseAlarmMetrics +
  (env.redisNodeType
    ? env.redisNodes * ASSUMPTIONS.redisAlarmMetricsPerNode
    : 0) +
  (env.scales ? ASSUMPTIONS.scalingAlarmMetrics : 0) +
  (env.readReplica ? ASSUMPTIONS.replicaAlarmMetrics : 0);
/**
 * A burstable type's monthly charge for CPU above its baseline, per instance, when the group
 * runs at its scaling target: unlimited credit mode (the launch template's) bills the surplus.
 */
function burstSurplusMonthly(context: Context, type: InstanceType): number {
  const points = Math.max(
    0,
    context.cpuTarget - (type.baselineCpuPercent ?? context.cpuTarget),
  );
  const family = type.type.split(".")[0]!;
  return (
    (points / 100) *
    type.vcpus *
    (prices.burstableSurplusVcpuHour[family] ?? 0) *
    hours
  );
}

/** The cheapest type that is not burstable with the same architecture, vCPUs and at least the memory. */
function steadyAlternative(type: InstanceType): InstanceType | undefined {
  return instanceTypes
    .filter(
      (other) =>
        other.baselineCpuPercent === undefined &&
        other.arch === type.arch &&
        other.vcpus === type.vcpus &&
        other.memoryGiB >= type.memoryGiB &&
        prices.ec2Hourly[other.type] !== undefined,
    )
    .sort((a, b) => prices.ec2Hourly[a.type]! - prices.ec2Hourly[b.type]!)[0];
}

const dbMonthly = ({ env }: Estimate) =>
  monthlyPrice(prices.rdsPostgresHourly, env.dbClass);

const COST_LINES: CostRule[] = [
  {
    item: "EC2 app instances",
    detail: ({ env }, running) => {
      const split = runningSplit(env, running);
      return `${running} × ${env.instanceType}: ${split.onDemand} on demand, ${split.spot} spot`;
    },
    // Scaled to the region with the other lines.
    cost: ({ env }, running) =>
      instancesMonthly({ ...env, region: prices.region }, running),
  },
  {
    item: "Burstable CPU above baseline",
    when: ({ env }) =>
      instanceType(env.instanceType).baselineCpuPercent !== undefined,
    detail: ({ context, env }, running) => {
      const type = instanceType(env.instanceType);
      return `${running} × ${env.instanceType} in unlimited credit mode, at the ${context.cpuTarget} % CPU target: ${context.cpuTarget - type.baselineCpuPercent!} points above its ${type.baselineCpuPercent} % baseline on ${type.vcpus} vCPUs`;
    },
    cost: ({ context, env }, running) =>
      running * burstSurplusMonthly(context, instanceType(env.instanceType)),
  },
  {
    item: "EBS root volumes",
    detail: ({ context }, running) =>
      `${running} × ${context.sizes.rootVolumeGb} GB gp3`,
    cost: ({ context }, running) =>
      running * context.sizes.rootVolumeGb * otherPrices.ebsGp3GbMonth,
  },
  {
    item: "RDS PostgreSQL",
    detail: ({ env }) =>
      env.multiAz
        ? `${env.dbClass}, Multi-AZ (× 2)`
        : `${env.dbClass}, single-AZ`,
    cost: (estimate) => dbMonthly(estimate) * dbCopies(estimate),
  },
  {
    item: "RDS read replica",
    when: ({ env }) => env.readReplica,
    detail: ({ env }) => env.dbClass,
    cost: dbMonthly,
  },
  {
    item: "RDS storage",
    detail: (estimate) =>
      `${estimate.context.sizes.dbStorageGb} GB gp3 × ${storageCopies(estimate)} (grows with autoscaling)`,
    cost: (estimate) =>
      estimate.context.sizes.dbStorageGb *
      storageCopies(estimate) *
      otherPrices.rdsGp3GbMonth,
  },
  {
    item: "AWS Backup copy",
    when: ({ env }) => env.backupCopyRegion !== "",
    // Priced for its two regions here, not scaled to the environment's.
    global: true,
    detail: ({ context, env }) =>
      `approximate: a snapshot of ${context.sizes.dbStorageGb} GB kept in ${env.region} and in ${env.backupCopyRegion}, copied across once a month (later copies are incremental)`,
    cost: ({ context, env }) => {
      const copy = backupCopyPrices(env.region, env.backupCopyRegion);
      const home = backupCopyPrices(env.region, env.region);
      return (
        context.sizes.dbStorageGb *
        (home.storageGbMonth + copy.storageGbMonth + copy.transferGb)
      );
    },
  },
  {
    item: "NAT gateways",
    detail: ({ env }) =>
      env.natPerAz ? "2, one per zone" : "1, shared by both zones",
    cost: (estimate) =>
      natGateways(estimate) * otherPrices.natGatewayHourly * hours,
  },
  {
    item: "Application Load Balancer",
    detail: (_, running) => `${running * ASSUMPTIONS.lcuPerInstance} LCU`,
    cost: (_, running) =>
      (otherPrices.albHourly +
        running * ASSUMPTIONS.lcuPerInstance * otherPrices.albLcuHourly) *
      hours,
  },
  {
    item: "Public IPv4 addresses",
    detail: (estimate) =>
      `${publicIps(estimate)}: load balancer, NAT${estimate.context.bastion ? ", bastion" : ""}`,
    cost: (estimate) =>
      publicIps(estimate) * otherPrices.publicIpv4Hourly * hours,
  },
  {
    item: "Bastion",
    when: ({ context }) => context.bastion,
    detail: ({ context }) =>
      `${context.sizes.bastionInstanceType}, ${context.sizes.bastionVolumeGb} GB gp3`,
    cost: ({ context }) =>
      monthlyPrice(prices.ec2Hourly, context.sizes.bastionInstanceType) +
      context.sizes.bastionVolumeGb * otherPrices.ebsGp3GbMonth,
  },
  {
    item: "ElastiCache Redis",
    when: ({ env }) => Boolean(env.redisNodeType),
    detail: ({ env }) => `${env.redisNodes} × ${env.redisNodeType}`,
    cost: ({ env }) =>
      env.redisNodes *
      monthlyPrice(prices.elasticacheHourly, String(env.redisNodeType)),
  },
  {
    item: "CloudFront",
    global: true,
    when: ({ env }) => env.cdn,
    detail: (_, running) =>
      `${running * ASSUMPTIONS.cdnGbPerInstance} GB, ${grouped((running * ASSUMPTIONS.cdnRequestsPerInstance) / 1_000_000)} million HTTPS requests`,
    cost: (_, running) =>
      running * ASSUMPTIONS.cdnGbPerInstance * otherPrices.cloudfrontGb +
      ((running * ASSUMPTIONS.cdnRequestsPerInstance) / 10_000) *
        otherPrices.cloudfrontHttpsPer10k,
  },
  {
    item: "S3 uploads",
    detail: () => `${ASSUMPTIONS.uploadsGb} GB Standard`,
    cost: () => ASSUMPTIONS.uploadsGb * otherPrices.s3StandardGbMonth,
  },
  {
    item: "CloudWatch",
    detail: (estimate, running) =>
      `${alarmMetrics(estimate)} alarm metrics, ${running * ASSUMPTIONS.logsGbPerInstance} GB of logs`,
    cost: (estimate, running) =>
      alarmMetrics(estimate) * otherPrices.cloudwatchAlarmMetricMonth +
      running *
        ASSUMPTIONS.logsGbPerInstance *
        otherPrices.cloudwatchLogsIngestGb,
  },
  {
    item: "Secrets Manager",
    detail: () => `${ASSUMPTIONS.secretsPerEnvironment} secrets`,
    cost: () =>
      ASSUMPTIONS.secretsPerEnvironment * otherPrices.secretsManagerSecretMonth,
  },
  {
    item: "SES",
    detail: () => `${grouped(ASSUMPTIONS.emailsPerMonth)} emails`,
    cost: () => (ASSUMPTIONS.emailsPerMonth / 1000) * otherPrices.sesPer1000,
  },
  {
    item: "Route53",
    global: true,
    // One hosted zone for the domain, counted in the first environment.
    when: ({ context, env }) => context.environments[0] === env,
    detail: ({ context }) => `the ${context.app.domain} hosted zone, shared`,
    cost: () => otherPrices.route53HostedZoneMonth,
  },
];

/** A line's detail at the minimum size, and at the maximum where that reads differently. */
function rangeDetail(atMin: string, atMax: string): string {
  return atMin === atMax ? atMin : `${atMin} / ${atMax}`;
}

/** What a NAT gateway per zone costs beside one for both: a gateway and its public address. */
function natChoice(env: EnvironmentContext): string {
  const second = dollars(
    (otherPrices.natGatewayHourly + otherPrices.publicIpv4Hourly) * hours,
  );
  return env.natPerAz
    ? `A NAT gateway per zone costs ${second} a month more than one for both zones (the second gateway and its public IPv4 address; data processing costs the same): what keeps one zone's instances reaching SSM, Secrets Manager, SES and CloudWatch when the other zone fails. \`--nat-gateways single\` saves it.`
    : `One NAT gateway for both zones: a second, per zone, would cost ${second} a month more, and keep one zone's instances reaching SSM, Secrets Manager, SES and CloudWatch when the other zone fails (\`--nat-gateways per-az\`).`;
}

/** What unlimited credit mode costs at the CPU target, beside a type that does not burst. */
function creditChoice(
  context: Context,
  env: EnvironmentContext,
): string | undefined {
  const type = instanceType(env.instanceType);
  if (type.baselineCpuPercent === undefined) return undefined;
  const surplus = burstSurplusMonthly(context, type);
  const base = monthlyPrice(prices.ec2Hourly, type.type);
  const steady = steadyAlternative(type);
  const comparison = steady
    ? ` A ${steady.type}, which does not burst, costs ${dollars(monthlyPrice(prices.ec2Hourly, steady.type))} on demand.`
    : "";
  return `${type.type} is burstable, and the launch template runs it in unlimited credit mode: kept near the ${context.cpuTarget} % CPU target, it spends ${context.cpuTarget - type.baselineCpuPercent} points above its ${type.baselineCpuPercent} % baseline, billed at ${dollars(prices.burstableSurplusVcpuHour[type.type.split(".")[0]!] ?? 0)} per vCPU-hour: ${dollars(surplus)} a month per instance on top of its ${dollars(base)} on demand.${comparison} Standard mode would not bill it, but would hold each instance to its baseline once its credits run out.`;
}

/** Replacements of the instances a month, at one a week. */
const REPLACEMENTS_PER_MONTH = 52 / 12;

/**
 * What the weekly replacement of the instances adds: each new instance runs beside the one it
 * replaces until its bootstrap signals, at most the rolling update's signal timeout, priced on
 * demand (spot costs less).
 */
function replacementChoice(context: Context, env: EnvironmentContext): string {
  const minutes = context.rollout.signalTimeoutMinutes;
  const overlap = dollars(
    env.asgMin *
      (minutes / 60) *
      (monthlyPrice(prices.ec2Hourly, env.instanceType, env.region) / hours) *
      REPLACEMENTS_PER_MONTH,
  );
  const cost = `each new instance runs beside the one it replaces while it boots, at most ${minutes} minutes: at most ${overlap} a month at the minimum size (${env.asgMin} ${env.instanceType} on demand)`;
  return context.instanceReplacement
    ? `The weekly replacement of the instances (${context.instanceReplacement.window} UTC): ${cost}. \`--instance-replacement off\` saves it and leaves kernel updates to a run by hand (docs/RUNBOOK.md).`
    : `No scheduled replacement of the instances: kernel updates wait for a run by hand (docs/RUNBOOK.md). Weekly (\`--instance-replacement tue 09:30\`), ${cost}.`;
}

/** What the backup copy costs per GB, and where the figures come from. */
function backupChoice(env: EnvironmentContext): string {
  if (env.backupCopyRegion === "") {
    return `No copy of the database's backups outside ${env.region}: \`--${env.name}-backup-copy-region <region>\` adds a daily AWS Backup copy there.`;
  }
  const copy = backupCopyPrices(env.region, env.backupCopyRegion);
  return `A daily AWS Backup copy of the database to ${env.backupCopyRegion}: about $${copy.storageGbMonth.toFixed(3)} per GB-month kept there, as much again for the snapshot kept in ${env.region}, and ${dollars(copy.transferGb)} per GB copied across (${prices.backupSource}). \`--${env.name}-backup-copy-region none\` removes it.`;
}

/** One environment's monthly estimate at its minimum and maximum size. */
export function environmentCosts(
  context: Context,
  env: EnvironmentContext,
): EnvironmentCosts {
  const estimate: Estimate = { context, env };
  const lines = COST_LINES.filter((line) => line.when?.(estimate) ?? true);
  const regional = regionPrices(env.region);
  const at = (running: number) =>
    lines.map(
      (line) =>
        line.cost(estimate, running) * (line.global ? 1 : regional.factor),
    );
  const sum = (values: number[]) =>
    values.reduce((total, value) => total + value, 0);
  const minCosts = at(env.asgMin);
  const maxCosts = at(env.asgMax);
  const baselineOnDemand = runningSplit(env, env.asgMin).onDemand;
  const baseline =
    baselineOnDemand *
    monthlyPrice(prices.ec2Hourly, env.instanceType, env.region);
  return {
    name: env.name,
    region: env.region,
    pricesBasis: regional.basis,
    lines: lines.map((line, index) => ({
      item: line.item,
      detail: rangeDetail(
        line.detail(estimate, env.asgMin),
        line.detail(estimate, env.asgMax),
      ),
      min: dollars(minCosts[index]!),
      max: dollars(maxCosts[index]!),
    })),
    totalMin: dollars(sum(minCosts)),
    totalMax: dollars(sum(maxCosts)),
    totalMinDollars: sum(minCosts),
    totalMaxDollars: sum(maxCosts),
    instancesMin: env.asgMin,
    instancesMax: env.asgMax,
    baselineOnDemand,
    baselineMonthly: dollars(baseline),
    savingsPlanSaving: dollars(baseline * ASSUMPTIONS.savingsPlanDiscount),
    choices: [
      natChoice(env),
      creditChoice(context, env),
      backupChoice(env),
      replacementChoice(context, env),
    ].filter((choice): choice is string => Boolean(choice)),
  };
}

interface CostsContext {
  source: string;
  date: string;
  /** The region whose list prices the data holds, and the others are scaled from. */
  priceRegion: string;
  spotDiscountPercent: number;
  savingsPlanPercent: number;
  assumptions: typeof ASSUMPTIONS;
  environments: EnvironmentCosts[];
  total: { min: string; max: string };
}

export function costsContext(context: Context): CostsContext {
  const environments = context.environments.map((env) =>
    environmentCosts(context, env),
  );
  const sum = (pick: (env: EnvironmentCosts) => number) =>
    environments.reduce((s, env) => s + pick(env), 0);
  return {
    source: prices.source,
    date: prices.date,
    priceRegion: prices.region,
    spotDiscountPercent: Math.round(ASSUMPTIONS.spotDiscount * 100),
    savingsPlanPercent: Math.round(ASSUMPTIONS.savingsPlanDiscount * 100),
    assumptions: ASSUMPTIONS,
    environments,
    total: {
      min: dollars(sum((env) => env.totalMinDollars)),
      max: dollars(sum((env) => env.totalMaxDollars)),
    },
  };
}

/** One short line per environment, for the generator's end summary. */
export function monthlyEstimate(context: Context): string {
  return context.environments
    .map((env) => {
      const costs = environmentCosts(context, env);
      const range =
        env.asgMin === env.asgMax
          ? `${wholeDollars(costs.totalMinDollars)} a month (${env.asgMin} instance${env.asgMin === 1 ? "" : "s"})`
          : `${wholeDollars(costs.totalMinDollars)}–${wholeDollars(costs.totalMaxDollars)} a month (${env.asgMin}–${env.asgMax} instances)`;
      return `${env.name}: ${range}, at ${costs.pricesBasis}`;
    })
    .join("\n");
}
