// The generated CloudFormation templates, read as tests need them.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export interface TemplateResource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  CreationPolicy?: Record<string, unknown>;
  UpdatePolicy?: Record<string, unknown>;
  Properties?: Record<string, unknown>;
}

/** The stacks every generated repo has, in deploy order (the edge stack only with a CDN). */
export const STACKS = [
  "account",
  "deploy",
  "network",
  "data",
  "app",
  "monitoring",
];

/**
 * A generated template's resources. CloudFormation's short tags (!Ref, !Sub) are left
 * unresolved: their plain values are enough to see which properties are set.
 */
export function templateResources(
  repo: string,
  stack: string,
): Record<string, TemplateResource> {
  const text = readFileSync(
    join(repo, `infra/cloudformation/${stack}.yml`),
    "utf8",
  );
  return (parse(text, { logLevel: "error" }) as { Resources: never }).Resources;
}
