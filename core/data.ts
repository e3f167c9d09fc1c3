// The AWS catalogues the settings offer. Each JSON file in data/ names its source and date.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./paths.js";

export interface Region {
  code: string;
  name: string;
  optIn: boolean;
}
export interface InstanceType {
  type: string;
  arch: "x86_64" | "arm64";
  vcpus: number;
  memoryGiB: number;
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

/** Released Ruby versions the generated app can run on, oldest first. */
export const rubyVersions = readData<{ versions: string[] }>(
  "ruby-versions.json",
).versions;

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
