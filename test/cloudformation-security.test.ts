// The cloudformation-security validator: one broken template per rule, and the variant that
// passes it, so each rule is shown to fire exactly where it should.
import assert from "node:assert/strict";
import { cloudformationSecurity } from "../check/validators/cloudformation-security.js";
import { checkFiles } from "./helpers/check.js";

async function check(files: Record<string, string>) {
  const report = await checkFiles(files, [cloudformationSecurity]);
  return report.findings.map(({ file, line, message }) => ({
    file,
    line,
    message,
  }));
}

/** The findings for a template of these resources (YAML, indented under Resources). */
const findingsFor = async (
  resources: string,
  files: Record<string, string> = {},
) =>
  (
    await check({
      "infra/cloudformation/t.yml": `Resources:\n${resources}`,
      ...files,
    })
  ).map(({ line, message }) => ({ line, message }));

const lines = (...text: string[]) => `${text.join("\n")}\n`;

const launchTemplate = (metadata: string, encrypted: string) =>
  lines(
    "  Template:",
    "    Type: AWS::EC2::LaunchTemplate",
    "    Properties:",
    "      LaunchTemplateData:",
    `        MetadataOptions: { HttpTokens: ${metadata} }`,
    "        BlockDeviceMappings:",
    "          - DeviceName: /dev/sda1",
    `            Ebs: { VolumeType: gp3, Encrypted: ${encrypted} }`,
  );

const database = (properties: string) =>
  lines(
    "  Database:",
    "    Type: AWS::RDS::DBInstance",
    "    Properties:",
    "      Engine: postgres",
    "      DBInstanceClass: db.t4g.micro",
    ...properties.split("\n").map((line) => `      ${line}`),
  );

const bucket = (block: string, encryption = true) =>
  lines(
    "  Bucket:",
    "    Type: AWS::S3::Bucket",
    "    Properties:",
    ...(encryption
      ? [
          "      BucketEncryption:",
          "        ServerSideEncryptionConfiguration:",
          "          - ServerSideEncryptionByDefault: { SSEAlgorithm: AES256 }",
        ]
      : []),
    `      PublicAccessBlockConfiguration: { ${block} }`,
  );

const ALL_BLOCKED =
  "BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true";

const role = (statements: string, extra = "") =>
  lines(
    "  Role:",
    "    Type: AWS::IAM::Role",
    "    Properties:",
    "      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }",
    ...(extra ? [`      ${extra}`] : []),
    "      Policies:",
    "        - PolicyName: p",
    "          PolicyDocument:",
    "            Version: '2012-10-17'",
    "            Statement:",
    ...statements.split("\n").map((line) => `              ${line}`),
  );

describe("check: cloudformation-security validator", function () {
  this.timeout(20_000);

  it("imdsv2: a launch template must require tokens, and an instance must use such a template", async () => {
    assert.deepEqual(await findingsFor(launchTemplate("required", "true")), []);
    assert.deepEqual(await findingsFor(launchTemplate("optional", "true")), [
      {
        line: 4,
        message:
          "[imdsv2] Template must set MetadataOptions.HttpTokens: required (IMDSv2 only)",
      },
    ]);
    assert.deepEqual(
      await findingsFor(
        lines(
          "  Instance:",
          "    Type: AWS::EC2::Instance",
          "    Properties: { ImageId: ami-1 }",
        ),
      ),
      [
        {
          line: 2,
          message:
            "[imdsv2] Instance must launch from a launch template of this stack that requires IMDSv2 (an instance has no metadata options of its own)",
        },
      ],
    );
  });

  it("encryption: EBS volumes, RDS storage, S3 buckets and Redis must be encrypted", async () => {
    assert.deepEqual(await findingsFor(launchTemplate("required", "false")), [
      {
        line: 9,
        message: "[encryption] Template: Encrypted (EBS) must be true",
      },
    ]);
    assert.deepEqual(
      await findingsFor(
        database(
          "StorageEncrypted: false\nPubliclyAccessible: false\nDeletionProtection: true",
        ),
      ),
      [
        {
          line: 4,
          message: "[encryption] Database: StorageEncrypted must be true",
        },
      ],
    );
    assert.deepEqual(await findingsFor(bucket(ALL_BLOCKED, false)), [
      {
        line: 4,
        message:
          "[encryption] Bucket must set BucketEncryption (default server-side encryption)",
      },
    ]);
    const redis = lines(
      "  Cache:",
      "    Type: AWS::ElastiCache::ReplicationGroup",
      "    Properties:",
      "      ReplicationGroupDescription: x",
      "      AtRestEncryptionEnabled: true",
      "      TransitEncryptionEnabled: !If [Prod, true, false]",
    );
    assert.deepEqual(await findingsFor(redis), [
      {
        line: 4,
        message: "[encryption] Cache: TransitEncryptionEnabled must be true",
      },
    ]);
  });

  it("encryption: a read replica takes its source's encryption", async () => {
    const replica = lines(
      "  Replica:",
      "    Type: AWS::RDS::DBInstance",
      "    Properties:",
      "      SourceDBInstanceIdentifier: db-1",
      "      DBInstanceClass: db.t4g.micro",
      "      PubliclyAccessible: false",
      "      DeletionProtection: true",
    );
    assert.deepEqual(await findingsFor(replica), []);
  });

  it("s3-public-access: every public access block flag must be on", async () => {
    assert.deepEqual(await findingsFor(bucket(ALL_BLOCKED)), []);
    assert.deepEqual(
      await findingsFor(
        bucket(
          "BlockPublicAcls: true, BlockPublicPolicy: false, IgnorePublicAcls: true",
        ),
      ),
      [
        {
          line: 4,
          message:
            "[s3-public-access] Bucket must block public access: PublicAccessBlockConfiguration BlockPublicPolicy, RestrictPublicBuckets must be true",
        },
      ],
    );
  });

  it("rds-not-public: PubliclyAccessible must be false, not left to the subnet's default", async () => {
    assert.deepEqual(
      await findingsFor(
        database(
          "StorageEncrypted: true\nPubliclyAccessible: true\nDeletionProtection: true",
        ),
      ),
      [
        {
          line: 4,
          message:
            "[rds-not-public] Database must set PubliclyAccessible: false",
        },
      ],
    );
    assert.deepEqual(
      await findingsFor(
        database("StorageEncrypted: true\nDeletionProtection: true"),
      ),
      [
        {
          line: 4,
          message:
            "[rds-not-public] Database must set PubliclyAccessible: false",
        },
      ],
    );
  });

  it("open-ingress: anywhere may reach the load balancer on 80 and 443, and nothing else", async () => {
    const group = (rules: string) =>
      lines(
        "  Group:",
        "    Type: AWS::EC2::SecurityGroup",
        "    Properties:",
        "      GroupDescription: x",
        "      SecurityGroupIngress:",
        ...rules.split("\n").map((rule) => `        - ${rule}`),
      );
    const web =
      "{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }";
    const balancer = lines(
      "  Balancer:",
      "    Type: AWS::ElasticLoadBalancingV2::LoadBalancer",
      "    Properties: { SecurityGroups: [!Ref Group] }",
    );
    assert.deepEqual(await findingsFor(group(web) + balancer), []);
    assert.deepEqual(
      await findingsFor(
        group(
          [
            "{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0 }",
            "{ IpProtocol: tcp, FromPort: 3000, ToPort: 3000, CidrIpv6: ::/0 }",
            '{ IpProtocol: "-1", CidrIp: 0.0.0.0/0 }',
            "{ IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/16 }",
          ].join("\n"),
        ),
      ),
      [
        {
          line: 7,
          message:
            "[open-ingress] Ingress from anywhere is for the load balancer on 80 and 443 only, not tcp port 22",
        },
        {
          line: 8,
          message:
            "[open-ingress] Ingress from anywhere is for the load balancer on 80 and 443 only, not tcp port 3000",
        },
        {
          line: 9,
          message:
            "[open-ingress] Ingress from anywhere is for the load balancer on 80 and 443 only, not every protocol and port",
        },
      ],
    );
    const instance = lines(
      "  Template:",
      "    Type: AWS::EC2::LaunchTemplate",
      "    Properties:",
      "      LaunchTemplateData:",
      "        MetadataOptions: { HttpTokens: required }",
      "        SecurityGroupIds: [!GetAtt Group.GroupId]",
    );
    assert.deepEqual(await findingsFor(group(web) + instance), [
      {
        line: 8,
        message:
          "[open-ingress] Template uses Group, which is open to anywhere: only a load balancer may",
      },
    ]);
  });

  it('iam-least-privilege: no Action "*", no write on Resource "*", no NotAction, no administrator policy', async () => {
    assert.deepEqual(
      await findingsFor(
        role(
          lines(
            "- { Effect: Allow, Action: ec2:Describe*, Resource: '*' }",
            "- { Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource: arn:aws:s3:::b/* }",
            "- { Effect: Deny, Action: '*', Resource: '*' }",
          ),
        ),
      ),
      [],
    );
    assert.deepEqual(
      await findingsFor(
        role(
          lines(
            "- { Effect: Allow, Action: '*', Resource: arn:aws:s3:::b }",
            "- { Effect: Allow, Action: [ssm:GetParameter, ssm:PutParameter, ec2:*], Resource: ['*'] }",
            "- { Effect: Allow, NotAction: iam:*, Resource: arn:aws:s3:::b }",
          ),
          'ManagedPolicyArns: [!Sub "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess"]',
        ),
      ),
      [
        {
          line: 6,
          message:
            "[iam-least-privilege] Role must not hold AdministratorAccess",
        },
        {
          line: 12,
          message:
            '[iam-least-privilege] A statement must not allow Action "*"',
        },
        {
          line: 13,
          message:
            '[iam-least-privilege] Write actions must name their resources, not Resource "*": ssm:PutParameter, ec2:*',
        },
        {
          line: 14,
          message:
            "[iam-least-privilege] An Allow statement must list its actions, not NotAction",
        },
      ],
    );
  });

  it("iam-least-privilege: a permissions boundary is a ceiling, not a grant", async () => {
    const boundary = lines(
      "  Boundary:",
      "    Type: AWS::IAM::ManagedPolicy",
      "    Properties:",
      "      PolicyDocument:",
      "        Version: '2012-10-17'",
      "        Statement: [{ Effect: Allow, Action: [ssm:*, logs:*], Resource: '*' }]",
    );
    const bounded = lines(
      "  Bounded:",
      "    Type: AWS::IAM::Role",
      "    Properties:",
      "      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }",
      "      PermissionsBoundary: !Ref Boundary",
    );
    assert.deepEqual(await findingsFor(boundary + bounded), []);
    assert.deepEqual(await findingsFor(boundary), [
      {
        line: 7,
        message:
          '[iam-least-privilege] Write actions must name their resources, not Resource "*": ssm:*, logs:*',
      },
    ]);
  });

  it("deletion-protection: production's database, as production's parameter file makes it", async () => {
    const template = (protection: string) =>
      lines(
        "Parameters:",
        "  Environment: { Type: String }",
        "Conditions:",
        "  IsProduction: !Equals [!Ref Environment, production]",
        "Resources:",
        "  Database:",
        "    Type: AWS::RDS::DBInstance",
        "    Properties:",
        "      StorageEncrypted: true",
        "      PubliclyAccessible: false",
        `      DeletionProtection: ${protection}`,
      );
    const parameters = (env: string) => ({
      [`infra/parameters/${env}/data.json`]: `{ "Environment": "${env}" }\n`,
    });
    const run = async (protection: string, ...envs: string[]) =>
      (
        await check({
          "infra/cloudformation/data.yml": template(protection),
          ...Object.assign({}, ...envs.map(parameters)),
        })
      ).map(({ line, message }) => ({ line, message }));
    assert.deepEqual(
      await run("!If [IsProduction, true, false]", "production", "staging"),
      [],
    );
    assert.deepEqual(
      await run("!If [IsProduction, false, true]", "production", "staging"),
      [
        {
          line: 8,
          message:
            "[deletion-protection] Database must have DeletionProtection in production (it is false there)",
        },
      ],
    );
    // Deployed to staging only: no production database to protect.
    assert.deepEqual(await run("false", "staging"), []);
    // A read replica is exempt: its data is its source's, and protecting it would fail the
    // update that turns it off.
    const replica = (
      await check({
        "infra/cloudformation/data.yml": template("false").replace(
          "      StorageEncrypted: true",
          "      SourceDBInstanceIdentifier: source\n      StorageEncrypted: true",
        ),
        ...parameters("production"),
      })
    ).map(({ message }) => message);
    assert.deepEqual(replica, []);
    // No parameter file at all: the template is checked as production with its defaults.
    assert.deepEqual(await run("!If [IsProduction, true, false]"), [
      {
        line: 8,
        message:
          "[deletion-protection] Database must have DeletionProtection in production (its value there is unknown)",
      },
    ]);
  });

  it("plaintext-secret: no secret value in a template or a parameter file", async () => {
    const findings = await check({
      "infra/cloudformation/t.yml": lines(
        "Parameters:",
        "  DbPassword: { Type: String, Default: hunter2 }",
        "  Token: { Type: String, NoEcho: true, Default: x }",
        "  SecretName: { Type: String, Default: app/secret-key-base }",
        "Resources:",
        "  Database:",
        "    Type: AWS::RDS::DBInstance",
        "    Properties:",
        "      StorageEncrypted: true",
        "      PubliclyAccessible: false",
        "      DeletionProtection: true",
        "      MasterUserPassword: hunter2",
        "  Managed:",
        "    Type: AWS::RDS::DBInstance",
        "    Properties:",
        "      StorageEncrypted: true",
        "      PubliclyAccessible: false",
        "      DeletionProtection: true",
        "      ManageMasterUserPassword: true",
        "      MasterUserPassword: '{{resolve:secretsmanager:db:SecretString:password}}'",
      ),
      "infra/parameters/staging/t.json": lines(
        "{",
        '  "ApiToken": "abc123",',
        '  "Note": "AKIAABCDEFGHIJKLMNOP"',
        "}",
      ),
    });
    assert.deepEqual(findings, [
      {
        file: "infra/cloudformation/t.yml",
        line: 2,
        message:
          "[plaintext-secret] Parameter DbPassword must not have a secret default: use Secrets Manager",
      },
      {
        file: "infra/cloudformation/t.yml",
        line: 3,
        message:
          "[plaintext-secret] Parameter Token must not have a secret default: use Secrets Manager",
      },
      {
        file: "infra/cloudformation/t.yml",
        line: 12,
        message:
          "[plaintext-secret] MasterUserPassword holds a secret in plain text: use Secrets Manager (ManageMasterUserPassword, GenerateSecretString or {{resolve:secretsmanager:...}})",
      },
      {
        file: "infra/parameters/staging/t.json",
        line: 2,
        message:
          "[plaintext-secret] ApiToken holds a secret in plain text: let the template take it from Secrets Manager",
      },
      {
        file: "infra/parameters/staging/t.json",
        line: 3,
        message:
          "[plaintext-secret] This line holds an AWS access key ID: keep secrets out of the repository",
      },
    ]);
  });
});
