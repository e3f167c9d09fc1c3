// IAM as AWS evaluates it: the generated stacks' policies, trust policies, permissions boundary
// and bucket policy, resolved for a sample account and region, decide a table of requests, each
// with the decision it must get. Both environments share one account here, the layout where
// only these policies keep staging out of production.
import assert from "node:assert/strict";
import {
  decide,
  deployedStacks,
  SAMPLE_ACCOUNT as ACCOUNT,
  SAMPLE_ID,
  SAMPLE_ZONE,
  type DeployedRole,
  type DeployedStacks,
  type Policies,
  type Request,
} from "./helpers/stack-policies.js";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateRepo, tempDir } from "./helpers/repo.js";

const REGION = "us-east-1";
const OWNER_ID = "1111";
const REPOSITORY_ID = "2222";
const OIDC = "token.actions.githubusercontent.com";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${OIDC}`;
const OTHER_ACCOUNT = "999988887777";

type Env = "production" | "staging";
type Who =
  | `${Env} ${"cloudformation" | "apply" | "plan" | "instance" | "function"}`
  | "github token"
  | "another account";

interface Row {
  who: Who;
  action: string;
  /** Which role is assumed, for a token or another account. */
  role?: `${Env} ${"apply" | "plan" | "instance"}`;
  resource?: string;
  context?: Record<string, string | string[]>;
  expect: "Allowed" | "Denied";
  why: string;
}

const arn = {
  instance: (env: Env) =>
    `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0${env === "production" ? "aaaa" : "bbbb"}1111`,
  vpc: (env: Env) =>
    `arn:aws:ec2:${REGION}:${ACCOUNT}:vpc/vpc-0${env === "production" ? "aaaa" : "bbbb"}`,
  securityGroup: (env: Env) =>
    `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/sg-0${env === "production" ? "aaaa" : "bbbb"}`,
  loadBalancer: (env: Env) =>
    `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/board-${env.slice(0, 4)}-LoadB/50dc6c495c0c9188`,
  autoScalingGroup: (env: Env) =>
    `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:6d4c1d0b-0000-0000-0000-000000000000:autoScalingGroupName/board-${env}-web`,
  database: (env: Env) =>
    `arn:aws:rds:${REGION}:${ACCOUNT}:db:board-${env}-data-database-${SAMPLE_ID}`,
  secretKeyBase: (env: Env) =>
    `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:board/${env}/secret-key-base-AbCdEf`,
  /** RDS names it after the database (as test/helpers/stack-policies.ts names that). */
  databaseSecret: (env: Env) =>
    `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:rds!db-board-${env}-data-database-${SAMPLE_ID}-AbCdEf`,
  parameter: (env: Env, name: string) =>
    `arn:aws:ssm:${REGION}:${ACCOUNT}:parameter/board/${env}/${name}`,
  uploads: (env: Env, key = "") =>
    `arn:aws:s3:::board-${env}-data-uploadsbucket-${SAMPLE_ID}${key}`,
  logGroup: (env: Env) =>
    `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/board-${env}/system`,
  alarm: (env: Env) =>
    `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:board-${env}-app-CpuHigh-1A2B3C`,
  topic: (env: Env) =>
    `arn:aws:sns:${REGION}:${ACCOUNT}:board-${env}-app-AlarmTopic-1A2B3C`,
  /** Change set actions are authorized on their stack. */
  stack: (env: Env, stack: string) =>
    `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/board-${env}-${stack}/${SAMPLE_ID}`,
  stackRole: (env: Env, name: string) =>
    `arn:aws:iam::${ACCOUNT}:role/board-${env}/board-${env}-${name}`,
  function: (env: Env) =>
    `arn:aws:lambda:${REGION}:${ACCOUNT}:function:board-${env}-data-DatabaseLogRetention-1A2B3C`,
  mailIdentity: (env: Env) =>
    `arn:aws:ses:${REGION}:${ACCOUNT}:identity/${env === "production" ? "" : "staging."}example.com`,
  cache: (env: Env) =>
    `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:board-${env.slice(0, 4)}-cache`,
  certificate: (env: Env) =>
    `arn:aws:acm:${REGION}:${ACCOUNT}:certificate/${env === "production" ? "aaaa" : "bbbb"}-0000`,
  zone: `arn:aws:route53:::hostedzone/${SAMPLE_ZONE}`,
};

const tagged = (env: Env) => ({ "aws:ResourceTag/environment": env });
const subject = (event: string) =>
  `repo:acme@${OWNER_ID}/board@${REPOSITORY_ID}:${event}`;
const token = (sub: string, repositoryId = REPOSITORY_ID) => ({
  [`${OIDC}:aud`]: "sts.amazonaws.com",
  [`${OIDC}:sub`]: sub,
  [`${OIDC}:repository_id`]: repositoryId,
  [`${OIDC}:repository_owner_id`]: OWNER_ID,
});
/** What an instance's own credentials carry. */
const fromInstance = (env: Env) => ({
  "ec2:SourceInstanceARN": arn.instance(env),
});

/**
 * A KMS key's policy that leaves its use to the account's IAM policies (KMS's default key policy),
 * so that a row on a key is decided by the role's own policies.
 */
const KEY_POLICY_OF_ACCOUNT = {
  Version: "2012-10-17",
  Statement: [
    {
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ],
};

type RowRequest = Pick<Row, "action" | "resource" | "context">;

/**
 * One request of a staging role, on staging's own resource (allowed: its work) and on
 * production's of the same class (denied).
 */
const ownNotProduction = (
  who: Who,
  what: string,
  request: (env: Env) => RowRequest,
): Row[] => [
  { who, ...request("staging"), expect: "Allowed", why: `staging's ${what}` },
  {
    who,
    ...request("production"),
    expect: "Denied",
    why: `production's ${what}`,
  },
];

const stagingCloudFormation: Row[] = [
  ...(
    [
      ["ec2:TerminateInstances", arn.instance, "instances"],
      [
        "ec2:AuthorizeSecurityGroupIngress",
        arn.securityGroup,
        "security groups",
      ],
      ["ec2:CreateSubnet", arn.vpc, "network"],
      [
        "elasticloadbalancing:DeleteLoadBalancer",
        arn.loadBalancer,
        "load balancer",
      ],
      [
        "autoscaling:UpdateAutoScalingGroup",
        arn.autoScalingGroup,
        "Auto Scaling group",
      ],
      ["elasticache:DeleteReplicationGroup", arn.cache, "Redis"],
      ["acm:DeleteCertificate", arn.certificate, "certificate"],
    ] as const
  ).flatMap(([action, resource, what]) =>
    ownNotProduction(
      "staging cloudformation",
      `${what}, by its environment tag`,
      (env) => ({
        action,
        resource: resource(env),
        context: tagged(env),
      }),
    ),
  ),
  ...(
    [
      ["rds:DeleteDBInstance", arn.database, "database"],
      ["secretsmanager:UpdateSecret", arn.secretKeyBase, "secret_key_base"],
      [
        "ssm:PutParameter",
        (env: Env) => arn.parameter(env, "release-bucket"),
        "parameters",
      ],
      ["s3:PutBucketPolicy", (env: Env) => arn.uploads(env), "uploads bucket"],
      ["logs:DeleteLogGroup", arn.logGroup, "log group"],
      ["cloudwatch:DeleteAlarms", arn.alarm, "alarms"],
      ["sns:Subscribe", arn.topic, "alarm topic"],
      ["lambda:UpdateFunctionCode", arn.function, "function"],
      ["ses:DeleteEmailIdentity", arn.mailIdentity, "mail identity"],
    ] as const
  ).flatMap(([action, resource, what]) =>
    ownNotProduction(
      "staging cloudformation",
      `${what}, by its name`,
      (env) => ({
        action,
        resource: resource(env),
      }),
    ),
  ),
  ...ownNotProduction(
    "staging cloudformation",
    "tag on a new resource",
    (env) => ({
      action: "ec2:CreateSecurityGroup",
      resource: arn.securityGroup("staging"),
      context: { "aws:RequestTag/environment": env },
    }),
  ),
  ...ownNotProduction(
    "staging cloudformation",
    "records in the shared zone",
    (env) => ({
      action: "route53:ChangeResourceRecordSets",
      resource: arn.zone,
      context: {
        "route53:ChangeResourceRecordSetsNormalizedRecordNames":
          env === "production"
            ? ["example.com"]
            : ["staging.example.com", "abc._domainkey.staging.example.com"],
      },
    }),
  ),
  // The role's boundary, which IAM checks on every change of a role's policies.
  ...ownNotProduction(
    "staging cloudformation",
    "instance role's policy",
    (env) => ({
      action: "iam:PutRolePolicy",
      resource: arn.stackRole(env, "instance"),
      context: {
        "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/board-${env}-boundary`,
      },
    }),
  ),
  ...ownNotProduction(
    "staging cloudformation",
    "permissions boundary on a new role",
    (env) => ({
      action: "iam:CreateRole",
      resource: arn.stackRole("staging", "instance"),
      context: {
        "iam:PermissionsBoundary": `arn:aws:iam::${ACCOUNT}:policy/board-${env}-boundary`,
      },
    }),
  ),
  ...ownNotProduction(
    "staging cloudformation",
    "instance role, given to an instance",
    (env) => ({
      action: "iam:PassRole",
      resource: arn.stackRole(env, "instance"),
      context: { "iam:PassedToService": "ec2.amazonaws.com" },
    }),
  ),
  {
    who: "staging cloudformation",
    action: "rds:CreateDBInstance",
    resource: arn.database("staging"),
    expect: "Allowed",
    why: "creates its database",
  },
  {
    who: "staging cloudformation",
    action: "secretsmanager:CreateSecret",
    resource: arn.databaseSecret("staging"),
    expect: "Allowed",
    why: "RDS creates the database's master secret with the caller's rights",
  },
  {
    who: "staging cloudformation",
    action: "secretsmanager:GetSecretValue",
    resource: arn.secretKeyBase("staging"),
    expect: "Denied",
    why: "CloudFormation never reads a secret",
  },
  // The backup copies' vault lives in another region than the environment's.
  ...ownNotProduction("staging cloudformation", "backup copy vault", (env) => ({
    action: "backup:CreateBackupVault",
    resource: `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:board-${env}-copy`,
  })),
  ...ownNotProduction(
    "staging cloudformation",
    "backup vault, emptied of its backups",
    (env) => ({
      action: "backup:DeleteBackupVault",
      resource: `arn:aws:backup:${REGION}:${ACCOUNT}:backup-vault:board-${env}-backups`,
    }),
  ),
  ...ownNotProduction(
    "staging cloudformation",
    "backup role, given to AWS Backup",
    (env) => ({
      action: "iam:PassRole",
      resource: `arn:aws:iam::${ACCOUNT}:role/board-${env}-backup`,
      context: { "iam:PassedToService": "backup.amazonaws.com" },
    }),
  ),
  {
    who: "staging cloudformation",
    action: "iam:PassRole",
    resource: `arn:aws:iam::${ACCOUNT}:role/board-staging-backup`,
    context: { "iam:PassedToService": "ec2.amazonaws.com" },
    expect: "Denied",
    why: "the backup role goes to AWS Backup only, never to an instance",
  },
  {
    who: "staging cloudformation",
    action: "iam:UpdateAssumeRolePolicy",
    resource: `arn:aws:iam::${ACCOUNT}:role/board-staging-backup`,
    expect: "Denied",
    why: "the backup role is the administrator's: its trust cannot be widened",
  },
  {
    who: "staging cloudformation",
    action: "kms:CreateGrant",
    resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    context: { "kms:ViaService": "backup.eu-west-1.amazonaws.com" },
    expect: "Allowed",
    why: "a new vault is bound to its key through AWS Backup",
  },
  {
    who: "staging cloudformation",
    action: "kms:CreateGrant",
    resource: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
    expect: "Denied",
    why: "no grant on a key but through AWS Backup",
  },
];

const stagingApplyAndPlan: Row[] = [
  ...ownNotProduction("staging apply", "change sets", (env) => ({
    action: "cloudformation:ExecuteChangeSet",
    resource: arn.stack(env, "app"),
  })),
  ...ownNotProduction("staging apply", "CloudFormation role", (env) => ({
    action: "iam:PassRole",
    resource: `arn:aws:iam::${ACCOUNT}:role/board-${env}-cloudformation`,
    context: { "iam:PassedToService": "cloudformation.amazonaws.com" },
  })),
  ...ownNotProduction("staging apply", "release pointer", (env) => ({
    action: "ssm:PutParameter",
    resource: arn.parameter(env, "current-release"),
  })),
  ...ownNotProduction(
    "staging apply",
    "instances, over Session Manager",
    (env) => ({
      action: "ssm:StartSession",
      resource: arn.instance(env),
      context: {
        "ssm:resourceTag/app": "board",
        "ssm:resourceTag/environment": env,
        "ssm:SessionDocumentAccessCheck": "true",
      },
    }),
  ),
  {
    who: "staging apply",
    action: "ssm:StartSession",
    resource: `arn:aws:ssm:${REGION}:${ACCOUNT}:document/SSM-SessionManagerRunShell`,
    expect: "Denied",
    why: "a shell session, rather than SSH for the deploy user",
  },
  ...ownNotProduction("staging plan", "stacks, previewed", (env) => ({
    action: "cloudformation:CreateChangeSet",
    resource: arn.stack(env, "app"),
  })),
  {
    who: "staging plan",
    action: "cloudformation:DeleteChangeSet",
    resource: arn.stack("staging", "app"),
    expect: "Allowed",
    why: "cleans its previews up",
  },
  ...(["staging", "production"] as const).map((env): Row => ({
    who: `${env} plan`,
    action: "cloudformation:ExecuteChangeSet",
    resource: arn.stack(env, "app"),
    expect: "Denied",
    why: "a preview never applies",
  })),
  {
    who: "staging plan",
    action: "cloudformation:UpdateStack",
    resource: arn.stack("staging", "app"),
    expect: "Denied",
    why: "nor updates a stack another way",
  },
];

const stagingInstanceAndFunction: Row[] = [
  ...(
    [
      [
        "secretsmanager:GetSecretValue",
        arn.secretKeyBase,
        "secret_key_base",
        () => ({}),
      ],
      [
        "secretsmanager:GetSecretValue",
        arn.databaseSecret,
        "database password",
        (env: Env) => ({
          "aws:ResourceTag/aws:rds:primaryDBInstanceArn": arn.database(env),
        }),
      ],
      [
        "ssm:GetParameter",
        (env: Env) => arn.parameter(env, "current-release"),
        "release pointer",
        () => ({}),
      ],
      [
        "s3:PutObject",
        (env: Env) => arn.uploads(env, "/avatar.png"),
        "uploads",
        () => ({}),
      ],
      ["ses:SendEmail", arn.mailIdentity, "mail identity", () => ({})],
      [
        "cloudformation:SignalResource",
        (env: Env) => arn.stack(env, "app"),
        "app stack",
        () => ({}),
      ],
      [
        "cloudformation:DescribeStackResource",
        (env: Env) => arn.stack(env, "app"),
        "app stack's boot files",
        () => ({}),
      ],
    ] as const
  ).flatMap(([action, resource, what, context]) =>
    ownNotProduction("staging instance", what, (env) => ({
      action,
      resource: resource(env),
      context: { ...fromInstance("staging"), ...context(env) },
    })),
  ),
  // The data stack's function sets the retention of RDS's own log groups.
  ...ownNotProduction("staging function", "database log groups", (env) => ({
    action: "logs:PutRetentionPolicy",
    resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/rds/instance/board-${env}-data-database-${SAMPLE_ID}/postgresql`,
    context: { "lambda:SourceFunctionArn": arn.function("staging") },
  })),
];

/** Who may assume which role. */
const trust: Row[] = [
  {
    who: "github token",
    role: "staging apply",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("environment:staging")),
    expect: "Allowed",
    why: "a job of the staging environment",
  },
  {
    who: "github token",
    role: "production apply",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("pull_request")),
    expect: "Denied",
    why: "a pull request's token, for the apply role",
  },
  {
    who: "github token",
    role: "production apply",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("environment:staging")),
    expect: "Denied",
    why: "another environment's job",
  },
  {
    who: "github token",
    role: "production apply",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token("repo:acme/board:environment:production"),
    expect: "Denied",
    why: "the legacy subject where the immutable one is configured",
  },
  {
    who: "github token",
    role: "production apply",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("environment:production"), "3333"),
    expect: "Denied",
    why: "another repository's ID claim",
  },
  {
    who: "github token",
    role: "production plan",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("pull_request")),
    expect: "Allowed",
    why: "a pull request previews",
  },
  {
    who: "github token",
    role: "production plan",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("environment:production")),
    expect: "Denied",
    why: "the plan role is for no environment: pull requests and main's plans only",
  },
  {
    who: "github token",
    role: "production plan",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("ref:refs/heads/main")),
    expect: "Allowed",
    why: "a push to main plans what its apply job executes",
  },
  {
    who: "github token",
    role: "production plan",
    action: "sts:AssumeRoleWithWebIdentity",
    context: token(subject("ref:refs/heads/feature")),
    expect: "Denied",
    why: "another branch's push plans nothing",
  },
  {
    who: "another account",
    role: "staging instance",
    action: "sts:AssumeRole",
    expect: "Denied",
    why: "a created role trusts its service only",
  },
  {
    who: "staging instance",
    action: "secretsmanager:GetSecretValue",
    resource: arn.secretKeyBase("staging"),
    expect: "Denied",
    why: "a created role's credentials used off its instances (as through a widened trust) get nothing",
  },
];

/** The releases bucket: each release is written once. */
const releases = (bucket: string): Row[] => [
  {
    who: "staging apply",
    action: "s3:PutObject",
    resource: `arn:aws:s3:::${bucket}/releases/r1.tar.gz`,
    context: { "s3:if-none-match": "*", "s3:ObjectCreationOperation": "true" },
    expect: "Allowed",
    why: "publishes a new release",
  },
  {
    who: "staging apply",
    action: "s3:PutObject",
    resource: `arn:aws:s3:::${bucket}/releases/r1.tar.gz`,
    context: { "s3:ObjectCreationOperation": "true" },
    expect: "Denied",
    why: "a write that could overwrite a release",
  },
  {
    who: "staging instance",
    action: "s3:GetObject",
    resource: `arn:aws:s3:::${bucket}/releases/r1.tar.gz`,
    context: fromInstance("staging"),
    expect: "Allowed",
    why: "a new instance installs the current release",
  },
];

/** What a PutObject that must not overwrite carries: If-None-Match: *. */
const WRITE_ONCE = {
  "s3:if-none-match": "*",
  "s3:ObjectCreationOperation": "true",
};

/**
 * The template bucket: pull requests' plans upload the templates bin/infra passes by URL and
 * CloudFormation reads them back with the plan role's credentials; nothing else of the bucket
 * or of the releases is theirs, and the apply role, which executes change sets planned before,
 * uploads nothing.
 */
const templates = (
  bucket: string,
  otherBucket: string,
  releaseBucket: string,
): Row[] => {
  const template = `arn:aws:s3:::${bucket}/templates/app/0a1b2c.yml`;
  const put = (
    who: Who,
    resource: string,
    context: Row["context"],
    expect: Row["expect"],
    why: string,
  ): Row => ({ who, action: "s3:PutObject", resource, context, expect, why });
  return [
    put(
      "staging plan",
      template,
      WRITE_ONCE,
      "Allowed",
      "a plan uploads the template, under a key not yet written",
    ),
    {
      who: "staging plan",
      action: "s3:GetObject",
      resource: template,
      expect: "Allowed",
      why: "CloudFormation reads it with the plan's credentials; bin/infra checks a stored one",
    },
    put(
      "staging plan",
      template,
      { "s3:ObjectCreationOperation": "true" },
      "Denied",
      "a write that could overwrite a template",
    ),
    put(
      "staging plan",
      template,
      { ...WRITE_ONCE, "aws:SecureTransport": "false" },
      "Denied",
      "only over TLS",
    ),
    put(
      "staging plan",
      `arn:aws:s3:::${bucket}/other/key`,
      WRITE_ONCE,
      "Denied",
      "templates/ only",
    ),
    put(
      "staging plan",
      `arn:aws:s3:::${releaseBucket}/releases/r1.tar.gz`,
      WRITE_ONCE,
      "Denied",
      "a pull request publishes no release",
    ),
    put(
      "staging plan",
      `arn:aws:s3:::${otherBucket}/templates/app/0a1b2c.yml`,
      WRITE_ONCE,
      "Denied",
      "production's templates are production's plans'",
    ),
    put(
      "staging apply",
      template,
      WRITE_ONCE,
      "Denied",
      "apply executes change sets already planned: it uploads no template",
    ),
  ];
};

describe("IAM policies as AWS evaluates them (iam-simulate), both environments in one account", function () {
  this.timeout(120_000);
  const deployed = new Map<Env, DeployedStacks>();
  let repo: string;

  before(async () => {
    repo = await generateRepo([
      ...["--app-name", "board", "--github-repository", "acme/board"],
      ...[
        "--github-owner-id",
        OWNER_ID,
        "--github-repository-id",
        REPOSITORY_ID,
      ],
    ]);
    for (const env of ["production", "staging"] as const)
      deployed.set(
        env,
        deployedStacks(repo, env, ["deploy", "network", "data", "app"]),
      );
  });

  const roleOf = (name: string): DeployedRole => {
    const [env, kind] = name.split(" ") as [Env, string];
    const stacks = deployed.get(env)!;
    const logical = {
      cloudformation: "deploy.CloudFormationRole",
      apply: "deploy.DeployRole",
      plan: "deploy.PlanRole",
      instance: "app.InstanceRole",
      function: "data.DatabaseLogRetentionRole",
    }[kind]!;
    const role = stacks.roles.get(`board-${env}-${logical}`);
    assert.ok(role, `no ${name} role in the stacks`);
    return role;
  };

  /** The principal and policies a row's request is decided by. */
  function evaluate(row: Row): Promise<"Allowed" | "Denied"> {
    if (row.role) {
      const role = roleOf(row.role);
      const principal =
        row.who === "github token"
          ? PROVIDER
          : `arn:aws:iam::${OTHER_ACCOUNT}:root`;
      // The other account's own policies allow it everything: only the trust may refuse.
      const identity =
        row.who === "another account"
          ? [
              {
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
              },
            ]
          : [];
      const request: Request = {
        principal,
        action: row.action,
        resource: role.arn,
        context: row.context,
      };
      return decide(request, { identity, resource: role.trust });
    }
    const role = roleOf(row.who);
    const env = row.who.split(" ")[0] as Env;
    const bucket = row.resource?.match(/^arn:aws:s3:::([^/]+)/)?.[1];
    const policies: Policies = {
      identity: role.policies,
      boundary: role.boundary,
      resource: bucket
        ? deployed.get(env)!.bucketPolicies.get(bucket)
        : row.resource?.startsWith("arn:aws:kms:")
          ? KEY_POLICY_OF_ACCOUNT
          : undefined,
    };
    const name = role.arn.split("/").pop();
    return decide(
      {
        principal: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/session`,
        action: row.action,
        resource: row.resource!,
        context: row.context,
      },
      policies,
    );
  }

  const table = (title: string, rows: () => Row[]) =>
    describe(title, () => {
      for (const row of rows())
        it(`${row.expect}: ${row.who}${row.role ? ` → ${row.role}` : ""} ${row.action} ${row.resource ?? ""} (${row.why})`, async () => {
          assert.equal(await evaluate(row), row.expect);
        });
    });

  table(
    "staging's CloudFormation role: its own resources, none of production's",
    () => stagingCloudFormation,
  );
  table(
    "staging's apply and plan roles: its own stacks, none of production's; plans never apply",
    () => stagingApplyAndPlan,
  );
  table(
    "roles the stacks create, under staging's boundary: its own data, none of production's",
    () => stagingInstanceAndFunction,
  );
  table("trust", () => trust);
  describe("the releases bucket", () => {
    it("writes a release once: a PutObject must carry If-None-Match: *", async () => {
      const bucket = deployed
        .get("staging")!
        .names.get("board-staging-deploy.ReleaseBucket")!;
      for (const row of releases(bucket))
        assert.equal(
          await evaluate(row),
          row.expect,
          `${row.action} (${row.why})`,
        );
    });
  });
  describe("the template bucket", () => {
    it("takes templates/ from the environment's plans only", async () => {
      const name = (env: Env, resource: string) =>
        deployed.get(env)!.names.get(`board-${env}-deploy.${resource}`)!;
      for (const row of templates(
        name("staging", "TemplateBucket"),
        name("production", "TemplateBucket"),
        name("staging", "ReleaseBucket"),
      ))
        assert.equal(
          await evaluate(row),
          row.expect,
          `${row.who} ${row.action} ${row.resource} (${row.why})`,
        );
    });
  });
  describe("the access logs' bucket", () => {
    const ELB_US_EAST_1 = "arn:aws:iam::127311923021:root";
    const ELB_SERVICE = "logdelivery.elasticloadbalancing.amazonaws.com";
    const allowAll = [
      {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
      },
    ];
    /** A log file as the load balancer names it, or another key of the bucket. */
    const key = (bucket: string, path = "load-balancer") =>
      `arn:aws:s3:::${bucket}/${path}/AWSLogs/${ACCOUNT}/elasticloadbalancing/${REGION}/2026/01/01/${ACCOUNT}_elasticloadbalancing_${REGION}_app.board.log.gz`;

    /** Whether principal may write resource, with its own account's policies allowing it everything. */
    function write(
      stacks: DeployedStacks,
      principal: string,
      resource: string,
      secure = true,
    ) {
      const bucket = resource.match(/^arn:aws:s3:::([^/]+)/)![1]!;
      return decide(
        {
          principal,
          action: "s3:PutObject",
          resource,
          context: { "aws:SecureTransport": String(secure) },
        },
        {
          identity: principal.startsWith("arn:") ? allowAll : [],
          resource: stacks.bucketPolicies.get(bucket),
        },
      );
    }

    it("lets the region's Elastic Load Balancing account write the load balancer's logs, over TLS, under its prefix only; no other account", async () => {
      const stacks = deployed.get("staging")!;
      const bucket = stacks.names.get("board-staging-data.LogBucket")!;
      assert.equal(await write(stacks, ELB_US_EAST_1, key(bucket)), "Allowed");
      assert.equal(
        await write(stacks, ELB_US_EAST_1, key(bucket, "releases")),
        "Denied",
      );
      assert.equal(
        await write(stacks, ELB_US_EAST_1, key(bucket), false),
        "Denied",
      );
      assert.equal(
        await write(stacks, `arn:aws:iam::${OTHER_ACCOUNT}:root`, key(bucket)),
        "Denied",
      );
      assert.equal(await write(stacks, ELB_SERVICE, key(bucket)), "Denied");
    });

    it("in a region opened since August 2022, lets Elastic Load Balancing's log delivery service write instead of an account", async () => {
      // The same stacks, with the parameter a region without an ELB account gets.
      const newer = join(tempDir(), "board");
      cpSync(repo, newer, { recursive: true });
      const path = join(newer, "infra/parameters/staging/data.json");
      const parameters = JSON.parse(readFileSync(path, "utf8"));
      writeFileSync(path, JSON.stringify({ ...parameters, ElbLogAccount: "" }));
      const stacks = deployedStacks(newer, "staging", [
        "deploy",
        "network",
        "data",
      ]);
      const bucket = stacks.names.get("board-staging-data.LogBucket")!;
      assert.equal(await write(stacks, ELB_SERVICE, key(bucket)), "Allowed");
      assert.equal(await write(stacks, ELB_US_EAST_1, key(bucket)), "Denied");
    });
  });
});
