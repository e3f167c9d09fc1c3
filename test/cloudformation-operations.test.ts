// What keeps the stacks serving, read from what is generated for every answer set: the load
// balancer never reuses a connection Puma has closed, logs expire, and nothing in the templates
// needs a CloudFormation newer than the linter's data.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { resolveAnswers } from "../core/answers.js";
import { deriveContext } from "../core/context.js";
import { instanceType, regions } from "../core/data.js";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo, tempDir, writeRepo } from "./helpers/repo.js";
import { STACKS, templateResources } from "./helpers/templates.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

interface Rolling {
  MaxBatchSize: unknown;
  WaitOnResourceSignals: boolean;
  PauseTime: string;
}

describe("cloudformation part: operations, over every answer set", function () {
  this.timeout(120_000);
  const repos = new Map<string, string>();
  before(async () => {
    for (const name of Object.keys(answerSets))
      repos.set(name, await answerSetRepo(name));
  });

  it("closes an idle connection at the load balancer before Puma does (no 502 on a reused connection)", () => {
    for (const [name, repo] of repos) {
      const attributes = templateResources(repo, "app").LoadBalancer!
        .Properties!.LoadBalancerAttributes as { Key: string; Value: string }[];
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

  it("replaces a group in about four batches of its size, each given the bootstrap's time to signal and no more", () => {
    for (const [name, repo] of repos) {
      const group = templateResources(repo, "app").WebGroup!;
      const rolling = (group.UpdatePolicy as Record<string, Rolling>)
        .AutoScalingRollingUpdate!;
      assert.equal(rolling.MaxBatchSize, "RollingBatchSize", name);
      assert.equal(rolling.WaitOnResourceSignals, true, name);
      const minutes = Number(/^PT(\d+)M$/.exec(rolling.PauseTime)?.[1]);
      assert.ok(
        minutes >= 20 && minutes <= 30,
        `${name}: ${rolling.PauseTime}`,
      );
      for (const env of ["production", "staging"]) {
        const path = join(repo, `infra/parameters/${env}/app.json`);
        if (!existsSync(path)) continue;
        const parameters = JSON.parse(readFileSync(path, "utf8"));
        const batches = Math.ceil(
          Number(parameters.GroupMaxSize) / Number(parameters.RollingBatchSize),
        );
        assert.ok(batches <= 4, `${name}: ${env} takes ${batches} batches`);
      }
    }
    for (const [max, batch] of [
      [2, 1],
      [10, 3],
      [80, 20],
    ] as const) {
      const resolution = resolveAnswers(
        {
          domain: "example.com",
          productionAsgMin: 1,
          productionAsgMax: max,
          productionDbClass: "db.r7g.4xlarge",
        },
        { folderName: "demo" },
      );
      assert.ok(resolution.ok, JSON.stringify(resolution));
      const production = deriveContext(resolution.answers).production;
      assert.ok(production);
      assert.equal(production.rollingBatchSize, batch, `max ${max}`);
    }
  });

  it("gives the group several instance types like the answered one (more spot pools per zone), the answered one first", () => {
    for (const [name, repo] of repos) {
      const group = templateResources(repo, "app").WebGroup!;
      const overrides = (
        group.Properties!.MixedInstancesPolicy as {
          LaunchTemplate: { Overrides: unknown[] };
        }
      ).LaunchTemplate.Overrides;
      assert.deepEqual(
        overrides,
        [
          { InstanceType: "InstanceType" },
          ...[1, 2, 3].map((slot) => [
            `HasOtherInstanceType${slot}`,
            { InstanceType: `OtherInstanceType${slot}` },
            "AWS::NoValue",
          ]),
        ],
        name,
      );
      for (const env of ["production", "staging"]) {
        const path = join(repo, `infra/parameters/${env}/app.json`);
        if (!existsSync(path)) continue;
        const parameters = JSON.parse(readFileSync(path, "utf8"));
        const answered = instanceType(parameters.InstanceType);
        const others = [1, 2, 3]
          .map((slot) => parameters[`OtherInstanceType${slot}`] as string)
          .filter(Boolean);
        assert.ok(others.length >= 1, `${name}: ${env} has one type only`);
        assert.equal(
          new Set([answered.type, ...others]).size,
          others.length + 1,
        );
        for (const other of others.map(instanceType))
          assert.ok(
            other.arch === answered.arch &&
              other.vcpus === answered.vcpus &&
              other.memoryGiB >= answered.memoryGiB,
            `${name}: ${env} ${other.type} beside ${answered.type}`,
          );
      }
    }
  });

  it("alarms on latency, capacity, memory, disk, the database as the instances see it, WebSockets, mail reputation and replica lag, and shows them on a dashboard", () => {
    for (const [name, repo] of repos) {
      const monitoring = templateResources(repo, "monitoring");
      const watched = Object.values(monitoring)
        .filter((r) => r.Type === "AWS::CloudWatch::Alarm")
        .map((r) => `${r.Properties!.Namespace}/${r.Properties!.MetricName}`);
      const namespace = JSON.parse(
        readFileSync(join(repo, ".yo-rc.json"), "utf8"),
      )["generator-rails-aws"].appName;
      for (const metric of [
        "AWS/ApplicationELB/TargetResponseTime",
        "AWS/AutoScaling/GroupInServiceInstances",
        "CWAgent/mem_used_percent",
        "CWAgent/disk_used_percent",
        `${namespace}/DatabaseReachable`,
        `${namespace}/CableConnections`,
        "AWS/SES/Reputation.BounceRate",
        "AWS/SES/Reputation.ComplaintRate",
        "AWS/RDS/ReplicaLag",
      ])
        assert.ok(watched.includes(metric), `${name}: no alarm on ${metric}`);
      assert.equal(monitoring.ReplicaLagAlarm!.Condition, "HasReadReplica");
      const body = (
        monitoring.Dashboard!.Properties!.DashboardBody as [string]
      )[0];
      const graphed = (
        JSON.parse(body) as {
          widgets: { properties: { metrics: string[][] } }[];
        }
      ).widgets.flatMap((w) =>
        w.properties.metrics.map((m) => `${m[0]}/${m[1]}`),
      );
      for (const metric of [
        "AWS/ApplicationELB/RequestCount",
        "AWS/EC2/CPUUtilization",
        "AWS/RDS/DatabaseConnections",
        `${namespace}/JobsReady`,
        `${namespace}/CableConnections`,
      ])
        assert.ok(
          graphed.includes(metric),
          `${name}: dashboard lacks ${metric}`,
        );
      // Database Insights (Performance Insights) on the primary database.
      assert.equal(
        templateResources(repo, "data").Database!.Properties!
          .EnablePerformanceInsights,
        true,
      );
    }
  });

  it("gives every log group a retention", () => {
    for (const [name, repo] of repos)
      for (const stack of STACKS)
        for (const [id, resource] of Object.entries(
          templateResources(repo, stack),
        ))
          if (resource.Type === "AWS::Logs::LogGroup")
            assert.ok(
              resource.Properties?.RetentionInDays !== undefined,
              `${name}: ${stack}.yml ${id}`,
            );
  });

  it("keeps the database's exported logs for the environment's retention, through the data stack's function", () => {
    for (const [name, repo] of repos) {
      const data = templateResources(repo, "data");
      const exports = data.Database!.Properties!
        .EnableCloudwatchLogsExports as string[];
      const retention = data.DatabaseLogRetention!.Properties!;
      assert.deepEqual(
        retention.LogGroupNames,
        exports.map((log) => `/aws/rds/instance/\${Database}/${log}`),
        name,
      );
      assert.equal(retention.RetentionInDays, "LogRetentionDays", name);
      for (const env of ["production", "staging"]) {
        const path = join(repo, `infra/parameters/${env}/data.json`);
        if (!existsSync(path)) continue;
        const parameters = JSON.parse(readFileSync(path, "utf8"));
        assert.equal(
          parameters.LogRetentionDays,
          env === "production" ? "90" : "30",
          `${name}: ${env}`,
        );
      }
    }
  });

  it("logs every request of the load balancer and the CDN to an encrypted, private bucket that expires them with the other logs", () => {
    for (const [name, repo] of repos) {
      const bucket = templateResources(repo, "data").LogBucket!;
      const properties = bucket.Properties as Record<string, any>;
      assert.deepEqual(
        properties.LifecycleConfiguration.Rules.map(
          (rule: Record<string, unknown>) => rule.ExpirationInDays,
        ),
        ["LogRetentionDays"],
        name,
      );
      assert.equal(
        properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
          .ServerSideEncryptionByDefault.SSEAlgorithm,
        "AES256",
        `${name}: the only encryption the load balancer's log delivery supports`,
      );
      assert.deepEqual(
        Object.values(properties.PublicAccessBlockConfiguration),
        [true, true, true, true],
        name,
      );
      assert.equal(bucket.DeletionPolicy, "Retain", name);
      const app = templateResources(repo, "app");
      const attributes = Object.fromEntries(
        (
          app.LoadBalancer!.Properties!.LoadBalancerAttributes as {
            Key: string;
            Value: unknown;
          }[]
        ).map(({ Key, Value }) => [Key, Value]),
      );
      assert.equal(attributes["access_logs.s3.enabled"], "true", name);
      assert.deepEqual(
        attributes["access_logs.s3.bucket"],
        { "Fn::ImportValue": "${StackPrefix}-data-LogBucket" },
        name,
      );
      const answers = JSON.parse(
        readFileSync(join(repo, ".yo-rc.json"), "utf8"),
      )["generator-rails-aws"];
      for (const env of ["production", "staging"]) {
        const path = join(repo, `infra/parameters/${env}/data.json`);
        if (!existsSync(path)) continue;
        const region = regions.find(
          (known) => known.code === answers[`${env}Region`],
        )!;
        const parameters = JSON.parse(readFileSync(path, "utf8"));
        assert.match(parameters.ElbLogAccount, /^\d{12}$/, `${name}: ${env}`);
        assert.equal(parameters.ElbLogAccount, region.elbLogAccount);
        const appParameters = JSON.parse(
          readFileSync(join(repo, `infra/parameters/${env}/app.json`), "utf8"),
        );
        if (appParameters.AssetHost)
          assert.equal(
            appParameters.CdnAccessLogs,
            String(!region.optIn),
            `${name}: ${env}`,
          );
      }
      if (app.AssetDistribution) {
        const config = app.AssetDistribution.Properties!.DistributionConfig as {
          Logging: unknown[];
        };
        assert.equal(config.Logging[0], "HasCdnLogs", name);
      }
    }
  });

  it("refuses an asset host without the edge stack's certificate before any change, and builds the CDN only with both", () => {
    const text = readFileSync(
      join(repos.get("defaults")!, "infra/cloudformation/app.yml"),
      "utf8",
    );
    assert.match(
      text,
      /RuleCondition: !Not \[!Equals \[!Ref AssetHost, ""\]\]\n {4}Assertions:\n {6}- Assert: !Not \[!Equals \[!Ref CloudFrontCertificateArn, ""\]\]/,
    );
    assert.match(
      text,
      /HasCdn: !And\n {4}- !Not \[!Equals \[!Ref AssetHost, ""\]\]\n {4}- !Not \[!Equals \[!Ref CloudFrontCertificateArn, ""\]\]/,
    );
  });

  it("tags no listener: Tags on a listener are valid only since mid-2026 (cfn-lint 1.51 and older CloudFormation reject them)", () => {
    for (const [name, repo] of repos)
      for (const [id, resource] of Object.entries(
        templateResources(repo, "app"),
      ))
        if (resource.Type === "AWS::ElasticLoadBalancingV2::Listener")
          assert.equal(resource.Properties?.Tags, undefined, `${name}: ${id}`);
  });
});

/**
 * Stand-ins for what exists only in Lambda: boto3's CloudWatch Logs client (which records each
 * call, and knows the log groups that already exist or refuse a retention) and cfnresponse
 * (which records the answer sent to CloudFormation).
 */
const STAND_INS = {
  "boto3.py": [
    "import json, os",
    "calls = []",
    "class ResourceAlreadyExistsException(Exception): pass",
    "class Logs:",
    "    class exceptions: ResourceAlreadyExistsException = ResourceAlreadyExistsException",
    "    def create_log_group(self, logGroupName):",
    "        calls.append(['create_log_group', logGroupName])",
    "        if logGroupName in json.loads(os.environ['EXISTING']): raise ResourceAlreadyExistsException()",
    "    def put_retention_policy(self, logGroupName, retentionInDays):",
    "        calls.append(['put_retention_policy', logGroupName, retentionInDays])",
    "        if os.environ.get('REFUSE'): raise RuntimeError('AccessDenied')",
    "def client(service):",
    "    assert service == 'logs'",
    "    return Logs()",
  ].join("\n"),
  "cfnresponse.py": [
    "import boto3, json",
    "SUCCESS, FAILED = 'SUCCESS', 'FAILED'",
    "def send(event, context, status, data, physical_id):",
    "    print(json.dumps({'calls': boto3.calls, 'status': status, 'id': physical_id}))",
  ].join("\n"),
};

describe("cloudformation part: the database log retention function, run with stand-ins for AWS", function () {
  this.timeout(60_000);
  let dir: string;

  before(async function () {
    requireTool(this, "python3");
    const repo = await answerSetRepo("defaults");
    const code = (
      templateResources(repo, "data").DatabaseLogRetentionFunction!.Properties!
        .Code as { ZipFile: string }
    ).ZipFile;
    dir = tempDir("log-retention-");
    writeRepo(dir, { "index.py": code, ...STAND_INS });
  });

  async function invoke(
    requestType: string,
    options: { existing?: string[]; refuse?: boolean } = {},
  ) {
    const event = {
      RequestType: requestType,
      ResourceProperties: {
        RetentionInDays: "90",
        LogGroupNames: [
          "/aws/rds/instance/db1/postgresql",
          "/aws/rds/instance/db1/upgrade",
        ],
      },
    };
    const { stdout } = await execFileAsync(
      "python3",
      [
        "-c",
        `import index, json, sys; index.handler(json.loads(sys.argv[1]), None)`,
        JSON.stringify(event),
      ],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          EXISTING: JSON.stringify(options.existing ?? []),
          ...(options.refuse ? { REFUSE: "1" } : {}),
        },
      },
    );
    return JSON.parse(stdout.trim().split("\n").at(-1)!);
  }

  it("creates each log group unless RDS already has, and sets its retention, on create and update", async () => {
    for (const requestType of ["Create", "Update"]) {
      const answer = await invoke(requestType, {
        existing: ["/aws/rds/instance/db1/postgresql"],
      });
      assert.equal(answer.status, "SUCCESS");
      assert.deepEqual(answer.calls, [
        ["create_log_group", "/aws/rds/instance/db1/postgresql"],
        ["put_retention_policy", "/aws/rds/instance/db1/postgresql", 90],
        ["create_log_group", "/aws/rds/instance/db1/upgrade"],
        ["put_retention_policy", "/aws/rds/instance/db1/upgrade", 90],
      ]);
    }
  });

  it("leaves the log groups to expire when the stack is deleted", async () => {
    const answer = await invoke("Delete");
    assert.deepEqual([answer.status, answer.calls], ["SUCCESS", []]);
  });

  it("answers FAILED rather than leaving CloudFormation waiting when AWS refuses", async () => {
    const answer = await invoke("Create", { refuse: true });
    assert.equal(answer.status, "FAILED");
  });
});
