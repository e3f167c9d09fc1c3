// What an app instance must hold and what a group costs: the Puma workers an instance type can
// run (its vCPUs and its memory), and how a purchase option (the capacity answer) splits an Auto
// Scaling group between on-demand and spot instances, which the app stack's instance
// distribution and the cost estimate both follow.
import {
  instanceType,
  instanceTypes,
  monthlyPrice,
  prices,
  processMemory,
} from "./data.js";

/** Puma workers an instance type runs well: two per vCPU at most (one per vCPU is usual). */
export const WORKERS_PER_VCPU = 2;

/**
 * Memory an app instance needs, in MiB (data/process-memory.json): the system, Puma's master and
 * its workers, and the job worker with Solid Queue's other processes.
 */
export function memoryNeededMiB(workers: number): number {
  const memory = processMemory;
  return (
    memory.systemMiB +
    memory.pumaMasterMiB +
    workers * memory.pumaWorkerMiB +
    memory.jobsWorkerMiB +
    memory.jobsSupportProcesses * memory.jobsSupportProcessMiB
  );
}

/** MiB in GiB, rounded up to a tenth: never less than what is needed. */
const gib = (mib: number) =>
  `${(Math.ceil((mib / 1024) * 10) / 10).toFixed(1)} GiB`;

/** Whether an instance type runs `workers` Puma workers beside the rest, by vCPUs and memory. */
const holds = (type: string, workers: number) =>
  instanceType(type).vcpus * WORKERS_PER_VCPU >= workers &&
  instanceType(type).memoryGiB * 1024 >= memoryNeededMiB(workers);

/**
 * Why an instance type cannot run `workers` Puma workers, with the types that can, in the
 * user's terms; undefined when it can (or while the number of workers is not known).
 */
export function instanceTypeProblem(
  type: string,
  workers: number,
): string | undefined {
  if (Number.isNaN(workers) || holds(type, workers)) return undefined;
  const { vcpus, memoryGiB } = instanceType(type);
  const fits = instanceTypes
    .map((t) => t.type)
    .filter((t) => holds(t, workers))
    .slice(0, 3)
    .join(", ");
  if (vcpus * WORKERS_PER_VCPU < workers)
    return `a type with at least ${Math.ceil(workers / WORKERS_PER_VCPU)} vCPUs for ${workers} Puma workers (--puma-workers; at most ${WORKERS_PER_VCPU} per vCPU; ${type} has ${vcpus}), such as ${fits}; or fewer workers`;
  const memory = processMemory;
  return `a type with at least ${gib(memoryNeededMiB(workers))} of memory for ${workers} Puma workers (--puma-workers; ${type} has ${memoryGiB} GiB): about ${workers} x ${memory.pumaWorkerMiB} MiB for the workers, ${memory.pumaMasterMiB} MiB for Puma's master, ${memory.jobsWorkerMiB + memory.jobsSupportProcesses * memory.jobsSupportProcessMiB} MiB for the job worker and Solid Queue's other processes, and ${memory.systemMiB} MiB for the system; such as ${fits}; or fewer workers`;
}

/** Spot instances cost this share less than on demand (an assumption the estimate states). */
export const SPOT_DISCOUNT = 0.7;

export interface PurchaseSplit {
  /** On-demand instances below which nothing is spot. */
  onDemandBase: number;
  /** Share of instances above the base that are on demand. */
  onDemandPercentAboveBase: number;
}

export function purchaseSplit(
  capacity: string,
  asgMin: number,
  asgMax: number,
): PurchaseSplit {
  return {
    onDemandBase:
      capacity === "spot-burst"
        ? asgMin
        : capacity === "on-demand"
          ? asgMax
          : 0,
    onDemandPercentAboveBase: capacity === "on-demand" ? 100 : 0,
  };
}

/** How many of `running` instances are on demand, as the group's instance distribution says. */
export function runningSplit(
  split: PurchaseSplit,
  running: number,
): { onDemand: number; spot: number } {
  const base = Math.min(running, split.onDemandBase);
  const above = Math.max(0, running - split.onDemandBase);
  const onDemand =
    base + Math.round((above * split.onDemandPercentAboveBase) / 100);
  return { onDemand, spot: running - onDemand };
}

/** A month of `running` instances of a group, by its purchase option, in its region's prices. */
export function instancesMonthly(
  group: {
    instanceType: string;
    region: string;
    capacity: string;
    asgMin: number;
    asgMax: number;
  },
  running: number,
): number {
  const split = runningSplit(
    purchaseSplit(group.capacity, group.asgMin, group.asgMax),
    running,
  );
  return (
    monthlyPrice(prices.ec2Hourly, group.instanceType, group.region) *
    (split.onDemand + split.spot * (1 - SPOT_DISCOUNT))
  );
}
