// Values only the docs part's templates need: each environment with its Mermaid node id, the
// data stack's name and its cost estimate (./costs.ts).
import type { Context, EnvironmentContext } from "../../context.js";
import { bootDownloads, rubySourceSha256 } from "../../data.js";
import { costsContext, type EnvironmentCosts } from "./costs.js";

interface DocsEnvironment extends EnvironmentContext {
  /** Mermaid node ids are prefixed with this (the environment's name). */
  id: string;
  /** The stack whose database's master password RDS manages. */
  dataStack: string;
  costs: EnvironmentCosts;
}

export function docsContext(context: Context) {
  const costs = costsContext(context);
  const environments: DocsEnvironment[] = context.environments.map(
    (env, index) => ({
      ...env,
      id: env.name,
      dataStack: `${env.names.stackPrefix}-data`,
      costs: costs.environments[index]!,
    }),
  );
  return {
    environments,
    costs,
    bootDownloads,
    /** The SHA-256 the instances check Ruby's source tarball against. */
    rubySourceSha256: rubySourceSha256[context.app.rubyVersion],
  };
}
