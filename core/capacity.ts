// How a purchase option (the capacity answer) splits an Auto Scaling group between on-demand
// and spot instances: the app stack's instance distribution and the cost estimate both follow it.
import { monthlyPrice, prices } from "./data.js";

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
