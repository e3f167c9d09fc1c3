// The AWS catalogues the settings offer. Each JSON file in data/ names its source and date.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./paths.js";

export interface Region {
  code: string;
  name: string;
  optIn: boolean;
  /** Elastic Load Balancing's account writing access logs here; none in regions opened from August 2022. */
  elbLogAccount?: string;
}
export interface InstanceType {
  type: string;
  arch: "x86_64" | "arm64";
  vcpus: number;
  memoryGiB: number;
  /** A burstable type's baseline CPU use per vCPU, in %: above it, it spends credits. */
  baselineCpuPercent?: number;
}
export interface DbClass {
  class: string;
  vcpus: number;
  memoryGiB: number;
}
export interface CacheNodeType {
  type: string;
  memoryGiB: number;
}

/** data/aws-prices.json: list prices in one region, for the cost estimate. */
export interface Prices {
  source: string;
  date: string;
  region: string;
  currency: string;
  note: string;
  /** How much dearer each region is than `region`, by one instance type's price there. */
  regionalPrices: {
    source: string;
    date: string;
    referenceType: string;
    referenceHourly: Record<string, number>;
  };
  hoursPerMonth: number;
  ec2Hourly: Record<string, number>;
  rdsPostgresHourly: Record<string, number>;
  elasticacheHourly: Record<string, number>;
  /** Unlimited mode's charge for CPU above a burstable type's baseline, per family. */
  burstableSurplusVcpuHour: Record<string, number>;
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
    backupRdsSnapshotGbMonth: number;
    crossRegionTransferGb: number;
  };
  /** Where the AWS Backup and transfer prices come from. */
  backupSource: string;
}

function readData<T>(file: string): T {
  return JSON.parse(readFileSync(join(packageRoot, "data", file), "utf8")) as T;
}

export const regions = readData<{ regions: Region[] }>(
  "aws-regions.json",
).regions;
export const instanceTypes = readData<{ instanceTypes: InstanceType[] }>(
  "ec2-instance-types.json",
).instanceTypes;
export const dbClasses = readData<{ classes: DbClass[] }>(
  "rds-postgres17-classes.json",
).classes;
export const cacheNodeTypes = readData<{ nodeTypes: CacheNodeType[] }>(
  "elasticache-node-types.json",
).nodeTypes;

export const prices = readData<Prices>("aws-prices.json");

/** data/process-memory.json: what each process on an app instance holds, in MiB (planning figures). */
export interface ProcessMemory {
  systemMiB: number;
  pumaMasterMiB: number;
  pumaWorkerMiB: number;
  jobsWorkerMiB: number;
  /** Solid Queue's supervisor, dispatcher and scheduler. */
  jobsSupportProcesses: number;
  jobsSupportProcessMiB: number;
}

export const processMemory = readData<ProcessMemory>("process-memory.json");

/** data/cloudformation-resource-types.json: what the stacks create, and where some of it does not exist. */
export interface ResourceTypeSupport {
  source: string;
  date: string;
  resourceTypes: string[];
  /** Region code → the stacks' resource types that do not exist there. */
  missing: Record<string, string[]>;
}

export const resourceTypeSupport = readData<ResourceTypeSupport>(
  "cloudformation-resource-types.json",
);

/** Regions where every resource type of the stacks exists: the only ones the settings offer. */
export const offeredRegions = regions.filter(
  (region) => !(region.code in resourceTypeSupport.missing),
);

/** data/cfn-lint.json: the linter the generated CI pins, and its findings the templates ignore. */
export interface CfnLintData {
  source: string;
  date: string;
  /** The version the generated CI runs, and the generator's tests verify. */
  version: string;
  ignores: CfnLintIgnore[];
}

/** A cfn-lint finding the linter's own data gets wrong, ignored on one resource. */
export interface CfnLintIgnore {
  rule: string;
  /** The stack's template (infra/cloudformation/<template>.yml) and the resource's logical id. */
  template: string;
  resource: string;
  /** Versions of cfn-lint the finding was verified wrong with: it is ignored for no other. */
  cfnLintVersions: string[];
  /** What the generated template says above the ignore, line by line. */
  comment: string[];
  reason: string;
  evidence: string[];
}

export const cfnLint = readData<CfnLintData>("cfn-lint.json");

/** The prices an estimate for one region uses: the list's, scaled to the region where known. */
export interface RegionPrices {
  /** The region whose prices these are: the one asked for, or the list's when it is unknown. */
  region: string;
  /** What the list's prices are multiplied by. */
  factor: number;
  /** How the figures were reached, for the estimate's reader. */
  basis: string;
}

export function regionPrices(region: string): RegionPrices {
  const { referenceHourly, referenceType } = prices.regionalPrices;
  const here = referenceHourly[region];
  const base = referenceHourly[prices.region]!;
  if (region === prices.region)
    return { region, factor: 1, basis: `${region} list prices` };
  if (here === undefined)
    return {
      region: prices.region,
      factor: 1,
      basis: `${prices.region} list prices (no ${region} prices in the data: expect ${region} to cost more)`,
    };
  const factor = here / base;
  return {
    region,
    factor,
    basis: `${region} prices (${prices.region}'s × ${factor.toFixed(2)}, as ${referenceType} costs there)`,
  };
}

/** A month of an hourly price list's entry (an EC2 type, an RDS class, a cache node type). */
export function monthlyPrice(
  table: Record<string, number>,
  key: string,
  region = prices.region,
): number {
  const hourly = table[key];
  if (hourly === undefined)
    throw new Error(`data/aws-prices.json has no price for ${key}`);
  return hourly * prices.hoursPerMonth * regionPrices(region).factor;
}

/**
 * What a copy of the database's backups in another region costs per GB: a month of storage in
 * the copy's region, and the transfer out of the database's region (both scaled as the regions'
 * EC2 prices are: approximate).
 */
export function backupCopyPrices(
  home: string,
  copy: string,
): { storageGbMonth: number; transferGb: number } {
  return {
    storageGbMonth:
      prices.other.backupRdsSnapshotGbMonth * regionPrices(copy).factor,
    transferGb: prices.other.crossRegionTransferGb * regionPrices(home).factor,
  };
}

/** Each released Ruby the generated app can run on, oldest first: its source tarball's SHA-256. */
export const rubySourceSha256 = readData<{
  sourceSha256: Record<string, string>;
}>("ruby-versions.json").sourceSha256;

/** Released Ruby versions the generated app can run on, oldest first. */
export const rubyVersions = Object.keys(rubySourceSha256);

/** App names rails new refuses, and the constants an app's module must not reopen. */
export const reservedAppNames = readData<{
  reservedNames: string[];
  constants: string[];
}>("reserved-app-names.json");

/** RDS for PostgreSQL's default max_connections: LEAST(DBInstanceClassMemory/9531392, 5000). */
export function dbMaxConnections(dbClass: string): number {
  const found = dbClasses.find((c) => c.class === dbClass);
  if (!found) throw new Error(`unknown RDS class ${dbClass}`);
  const classMemory = found.memoryGiB * 1024 ** 3 * 0.9;
  return Math.min(Math.floor(classMemory / 9531392), 5000);
}

export function instanceType(type: string): InstanceType {
  const found = instanceTypes.find((t) => t.type === type);
  if (!found) throw new Error(`unknown EC2 instance type ${type}`);
  return found;
}

/** data/boot-downloads.json: what the user data downloads at boot, and the keys that sign it. */
export interface BootDownloads {
  source: string;
  date: string;
  note: string;
  awsCli: {
    version: string;
    signingKeyFingerprint: string;
    signingKeyServer: string;
  };
  cloudwatchAgent: {
    version: string;
    signingKeyFingerprint: string;
    signingKeyUrl: string;
  };
}

export const bootDownloads = readData<BootDownloads>("boot-downloads.json");
