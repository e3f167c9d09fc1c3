// The docs part: Mermaid diagrams parse, reflect the answers, the cost model responds to them,
// and the price table is complete.
import assert from "node:assert/strict";
import type { Answers } from "../core/settings.js";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { deriveContext } from "../core/context.js";
import { packageRoot } from "../core/paths.js";
import {
  cacheNodeTypes,
  dbClasses,
  instanceTypes,
  prices,
} from "../core/data.js";
import { environmentCosts, monthlyEstimate } from "../core/parts/docs/costs.js";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo, read as readIn } from "./helpers/repo.js";

// jsdom ships no types; the test needs only its window and document.
const jsdomModule = "jsdom";
const { JSDOM } = (await import(jsdomModule)) as {
  JSDOM: new (html: string) => { window: { document: unknown } };
};
const dom = new JSDOM("<!doctype html><html><body></body></html>");
Object.assign(globalThis, {
  window: dom.window,
  document: dom.window.document,
});
const mermaid = (await import("mermaid")).default;

function markdownFiles(dir: string): string[] {
  const docs = readdirSync(join(dir, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", "infra/README.md", ...docs];
}

function mermaidBlocks(text: string): string[] {
  return [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

const repos: Record<string, string> = {};

describe("the docs part", () => {
  before(async () => {
    for (const name of Object.keys(answerSets))
      repos[name] = await answerSetRepo(name);
  });

  it("a broken diagram is rejected by the parser", async () => {
    await assert.rejects(
      mermaid.parse('flowchart TB\n  a["x"] --> \n  subgraph\n'),
      /Parse error on line/,
    );
    assert.ok(await mermaid.parse('flowchart TB\n  a["x"] --> b'));
  });

  it("the project's own docs: every Mermaid block parses", async () => {
    const docs = join(packageRoot, "docs");
    let blocks = 0;
    for (const name of readdirSync(docs).filter((n) => n.endsWith(".md")))
      for (const block of mermaidBlocks(
        readFileSync(join(docs, name), "utf8"),
      )) {
        blocks++;
        await mermaid.parse(block);
      }
    assert.ok(blocks >= 1);
  });

  // That every .md is prettier-clean is test/formatting.test.ts's, over the same answer sets.
  for (const name of Object.keys(answerSets)) {
    it(`${name}: every Mermaid block parses`, async () => {
      const dir = repos[name]!;
      let blocks = 0;
      for (const path of markdownFiles(dir)) {
        const text = readFileSync(join(dir, path), "utf8");
        for (const block of mermaidBlocks(text)) {
          blocks++;
          await mermaid.parse(block);
        }
      }
      assert.ok(blocks >= 1);
      for (const doc of [
        "ONBOARDING",
        "ARCHITECTURE",
        "COSTS",
        "RUNBOOK",
        "SECURITY",
      ])
        assert.ok(markdownFiles(dir).includes(`docs/${doc}.md`));
    });
  }

  it("docs/SECURITY.md names each environment's deploy, plan and CloudFormation roles and release pointer, and the bastion's risks only with a bastion", () => {
    const security = (name: string) =>
      readFileSync(join(repos[name]!, "docs/SECURITY.md"), "utf8");
    const defaults = security("defaults");
    for (const env of ["production", "staging"]) {
      for (const role of ["github-deploy", "github-plan", "cloudformation"])
        assert.match(defaults, new RegExp(`\`demo-${env}-${role}\``));
      assert.match(defaults, new RegExp(`/demo/${env}/current-release`));
    }
    assert.match(defaults, /^## Accepted risks$/m);
    assert.doesNotMatch(defaults, /bastion/i);
    assert.match(
      security("NAT per AZ, bastion, read replicas, on-demand"),
      /The bastion's host key is trusted on first publication[^]*\/demo\/<environment>\/bastion-host-keys/,
    );
    assert.doesNotMatch(
      security("staging only"),
      /demo-production-github-deploy/,
    );
  });

  it("docs/RUNBOOK.md says when the instances are replaced for kernel updates, how to change it or run it now, and what production's reviewer approves", () => {
    const section = (name: string) => {
      const runbook = readFileSync(
        join(repos[name]!, "docs/RUNBOOK.md"),
        "utf8",
      );
      return runbook.slice(
        runbook.indexOf("## Security updates and reboots"),
        runbook.indexOf("## Rotate secrets"),
      );
    };
    const defaults = section("defaults");
    for (const text of [
      "`/etc/apt/apt.conf.d/52demo-unattended-upgrades`",
      "never a reboot",
      "every Tuesday at 09:30 UTC, the Infrastructure workflow",
      "staging's first, then production's",
      "`rails-aws --instance-replacement off`",
      "Actions → Infrastructure → Run workflow",
      "`bin/infra <environment> app --new-image`",
      "**What a reviewer approves in production**",
      "only `LaunchTemplate` and `WebGroup`",
    ])
      assert.ok(defaults.includes(text), text);
    const off = section("NAT per AZ, bastion, read replicas, on-demand");
    assert.ok(
      off.includes("only when someone runs the Infrastructure workflow"),
    );
    assert.ok(!off.includes("every Tuesday"));
    const staging = section("staging only");
    assert.ok(!staging.includes("What a reviewer approves in production"));
    assert.ok(!staging.includes("staging's first"));
  });

  it("the diagram reflects the answers", () => {
    const diagram = (name: string) =>
      mermaidBlocks(
        readFileSync(join(repos[name]!, "docs/ARCHITECTURE.md"), "utf8"),
      ).join("\n");
    const defaults = diagram("defaults");
    const rich = diagram("NAT per AZ, bastion, read replicas, on-demand");
    assert.doesNotMatch(defaults, /_redis\[/);
    assert.match(diagram("redis"), /production_redis\[/);
    assert.doesNotMatch(defaults, /_bastion\[/);
    assert.match(rich, /production_bastion\[/);
    // By default, a NAT gateway per zone in production and one in staging.
    assert.match(defaults, /production_nat_b\[/);
    assert.match(defaults, /staging_nat\[/);
    assert.doesNotMatch(defaults, /staging_nat_b\[/);
    assert.match(rich, /production_nat_a\[/);
    assert.match(rich, /production_nat_b\[/);
    assert.match(rich, /production_replica\[/);
    assert.match(defaults, /production_cdn\[/);
    assert.doesNotMatch(defaults, /staging_cdn\[/);
    const stagingOnly = diagram("staging only");
    assert.doesNotMatch(stagingOnly, /production_/);
    assert.match(diagram("other regions and sizes"), /eu-central-1/);
  });
});

describe("the cost estimate and the stacks", () => {
  it("prices the root volume, database storage and bastion the CloudFormation templates create", async () => {
    const dir = await answerSetRepo(
      "NAT per AZ, bastion, read replicas, on-demand",
    );
    const read = (path: string) => readIn(dir, path);
    const first = (text: string, pattern: RegExp) => pattern.exec(text)![1]!;
    const app = read("infra/cloudformation/app.yml");
    const network = read("infra/cloudformation/network.yml");
    const data = read("infra/cloudformation/data.yml");
    const costs = read("docs/COSTS.md");
    const rootGb = first(app, /VolumeSize: (\d+)/);
    const bastionType = first(network, /InstanceType: (\S+)/);
    const bastionGb = first(network, /VolumeSize: (\d+)/);
    const dbGb = first(
      data,
      /DbAllocatedStorage:\n\s+Type: Number\n\s+Default: (\d+)/,
    );
    assert.match(
      costs,
      new RegExp(`\\| EBS root volumes +\\| \\d+ × ${rootGb} GB gp3`),
    );
    assert.match(costs, new RegExp(`\\| RDS storage +\\| ${dbGb} GB gp3`));
    assert.match(
      costs,
      new RegExp(`\\| Bastion +\\| ${bastionType}, ${bastionGb} GB gp3`),
    );
  });
});

describe("the cost model", () => {
  const base = {
    appName: "demo",
    domain: "example.com",
    githubRepository: "o/demo",
    alertEmail: "a@example.com",
    environments: ["production"],
    productionRegion: "us-east-1",
    productionInstanceType: "t3.medium",
    productionAsgMin: 2,
    productionAsgMax: 10,
    productionCapacity: "spot-burst",
    cpuTarget: 70,
    pumaWorkers: 2,
    pumaThreads: 3,
    jobThreads: 3,
    productionDbClass: "db.t4g.medium",
    productionMultiAz: false,
    productionBackupDays: 7,
    productionReadReplica: false,
    cableAdapter: "solid_cable",
    natGateways: "single",
    ubuntuRelease: "24.04",
    instanceReplacement: "tue 09:30",
    shellAccess: "ssm",
    rubyVersion: "3.4.7",
  };
  const costs = (overrides: Record<string, unknown> = {}) => {
    const context = deriveContext({ ...base, ...overrides } as Answers);
    return environmentCosts(context, context.environments[0]!);
  };
  const line = (c: ReturnType<typeof costs>, item: string) =>
    Number(c.lines.find((l) => l.item === item)!.min.replace(/[$,]/g, ""));

  it("prices every instance type, database class and cache node type", () => {
    for (const t of instanceTypes)
      assert.ok(prices.ec2Hourly[t.type]! > 0, t.type);
    for (const c of dbClasses)
      assert.ok(prices.rdsPostgresHourly[c.class]! > 0, c.class);
    for (const n of cacheNodeTypes)
      assert.ok(prices.elasticacheHourly[n.type]! > 0, n.type);
    assert.ok(prices.source && prices.date && prices.region);
  });

  it("max scale costs more than min scale", () => {
    const c = costs();
    assert.ok(c.totalMaxDollars > c.totalMinDollars);
  });

  it("Multi-AZ doubles the RDS line", () => {
    assert.equal(
      line(costs({ productionMultiAz: true }), "RDS PostgreSQL"),
      2 * line(costs(), "RDS PostgreSQL"),
    );
  });

  it("spot lowers the estimate", () => {
    const onDemand = costs({ productionCapacity: "on-demand" });
    const burst = costs({ productionCapacity: "spot-burst" });
    const spot = costs({ productionCapacity: "spot" });
    assert.ok(burst.totalMaxDollars < onDemand.totalMaxDollars);
    assert.ok(spot.totalMinDollars < burst.totalMinDollars);
  });

  it("redis, a replica, per-az NAT and a bastion add their lines", () => {
    const plain = costs();
    const rich = costs({
      cableAdapter: "redis",
      productionRedisNodeType: "cache.t4g.small",
      productionReadReplica: true,
      natGateways: "per-az",
      shellAccess: "bastion",
    });
    for (const item of ["ElastiCache Redis", "RDS read replica", "Bastion"])
      assert.ok(
        rich.lines.some((l) => l.item === item) &&
          !plain.lines.some((l) => l.item === item),
        item,
      );
    assert.equal(line(rich, "NAT gateways"), 2 * line(plain, "NAT gateways"));
  });

  it("prices an environment in its own region's prices, global services alike everywhere", () => {
    const virginia = costs();
    const frankfurt = costs({ productionRegion: "eu-central-1" });
    assert.match(frankfurt.pricesBasis, /^eu-central-1 prices/);
    assert.ok(frankfurt.totalMinDollars > virginia.totalMinDollars);
    assert.ok(
      line(frankfurt, "RDS PostgreSQL") > line(virginia, "RDS PostgreSQL"),
    );
    assert.equal(line(frankfurt, "Route53"), line(virginia, "Route53"));
    // A region the price data lacks is priced, and named, as us-east-1's list prices.
    const milan = costs({ productionRegion: "eu-south-1" });
    assert.match(
      milan.pricesBasis,
      /^us-east-1 list prices \(no eu-south-1 prices/,
    );
  });

  it("states what a NAT gateway per zone costs beside one for both, and gives production one per zone by default", () => {
    const second =
      (prices.other.natGatewayHourly + prices.other.publicIpv4Hourly) * 730;
    const single = costs();
    const perZone = costs({ natGateways: "per-az-in-production" });
    assert.equal(
      line(perZone, "NAT gateways"),
      2 * line(single, "NAT gateways"),
    );
    const amount = `$${second.toFixed(2)}`;
    assert.ok(
      perZone.choices.some((c) => c.includes(`costs ${amount} a month more`)),
      perZone.choices.join("\n"),
    );
    assert.ok(
      single.choices.some((c) =>
        c.includes(`would cost ${amount} a month more`),
      ),
      single.choices.join("\n"),
    );
  });

  it("prices a burstable type's CPU above its baseline at the scaling target, beside a type that does not burst", () => {
    // t3.medium: (70 % target - 20 % baseline) x 2 vCPUs x $0.05 x 730 h = $36.50 per instance.
    const burstable = costs();
    assert.equal(line(burstable, "Burstable CPU above baseline"), 2 * 36.5);
    const choice = burstable.choices.find((c) =>
      c.includes("unlimited credit mode"),
    );
    assert.match(
      choice ?? "",
      /\$36\.50 a month per instance.*A c6i\.large, which does not burst, costs \$62\.05/,
    );
    // Half the target, half the surplus: 15 points above the baseline.
    assert.equal(
      line(costs({ cpuTarget: 35 }), "Burstable CPU above baseline"),
      2 * 10.95,
    );
    const steady = costs({ productionInstanceType: "m7g.large" });
    assert.ok(
      !steady.lines.some((l) => l.item === "Burstable CPU above baseline"),
    );
    assert.ok(!steady.choices.some((c) => c.includes("credit")));
  });

  it("states what the weekly replacement of the instances costs, and what turning it off leaves undone", () => {
    // Two t3.medium ($0.0416 an hour) beside their replacements for at most 25 minutes, 52/12
    // times a month.
    const amount = `$${(2 * (25 / 60) * 0.0416 * (52 / 12)).toFixed(2)}`;
    const weekly = costs().choices.find((c) => c.includes("replacement"));
    assert.match(
      weekly ?? "",
      /^The weekly replacement of the instances \(tue 09:30 UTC\)/,
    );
    assert.ok(weekly!.includes(`at most ${amount} a month`), weekly);
    const off = costs({ instanceReplacement: "off" }).choices.find((c) =>
      c.includes("replacement"),
    );
    assert.match(
      off ?? "",
      /^No scheduled replacement of the instances: kernel updates wait for a run by hand/,
    );
    assert.ok(off!.includes(`at most ${amount} a month`), off);
  });

  it("monthlyEstimate gives one line per environment", () => {
    const context = deriveContext({ ...base } as any);
    assert.match(
      monthlyEstimate(context),
      /^production: \$[\d,]+–\$[\d,]+ a month/,
    );
  });
});
