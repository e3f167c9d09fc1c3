// What keeps the stacks serving, read from what is generated for every answer set: the load
// balancer never reuses a connection Puma has closed, logs expire, and nothing in the templates
// needs a CloudFormation newer than the linter's data.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo } from "./helpers/repo.js";

interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/**
 * A generated template's resources. CloudFormation's short tags (!Ref, !Sub) are left
 * unresolved: their plain values are enough to see which properties are set.
 */
function resources(repo: string, stack: string): Record<string, Resource> {
  const text = readFileSync(
    join(repo, `infra/cloudformation/${stack}.yml`),
    "utf8",
  );
  return (parse(text, { logLevel: "error" }) as { Resources: never }).Resources;
}

const STACKS = ["account", "deploy", "network", "data", "app"];

describe("cloudformation part: operations, over every answer set", function () {
  this.timeout(120_000);
  const repos = new Map<string, string>();
  before(async () => {
    for (const name of Object.keys(answerSets))
      repos.set(name, await answerSetRepo(name));
  });

  it("closes an idle connection at the load balancer before Puma does (no 502 on a reused connection)", () => {
    for (const [name, repo] of repos) {
      const attributes = resources(repo, "app").LoadBalancer!.Properties!
        .LoadBalancerAttributes as { Key: string; Value: string }[];
      const idle = Number(
        attributes.find((a) => a.Key === "idle_timeout.timeout_seconds")?.Value,
      );
      const puma = readFileSync(join(repo, "config/puma.rb"), "utf8");
      const persistent = Number(/^persistent_timeout (\d+)/m.exec(puma)?.[1]);
      assert.ok(idle > 0 && persistent > 0, name);
      assert.ok(
        idle < persistent,
        `${name}: the load balancer keeps idle connections ${idle} s, Puma ${persistent} s`,
      );
    }
  });

  it("gives every log group a retention", () => {
    for (const [name, repo] of repos)
      for (const stack of STACKS)
        for (const [id, resource] of Object.entries(resources(repo, stack)))
          if (resource.Type === "AWS::Logs::LogGroup")
            assert.ok(
              resource.Properties?.RetentionInDays !== undefined,
              `${name}: ${stack}.yml ${id}`,
            );
  });

  it("tags no listener: Tags on a listener are valid only since mid-2026 (cfn-lint 1.51 and older CloudFormation reject them)", () => {
    for (const [name, repo] of repos)
      for (const [id, resource] of Object.entries(resources(repo, "app")))
        if (resource.Type === "AWS::ElasticLoadBalancingV2::Listener")
          assert.equal(resource.Properties?.Tags, undefined, `${name}: ${id}`);
  });
});
