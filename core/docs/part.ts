// The `docs` part: docs/ONBOARDING.md, docs/ARCHITECTURE.md (a Mermaid diagram of what the
// answers chose), docs/COSTS.md (a monthly estimate, core/docs/costs.ts) and docs/RUNBOOK.md.
import { cloudFormationContext } from "../cloudformation/part.js";
import type { Context, EnvironmentContext } from "../context.js";
import type { Part } from "../parts.js";
import { costsContext, type EnvironmentCosts } from "./costs.js";

export interface DocsEnvironment extends EnvironmentContext {
  /** Mermaid node ids are prefixed with this (the environment's name). */
  id: string;
  cdn: boolean;
  assetHost: string;
  mailFrom: string;
  cpuAlarmThreshold: number;
  dbConnectionsAlarm: number;
  logRetentionDays: number;
  /** CloudWatch log groups the agent ships to. */
  systemLogGroup: string;
  bootstrapLogGroup: string;
  /** Stacks the runbook names (CloudFormation names the resources inside them). */
  appStack: string;
  dataStack: string;
  /** ElastiCache nodes: two with Multi-AZ, as data.yml creates them. */
  redisNodes: number;
  costs: EnvironmentCosts;
}

export function docsContext(context: Context) {
  const cloudformation = cloudFormationContext(context);
  const costs = costsContext(context);
  const environments: DocsEnvironment[] = context.environments.map(
    (env, index) => {
      const stack = cloudformation.environments[env.name]!;
      const prefix = env.names.stackPrefix;
      return {
        ...env,
        id: env.name,
        cdn: stack.cdn,
        assetHost: stack.assetHost,
        mailFrom: stack.mailFrom,
        cpuAlarmThreshold: cloudformation.cpuAlarmThreshold,
        dbConnectionsAlarm: stack.dbConnectionsAlarm,
        logRetentionDays: stack.logRetentionDays,
        systemLogGroup: `/${prefix}/system`,
        bootstrapLogGroup: `/${prefix}/bootstrap`,
        appStack: `${prefix}-app`,
        dataStack: `${prefix}-data`,
        redisNodes: env.multiAz ? 2 : 1,
        costs: costs.environments[index]!,
      };
    },
  );
  return {
    environments,
    first: environments[0]!,
    anyCdn: cloudformation.anyCdn,
    anyReplica: environments.some((env) => env.readReplica),
    accountStack: cloudformation.accountStack,
    edgeRegion: cloudformation.edgeRegion,
    costs,
  };
}

export const docsPart: Part = {
  name: "docs",
  description:
    "the team's docs: docs/ONBOARDING.md, docs/ARCHITECTURE.md (a diagram of the chosen setup), docs/COSTS.md (a monthly estimate) and docs/RUNBOOK.md",
  extendContext: (context) => ({ docs: docsContext(context) }),
};
