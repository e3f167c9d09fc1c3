// The monthly cost estimate of docs/COSTS.md: list prices from data/aws-prices.json times what
// the answers create. Every figure is computed here; the template only prints them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Context, EnvironmentContext } from "../../context.js";
import { packageRoot } from "../../paths.js";

export interface Prices {
  source: string;
  date: string;
  region: string;
  currency: string;
  note: string;
  hoursPerMonth: number;
  ec2Hourly: Record<string, number>;
  rdsPostgresHourly: Record<string, number>;
  elasticacheHourly: Record<string, number>;
  other: {
    ebsGp3GbMonth: number;
    rdsGp3GbMonth: number;
    natGatewayHourly: number;
    natGatewayGb: number;
    albHourly: number;
    albLcuHourly: number;
    publicIpv4Hourly: number;
    cloudfrontGb: number;
    cloudfrontHttpsPer10k: number;
    route53HostedZoneMonth: number;
    secretsManagerSecretMonth: number;
    cloudwatchAlarmMetricMonth: number;
    cloudwatchLogsIngestGb: number;
    s3StandardGbMonth: number;
    sesPer1000: number;
  };
}

export const prices: Prices = JSON.parse(
  readFileSync(join(packageRoot, "data", "aws-prices.json"), "utf8"),
) as Prices;

/**
 * What the estimate assumes beyond the answers. The sizes mirror the CloudFormation templates
 * (root volume, bastion, initial database storage, alarms); the traffic figures are guesses,
 * stated in docs/COSTS.md.
 */
export const ASSUMPTIONS = {
  /** Spot instances cost this share less than on demand (the plan says 70 %). */
  spotDiscount: 0.7,
  /** A 1-year, no-upfront Compute Savings Plan on the on-demand baseline. */
  savingsPlanDiscount: 0.3,
  /** app.yml's launch template. */
  rootVolumeGb: 30,
  /** data.yml's DbAllocatedStorage default. */
  dbStorageGb: 20,
  /** network.yml's bastion. */
  bastionInstanceType: "t3.micro",
  bastionVolumeGb: 8,
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
  /** app.yml's alarms without Redis: instance CPU, 5xx (two metrics), unhealthy hosts, DB CPU, DB storage, DB connections. */
  baseAlarmMetrics: 7,
  /** Per Redis node: engine CPU and memory. */
  redisAlarmMetricsPerNode: 2,
  /** Target tracking's own two alarms, when the group scales. */
  scalingAlarmMetrics: 2,
  /** secret_key_base and the RDS-managed master password. */
  secretsPerEnvironment: 2,
  /** Two zones: the load balancer holds one public IPv4 address in each. */
  albPublicIps: 2,
} as const;

export interface CostLine {
  item: string;
  detail: string;
  min: string;
  max: string;
}

export interface EnvironmentCosts {
  name: string;
  region: string;
  /** Whether the region is not the price list's: figures are indicative only. */
  otherRegion: boolean;
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
}

export interface InstanceSplit {
  onDemand: number;
  spot: number;
}

/** How many of `running` instances are on demand, as the group's instance distribution says. */
export function instanceSplit(
  env: EnvironmentContext,
  running: number,
): InstanceSplit {
  const base = Math.min(running, env.onDemandBase);
  const above = Math.max(0, running - env.onDemandBase);
  const onDemand =
    base + Math.round((above * env.onDemandPercentAboveBase) / 100);
  return { onDemand, spot: running - onDemand };
}

function price(table: Record<string, number>, key: string): number {
  const value = table[key];
  if (value === undefined)
    throw new Error(`data/aws-prices.json has no price for ${key}`);
  return value;
}

export function dollars(amount: number): string {
  return `$${amount.toLocaleString("en-US", {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  })}`;
}

function wholeDollars(amount: number): string {
  return `$${Math.round(amount).toLocaleString("en-US")}`;
}

interface Line {
  item: string;
  detail: (running: number) => string;
  cost: (running: number) => number;
}

/** The lines of one environment; `running` is the number of app instances. */
function environmentLines(
  context: Context,
  env: EnvironmentContext,
  first: boolean,
): Line[] {
  const a = ASSUMPTIONS;
  const o = prices.other;
  const hours = prices.hoursPerMonth;
  const ec2 = price(prices.ec2Hourly, env.instanceType) * hours;
  const db = price(prices.rdsPostgresHourly, env.dbClass) * hours;
  const dbCopies = env.multiAz ? 2 : 1;
  const natCount = context.natPerAz ? 2 : 1;
  const redisNodes = env.multiAz ? 2 : 1;
  const lines: Line[] = [
    {
      item: "EC2 app instances",
      detail: (n) => {
        const split = instanceSplit(env, n);
        return `${n} × ${env.instanceType}: ${split.onDemand} on demand, ${split.spot} spot`;
      },
      cost: (n) => {
        const split = instanceSplit(env, n);
        return ec2 * (split.onDemand + split.spot * (1 - a.spotDiscount));
      },
    },
    {
      item: "EBS root volumes",
      detail: (n) => `${n} × ${a.rootVolumeGb} GB gp3`,
      cost: (n) => n * a.rootVolumeGb * o.ebsGp3GbMonth,
    },
    {
      item: "RDS PostgreSQL",
      detail: () =>
        env.multiAz
          ? `${env.dbClass}, Multi-AZ (× 2)`
          : `${env.dbClass}, single-AZ`,
      cost: () => db * dbCopies,
    },
  ];
  if (env.readReplica)
    lines.push({
      item: "RDS read replica",
      detail: () => env.dbClass,
      cost: () => db,
    });
  const storageCopies = dbCopies + (env.readReplica ? 1 : 0);
  lines.push(
    {
      item: "RDS storage",
      detail: () =>
        `${a.dbStorageGb} GB gp3 × ${storageCopies} (grows with autoscaling)`,
      cost: () => a.dbStorageGb * storageCopies * o.rdsGp3GbMonth,
    },
    {
      item: "NAT gateways",
      detail: () =>
        context.natPerAz ? "2, one per zone" : "1, shared by both zones",
      cost: () => natCount * o.natGatewayHourly * hours,
    },
    {
      item: "Application Load Balancer",
      detail: (n) => `${n * a.lcuPerInstance} LCU`,
      cost: (n) =>
        (o.albHourly + n * a.lcuPerInstance * o.albLcuHourly) * hours,
    },
    {
      item: "Public IPv4 addresses",
      detail: () => {
        const count = a.albPublicIps + natCount + (context.bastion ? 1 : 0);
        return `${count}: load balancer, NAT${context.bastion ? ", bastion" : ""}`;
      },
      cost: () =>
        (a.albPublicIps + natCount + (context.bastion ? 1 : 0)) *
        o.publicIpv4Hourly *
        hours,
    },
  );
  if (context.bastion)
    lines.push({
      item: "Bastion",
      detail: () => `${a.bastionInstanceType}, ${a.bastionVolumeGb} GB gp3`,
      cost: () =>
        price(prices.ec2Hourly, a.bastionInstanceType) * hours +
        a.bastionVolumeGb * o.ebsGp3GbMonth,
    });
  if (env.redisNodeType) {
    const nodeType = env.redisNodeType;
    lines.push({
      item: "ElastiCache Redis",
      detail: () => `${redisNodes} × ${nodeType}`,
      cost: () =>
        redisNodes * price(prices.elasticacheHourly, nodeType) * hours,
    });
  }
  if (env.cdn)
    lines.push({
      item: "CloudFront",
      detail: (n) =>
        `${n * a.cdnGbPerInstance} GB, ${((n * a.cdnRequestsPerInstance) / 1_000_000).toLocaleString("en-US")} million HTTPS requests`,
      cost: (n) =>
        n * a.cdnGbPerInstance * o.cloudfrontGb +
        ((n * a.cdnRequestsPerInstance) / 10_000) * o.cloudfrontHttpsPer10k,
    });
  const alarmMetrics =
    a.baseAlarmMetrics +
    (env.redisNodeType ? redisNodes * a.redisAlarmMetricsPerNode : 0) +
    (env.scales ? a.scalingAlarmMetrics : 0);
  lines.push(
    {
      item: "S3 uploads",
      detail: () => `${a.uploadsGb} GB Standard`,
      cost: () => a.uploadsGb * o.s3StandardGbMonth,
    },
    {
      item: "CloudWatch",
      detail: (n) =>
        `${alarmMetrics} alarm metrics, ${n * a.logsGbPerInstance} GB of logs`,
      cost: (n) =>
        alarmMetrics * o.cloudwatchAlarmMetricMonth +
        n * a.logsGbPerInstance * o.cloudwatchLogsIngestGb,
    },
    {
      item: "Secrets Manager",
      detail: () => `${a.secretsPerEnvironment} secrets`,
      cost: () => a.secretsPerEnvironment * o.secretsManagerSecretMonth,
    },
    {
      item: "SES",
      detail: () => `${a.emailsPerMonth.toLocaleString("en-US")} emails`,
      cost: () => (a.emailsPerMonth / 1000) * o.sesPer1000,
    },
  );
  if (first)
    lines.push({
      item: "Route53",
      detail: () => `the ${context.app.domain} hosted zone, shared`,
      cost: () => o.route53HostedZoneMonth,
    });
  return lines;
}

/** One environment's monthly estimate at its minimum and maximum size. */
export function environmentCosts(
  context: Context,
  env: EnvironmentContext,
): EnvironmentCosts {
  const first = context.environments[0] === env;
  const lines = environmentLines(context, env, first);
  const at = (n: number) => lines.map((line) => line.cost(n));
  const sum = (values: number[]) => values.reduce((s, v) => s + v, 0);
  const minCosts = at(env.asgMin);
  const maxCosts = at(env.asgMax);
  const baselineOnDemand = instanceSplit(env, env.asgMin).onDemand;
  const baseline =
    baselineOnDemand *
    price(prices.ec2Hourly, env.instanceType) *
    prices.hoursPerMonth;
  return {
    name: env.name,
    region: env.region,
    otherRegion: env.region !== prices.region,
    lines: lines.map((line, index) => ({
      item: line.item,
      detail:
        env.asgMin === env.asgMax
          ? line.detail(env.asgMin)
          : line.detail(env.asgMin) === line.detail(env.asgMax)
            ? line.detail(env.asgMin)
            : `${line.detail(env.asgMin)} / ${line.detail(env.asgMax)}`,
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
  };
}

export interface CostsContext {
  source: string;
  date: string;
  priceRegion: string;
  spotDiscountPercent: number;
  savingsPlanPercent: number;
  assumptions: typeof ASSUMPTIONS;
  environments: EnvironmentCosts[];
  /** Whether any environment is outside the price list's region. */
  anyOtherRegion: boolean;
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
    anyOtherRegion: environments.some((env) => env.otherRegion),
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
      return `${env.name}: ${range}, at ${prices.region} list prices (docs/COSTS.md)`;
    })
    .join("\n");
}
