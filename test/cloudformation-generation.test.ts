// What the cloudformation part generates honours the answers: each answer set is generated once,
// and its templates are read as CloudFormation would, with each environment's parameter file.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Evaluator } from "../check/cloudformation/evaluate.js";
import { loadSpec } from "../check/cloudformation/spec.js";
import {
  isObject,
  type Json,
  type JsonObject,
} from "../check/cloudformation/json.js";
import {
  parseCloudFormationFile,
  section,
} from "../check/cloudformation/template.js";
import { userDataScripts } from "../check/cloudformation/user-data.js";
import { RepoFile } from "../check/repo.js";
import {
  cloudformationCalls,
  deployStack,
  fakeAccount,
  runInfra,
} from "./helpers/fake-aws.js";
import { answerSetRepo, generateRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** CloudFormation's limits on a template passed with --template-body, and with --template-url. */
const TEMPLATE_LIMITS = {
  "--template-body": 51_200,
  "--template-url": 1_000_000,
};
/** EC2's limit on user data, before base64. */
const USER_DATA_LIMIT = 16_384;

class Repo {
  constructor(readonly dir: string) {}

  template(stack: string) {
    return parseCloudFormationFile(
      new RepoFile(this.dir, `infra/cloudformation/${stack}.yml`),
    );
  }

  resources(stack: string): JsonObject {
    return section(this.template(stack).body, "Resources");
  }

  resource(stack: string, id: string): JsonObject {
    const resource = this.resources(stack)[id];
    assert.ok(isObject(resource), `${stack}.yml has no resource ${id}`);
    return resource;
  }

  parameters(env: string, stack: string): JsonObject {
    return JSON.parse(
      readFileSync(
        join(this.dir, `infra/parameters/${env}/${stack}.json`),
        "utf8",
      ),
    ) as JsonObject;
  }

  /** The template as `env` deploys it. */
  as(env: string, stack: string): Evaluator {
    return new Evaluator(
      this.template(stack).body,
      this.parameters(env, stack),
    );
  }

  exists(path: string): boolean {
    return existsSync(join(this.dir, path));
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), "utf8");
  }
}

const get = (value: Json, ...keys: (string | number)[]): Json =>
  keys.reduce<Json>(
    (current, key) =>
      isObject(current) || Array.isArray(current)
        ? (current as never)[key]
        : undefined,
    value,
  );

/** Every ingress rule of the template's security groups, inline or separate. */
function ingressRules(repo: Repo): Json[] {
  return Object.values(repo.resources("network")).flatMap((resource) => {
    const rules = get(resource, "Properties", "SecurityGroupIngress");
    const ifRules = get(rules, "Fn::If", 1);
    return [rules, ifRules].flatMap((list) =>
      Array.isArray(list) ? list : [],
    );
  });
}

const STACKS = ["account", "deploy", "network", "data", "app", "monitoring"];
const UNTAGGED = [
  "AWS::ElasticLoadBalancingV2::Listener",
  "AWS::CloudWatch::Dashboard",
];

describe("cloudformation part: what is generated honours the answers", function () {
  this.timeout(60_000);
  let defaults: Repo;
  before(async () => {
    defaults = new Repo(await answerSetRepo("defaults"));
  });

  it("writes one template per stack, the edge stack and its parameters only where there is a CDN", () => {
    for (const stack of [...STACKS, "edge"])
      assert.ok(defaults.exists(`infra/cloudformation/${stack}.yml`), stack);
    assert.ok(defaults.exists("infra/parameters/production/edge.json"));
    assert.ok(
      !defaults.exists("infra/parameters/staging/edge.json"),
      "staging has no CloudFront",
    );
    assert.equal(defaults.parameters("staging", "app").AssetHost, "");
    assert.equal(
      defaults.parameters("production", "app").AssetHost,
      "assets.example.com",
    );
    const infra = defaults.read("bin/infra");
    assert.match(
      infra,
      /stacks=\(account deploy edge network data app monitoring\)/,
    );
    assert.match(
      infra,
      /stacks=\(account deploy network data app monitoring\)/,
    );
  });

  it("stays within CloudFormation's template size, by body or by S3 URL as bin/infra passes each, and EC2's user data size", async function () {
    requireTool(this, "jq");
    // Every stack of production (which has the edge stack) planned, as bin/infra passes it: the
    // defaults, with a repository the deploy stack's roles may trust.
    const repo = new Repo(
      await generateRepo([
        ...["--github-repository", "acme/demo"],
        ...["--github-owner-id", "1111", "--github-repository-id", "2222"],
      ]),
    );
    const plan = runInfra(
      repo.dir,
      fakeAccount({
        oidcProvider: false,
        stacks: deployStack("demo-production"),
      }),
      ["production", "plan", "size-check"],
    );
    assert.equal(plan.code, 0, plan.stderr);
    const passed = new Map(
      cloudformationCalls(plan, "create-change-set").map((call) => [
        /--stack-name demo-(?:production-)?(\w+)/.exec(call)![1]!,
        /--template-(body|url)/.exec(call)![0] as keyof typeof TEMPLATE_LIMITS,
      ]),
    );
    assert.deepEqual(
      Object.fromEntries(passed),
      {
        account: "--template-body",
        deploy: "--template-body",
        edge: "--template-body",
        network: "--template-url",
        data: "--template-url",
        app: "--template-url",
        monitoring: "--template-url",
      },
      "the stacks before the template bucket, and the edge stack away from it, by body; the rest by URL",
    );
    for (const stack of [...STACKS, "edge"]) {
      const way = passed.get(stack)!;
      const size = Buffer.byteLength(
        repo.read(`infra/cloudformation/${stack}.yml`),
      );
      assert.ok(
        size < TEMPLATE_LIMITS[way],
        `${stack}.yml is ${size} bytes, over ${TEMPLATE_LIMITS[way]} for ${way}`,
      );
    }
    const app = new RepoFile(defaults.dir, "infra/cloudformation/app.yml");
    const [userData] = userDataScripts(
      parseCloudFormationFile(app),
      app.contents,
    );
    // Rendered with the defaults' stack values, with a fifth of EC2's limit left for what comes
    // next (the scripts it installs are in the launch template's Metadata); the worst case, every
    // value 64 characters long, is pinned by boot-downloads.test.ts.
    const userDataSize = Buffer.byteLength(userData!.script);
    assert.ok(
      userDataSize < USER_DATA_LIMIT * 0.8,
      `the user data is ${userDataSize} bytes, over 80% of EC2's ${USER_DATA_LIMIT}`,
    );
  });

  it("gives every taggable resource the app and environment tags, whatever the answers", async () => {
    const spec = await loadSpec();
    const everything = new Repo(
      await generateRepo([
        "--cable-adapter",
        "redis",
        "--shell-access",
        "bastion",
        "--nat-gateways",
        "per-az",
        "--production-read-replica",
      ]),
    );
    for (const repo of [defaults, everything]) {
      for (const stack of [...STACKS, "edge"]) {
        for (const [id, resource] of Object.entries(repo.resources(stack))) {
          const tagging = spec.resource(
            String(get(resource, "Type")),
          )?.tagInformation;
          // Listeners and dashboards go untagged: their Tags are younger than cfn-lint's data
          // (app.yml and monitoring.yml say so); the load balancer's tags and the dashboard's
          // name cover them.
          if (!tagging || UNTAGGED.includes(String(get(resource, "Type"))))
            continue;
          const tags = get(resource, "Properties", tagging.tagPropertyName);
          const keys = Array.isArray(tags)
            ? tags.map((tag) => get(tag, "Key"))
            : Object.keys(isObject(tags) ? tags : {});
          assert.ok(
            keys.includes("app") && keys.includes("environment"),
            `${stack}.yml ${id} lacks app/environment tags`,
          );
        }
      }
    }
  });

  it("names what other parts find by the contract's names, through the parameter files", () => {
    const deploy = defaults.parameters("production", "deploy");
    assert.deepEqual(deploy, {
      Environment: "production",
      StackPrefix: "demo-production",
      AppHost: "example.com",
      DeployRoleName: "demo-production-github-deploy",
      PlanRoleName: "demo-production-github-plan",
      CloudFormationRoleName: "demo-production-cloudformation",
      GitHubEnvironment: "production",
      ReleaseBucketParameterName: "/demo/production/release-bucket",
      CurrentReleaseParameterName: "/demo/production/current-release",
      DeployLockParameterName: "/demo/production/deploy-lock",
      BackupCopyRegion: "",
    });
    assert.equal(
      defaults.parameters("staging", "app").AutoScalingGroupName,
      "demo-staging-web",
    );
    assert.equal(
      defaults.parameters("staging", "data").SecretKeyBaseSecretName,
      "demo/staging/secret-key-base",
    );
    const trust = get(
      defaults.resource("deploy", "DeployRole"),
      "Properties",
      "AssumeRolePolicyDocument",
      "Statement",
      0,
      "Condition",
      "StringEquals",
    );
    assert.deepEqual(get(trust, "token.actions.githubusercontent.com:sub"), {
      "Fn::Sub":
        "repo:your-org@OWNER_ID/demo@REPOSITORY_ID:environment:${GitHubEnvironment}",
    });
  });

  it("scales production on CPU, and gives staging's fixed size no policy and room for a rolling replacement", () => {
    const policy = defaults.resource("app", "CpuScaling");
    assert.equal(policy.Condition, "Scales");
    assert.equal(
      get(policy, "Properties", "TargetTrackingConfiguration", "TargetValue"),
      70,
    );
    assert.equal(defaults.as("production", "app").condition("Scales"), true);
    assert.equal(defaults.as("staging", "app").condition("Scales"), false);
    const group = defaults.resource("app", "WebGroup");
    assert.deepEqual(
      get(
        group,
        "UpdatePolicy",
        "AutoScalingRollingUpdate",
        "MinInstancesInService",
      ),
      { Ref: "MinSize" },
    );
    assert.deepEqual(
      get(group, "UpdatePolicy", "AutoScalingRollingUpdate", "MaxBatchSize"),
      { Ref: "RollingBatchSize" },
    );
    assert.deepEqual(get(group, "Properties", "MaxSize"), {
      Ref: "GroupMaxSize",
    });
    const staging = defaults.parameters("staging", "app");
    assert.deepEqual(
      [staging.MinSize, staging.MaxSize, staging.GroupMaxSize],
      ["1", "1", "2"],
    );
    const production = defaults.parameters("production", "app");
    assert.deepEqual(
      [production.MinSize, production.GroupMaxSize, production.OnDemandBase],
      ["2", "10", "2"],
    );
    assert.equal(
      staging.OnDemandBase,
      "0",
      "staging is a single spot instance",
    );
  });

  it("protects production's database from deletion, and not staging's", () => {
    const protection = get(
      defaults.resource("data", "Database"),
      "Properties",
      "DeletionProtection",
    );
    assert.equal(defaults.as("production", "data").value(protection), true);
    assert.equal(defaults.as("staging", "data").value(protection), false);
    assert.equal(
      defaults.resource("data", "Database").DeletionPolicy,
      "Snapshot",
    );
  });

  it("opens no port 22 with SSM access, has a NAT gateway per zone in production and one in staging, no bastion, no Redis", () => {
    assert.ok(
      ingressRules(defaults).every((rule) => get(rule, "FromPort") !== 22),
    );
    const network = defaults.resources("network");
    assert.ok(!("Bastion" in network) && !("CacheSecurityGroup" in network));
    assert.deepEqual(
      get(network.PrivateDefaultRouteB, "Properties", "NatGatewayId"),
      {
        "Fn::If": [
          "NatGatewayPerZone",
          { Ref: "NatGatewayB" },
          { Ref: "NatGatewayA" },
        ],
      },
    );
    assert.equal(get(network.NatGatewayB, "Condition"), "NatGatewayPerZone");
    assert.equal(
      defaults.as("production", "network").condition("NatGatewayPerZone"),
      true,
    );
    assert.equal(
      defaults.as("staging", "network").condition("NatGatewayPerZone"),
      false,
    );
    assert.ok(!("Cache" in defaults.resources("data")));
    assert.ok(
      !defaults.read("infra/cloudformation/app.yml").includes("REDIS_URL"),
    );
  });

  it("fixed size (min = max): no scaling policy, and one instance of headroom for the rolling update", async () => {
    const repo = new Repo(await answerSetRepo("fixed size (min = max)"));
    assert.equal(repo.as("production", "app").condition("Scales"), false);
    const parameters = repo.parameters("production", "app");
    assert.deepEqual(
      [parameters.MinSize, parameters.MaxSize, parameters.GroupMaxSize],
      ["3", "3", "4"],
    );
  });

  it("redis: ElastiCache, encrypted, reachable from the instances only, with its CPU and memory alarms", async () => {
    const repo = new Repo(await answerSetRepo("redis"));
    const cache = repo.resource("data", "Cache");
    assert.equal(cache.Type, "AWS::ElastiCache::ReplicationGroup");
    assert.equal(get(cache, "Properties", "TransitEncryptionEnabled"), true);
    assert.equal(
      get(repo.resource("app", "CacheCpuAlarm"), "Properties", "Threshold"),
      75,
    );
    assert.equal(
      get(repo.resource("app", "CacheMemoryAlarm"), "Properties", "Threshold"),
      80,
    );
    assert.equal(
      repo.as("production", "app").condition("HasCacheReplica"),
      true,
    );
    assert.equal(repo.as("staging", "app").condition("HasCacheReplica"), false);
    const rule = get(
      repo.resource("network", "CacheSecurityGroup"),
      "Properties",
      "SecurityGroupIngress",
      0,
    );
    assert.deepEqual(
      [get(rule, "FromPort"), get(rule, "SourceSecurityGroupId")],
      [6379, { Ref: "InstanceSecurityGroup" }],
    );
    assert.match(
      repo.read("infra/cloudformation/app.yml"),
      /REDIS_URL=\$\{CacheUrl\}/,
    );
  });

  it("bastion, NAT per zone, read replicas: the bastion is the only way to port 22, each zone has its NAT", async () => {
    const repo = new Repo(
      await generateRepo([
        ...["--nat-gateways", "per-az", "--shell-access", "bastion"],
        ...["--production-read-replica", "--staging-read-replica"],
      ]),
    );
    const network = repo.resources("network");
    assert.ok("Bastion" in network && "BastionSecurityGroup" in network);
    const ssh = ingressRules(repo).filter(
      (rule) => get(rule, "FromPort") === 22,
    );
    assert.deepEqual(
      ssh.map(
        (rule) => get(rule, "SourceSecurityGroupId") ?? get(rule, "CidrIp"),
      ),
      [{ Ref: "BastionSecurityGroup" }, { Ref: "BastionAllowedCidr" }],
    );
    for (const env of ["production", "staging"])
      assert.equal(
        repo.as(env, "network").condition("NatGatewayPerZone"),
        true,
        env,
      );
    assert.equal(
      repo.as("production", "data").condition("HasReadReplica"),
      true,
    );
    assert.equal(repo.as("staging", "data").condition("HasReadReplica"), true);
  });

  it("other regions and Graviton: the arm64 AMI, stacks in the chosen regions, the CDN certificate in us-east-1", async () => {
    const repo = new Repo(
      await generateRepo([
        ...[
          "--production-region",
          "eu-central-1",
          "--staging-region",
          "eu-west-1",
        ],
        ...["--production-instance-type", "m7g.large"],
      ]),
    );
    const infra = repo.read("bin/infra");
    assert.match(
      infra,
      /production\)\n(.*\n)*?\s+image_parameter='\/aws\/service\/canonical\/ubuntu\/server\/24\.04\/stable\/current\/arm64\/hvm\/ebs-gp3\/ami-id'\n/,
    );
    assert.match(
      infra,
      /staging\)\n(.*\n)*?\s+image_parameter='\/aws\/service\/canonical\/ubuntu\/server\/24\.04\/stable\/current\/amd64\//,
    );
    assert.match(infra, /production\)\n\s+region=eu-central-1/);
    assert.match(infra, /staging\)\n\s+region=eu-west-1/);
    assert.match(infra, /edge\) echo "us-east-1"/);
  });

  it("staging only: no CloudFront anywhere", async () => {
    const repo = new Repo(await answerSetRepo("staging only"));
    assert.ok(!repo.exists("infra/cloudformation/edge.yml"));
    assert.ok(!("AssetDistribution" in repo.resources("app")));
    assert.ok(
      !("AssetHost" in section(repo.template("app").body, "Parameters")),
    );
  });
});
