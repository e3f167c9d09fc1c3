// Values only the docker part's templates need.
import type { Context } from "../../context.js";

export function dockerContext(context: Context) {
  return {
    /** The region local examples name: the first environment's. */
    region: context.environments[0]!.region,
  };
}
