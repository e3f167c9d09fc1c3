// The project's security rules for CloudFormation. Each rule looks at one template (and, for
// production-only rules, the production parameter values) and names what it found in a message
// that starts with the rule's name.
import type { Problem } from "../types.js";
import { alwaysFalse, alwaysTrue, type Evaluator } from "./evaluate.js";
import {
  intrinsicOf,
  isNoValue,
  isObject,
  type Json,
  type JsonObject,
  type Path,
  valueAt,
  walkJson,
} from "./json.js";
import { problemAt, section, type ParsedFile } from "./template.js";

interface RuleInput {
  template: ParsedFile;
  resources: [string, JsonObject][];
  /** The template evaluated with production's parameters; undefined when production does not deploy it. */
  production?: Evaluator;
}

interface Rule {
  name: string;
  check(input: RuleInput): RuleFinding[];
}

/** A finding at a path of the template. */
interface RuleFinding {
  path: Path;
  message: string;
}

export function runRules(rules: readonly Rule[], input: RuleInput): Problem[] {
  return rules.flatMap((rule) =>
    rule
      .check(input)
      .map((finding) =>
        problemAt(
          input.template,
          finding.path,
          `[${rule.name}] ${finding.message}`,
        ),
      ),
  );
}

const propertiesOf = (resource: JsonObject): JsonObject =>
  isObject(resource.Properties) ? resource.Properties : {};

const ofType = (input: RuleInput, ...types: string[]) =>
  input.resources.filter(([, resource]) =>
    types.includes(String(resource.Type)),
  );

/** The items of a list, looking through Fn::If (both branches) and skipping AWS::NoValue. */
function itemsOf(value: Json, path: Path): [Json, Path][] {
  if (intrinsicOf(value) === "Fn::If") {
    const args = (value as JsonObject)["Fn::If"];
    if (!Array.isArray(args)) return [];
    return [1, 2].flatMap((index) =>
      isNoValue(args[index])
        ? []
        : itemsOf(args[index], [...path, "Fn::If", index]),
    );
  }
  if (!Array.isArray(value)) return value === undefined ? [] : [[value, path]];
  return value.flatMap((item, index) =>
    isNoValue(item) ? [] : itemsOf(item, [...path, index]),
  );
}

const get = (value: Json, ...keys: string[]): Json => valueAt(value, keys);

const imdsv2: Rule = {
  name: "imdsv2",
  check(input) {
    const findings: RuleFinding[] = [];
    for (const [id, resource] of ofType(
      input,
      "AWS::EC2::LaunchTemplate",
      "AWS::AutoScaling::LaunchConfiguration",
    )) {
      const data =
        resource.Type === "AWS::EC2::LaunchTemplate"
          ? get(propertiesOf(resource), "LaunchTemplateData")
          : propertiesOf(resource);
      if (get(data, "MetadataOptions", "HttpTokens") !== "required")
        findings.push({
          path: ["Resources", id, "Properties"],
          message: `${id} must set MetadataOptions.HttpTokens: required (IMDSv2 only)`,
        });
    }
    for (const [id, resource] of ofType(input, "AWS::EC2::Instance")) {
      const template = get(
        propertiesOf(resource),
        "LaunchTemplate",
        "LaunchTemplateId",
      );
      const launchTemplate =
        isObject(template) && typeof template.Ref === "string"
          ? template.Ref
          : undefined;
      if (
        !launchTemplate ||
        !input.resources.some(([other]) => other === launchTemplate)
      )
        findings.push({
          path: ["Resources", id],
          message: `${id} must launch from a launch template of this stack that requires IMDSv2 (an instance has no metadata options of its own)`,
        });
    }
    return findings;
  },
};

/** Flags under Properties that must be true, by resource type, each with its name in a message. */
const ENCRYPTION_FLAGS: Record<string, [flag: string, label: string][]> = {
  "AWS::RDS::DBInstance": [["StorageEncrypted", "StorageEncrypted"]],
  "AWS::RDS::DBCluster": [["StorageEncrypted", "StorageEncrypted"]],
  "AWS::ElastiCache::ReplicationGroup": [
    ["AtRestEncryptionEnabled", "AtRestEncryptionEnabled"],
    ["TransitEncryptionEnabled", "TransitEncryptionEnabled"],
  ],
  "AWS::EC2::Volume": [["Encrypted", "Encrypted (EBS)"]],
};

const encryption: Rule = {
  name: "encryption",
  check(input) {
    const findings: RuleFinding[] = [];
    const require = (id: string, path: Path, flag: Json, what: string) => {
      if (!alwaysTrue(flag))
        findings.push({
          path: ["Resources", id, ...path],
          message: `${id}: ${what} must be true`,
        });
    };
    for (const [id, resource] of ofType(
      input,
      ...Object.keys(ENCRYPTION_FLAGS),
    )) {
      const properties = propertiesOf(resource);
      // A read replica or a cluster member takes its encryption from its source or cluster.
      const inherited =
        resource.Type === "AWS::RDS::DBInstance" &&
        (properties.SourceDBInstanceIdentifier !== undefined ||
          properties.DBClusterIdentifier !== undefined);
      if (inherited) continue;
      for (const [flag, label] of ENCRYPTION_FLAGS[String(resource.Type)]!)
        require(id, ["Properties"], properties[flag], label);
    }
    for (const [id, resource] of ofType(
      input,
      "AWS::EC2::LaunchTemplate",
      "AWS::AutoScaling::LaunchConfiguration",
      "AWS::EC2::Instance",
    )) {
      const base =
        resource.Type === "AWS::EC2::LaunchTemplate"
          ? ["Properties", "LaunchTemplateData"]
          : ["Properties"];
      const mappings = get(resource, ...base, "BlockDeviceMappings");
      for (const [mapping, path] of itemsOf(mappings, [
        ...base,
        "BlockDeviceMappings",
      ])) {
        const ebs = get(mapping, "Ebs");
        if (ebs !== undefined)
          require(id, [...path, "Ebs"], get(
            ebs,
            "Encrypted",
          ), "Encrypted (EBS)");
      }
    }
    for (const [id, resource] of ofType(input, "AWS::S3::Bucket")) {
      const rules = get(
        propertiesOf(resource),
        "BucketEncryption",
        "ServerSideEncryptionConfiguration",
      );
      if (!Array.isArray(rules) || rules.length === 0)
        findings.push({
          path: ["Resources", id, "Properties"],
          message: `${id} must set BucketEncryption (default server-side encryption)`,
        });
    }
    return findings;
  },
};

const PUBLIC_ACCESS_BLOCK = [
  "BlockPublicAcls",
  "BlockPublicPolicy",
  "IgnorePublicAcls",
  "RestrictPublicBuckets",
];

const s3PublicAccess: Rule = {
  name: "s3-public-access",
  check(input) {
    return ofType(input, "AWS::S3::Bucket").flatMap(([id, resource]) => {
      const block = get(
        propertiesOf(resource),
        "PublicAccessBlockConfiguration",
      );
      const open = PUBLIC_ACCESS_BLOCK.filter(
        (flag) => !alwaysTrue(get(block, flag)),
      );
      return open.length === 0
        ? []
        : [
            {
              path: ["Resources", id, "Properties"],
              message: `${id} must block public access: PublicAccessBlockConfiguration ${open.join(", ")} must be true`,
            },
          ];
    });
  },
};

const rdsNotPublic: Rule = {
  name: "rds-not-public",
  check(input) {
    return ofType(input, "AWS::RDS::DBInstance").flatMap(([id, resource]) =>
      alwaysFalse(propertiesOf(resource).PubliclyAccessible)
        ? []
        : [
            {
              path: ["Resources", id, "Properties"],
              message: `${id} must set PubliclyAccessible: false`,
            },
          ],
    );
  },
};

const WORLD = new Set(["0.0.0.0/0", "::/0"]);
/** Where a world-open group may be attached: load balancers (and rules and outputs about it). */
const LOAD_BALANCER_TYPES = new Set([
  "AWS::ElasticLoadBalancingV2::LoadBalancer",
  "AWS::ElasticLoadBalancing::LoadBalancer",
  "AWS::EC2::SecurityGroup",
  "AWS::EC2::SecurityGroupIngress",
  "AWS::EC2::SecurityGroupEgress",
]);

const openIngress: Rule = {
  name: "open-ingress",
  check(input) {
    const findings: RuleFinding[] = [];
    const worldOpen = new Set<string>();
    const checkRule = (group: string | undefined, rule: Json, path: Path) => {
      if (
        !WORLD.has(String(get(rule, "CidrIp"))) &&
        !WORLD.has(String(get(rule, "CidrIpv6")))
      )
        return;
      const from = Number(get(rule, "FromPort"));
      const to = Number(get(rule, "ToPort"));
      const web =
        String(get(rule, "IpProtocol")) === "tcp" &&
        from === to &&
        (from === 80 || from === 443);
      if (!web)
        findings.push({
          path,
          message: `Ingress from anywhere is for the load balancer on 80 and 443 only, not ${describeRule(rule)}`,
        });
      else if (group) worldOpen.add(group);
    };
    for (const [id, resource] of ofType(input, "AWS::EC2::SecurityGroup")) {
      const path = ["Resources", id, "Properties", "SecurityGroupIngress"];
      for (const [rule, rulePath] of itemsOf(
        get(resource, "Properties", "SecurityGroupIngress"),
        path,
      ))
        checkRule(id, rule, rulePath);
    }
    for (const [id, resource] of ofType(
      input,
      "AWS::EC2::SecurityGroupIngress",
    )) {
      const group = get(propertiesOf(resource), "GroupId");
      checkRule(
        isObject(group) && typeof group.Ref === "string"
          ? group.Ref
          : undefined,
        propertiesOf(resource),
        ["Resources", id, "Properties"],
      );
    }
    for (const group of worldOpen) {
      for (const [id, resource] of input.resources) {
        if (
          !LOAD_BALANCER_TYPES.has(String(resource.Type)) &&
          refersTo(resource, group)
        )
          findings.push({
            path: ["Resources", id],
            message: `${id} uses ${group}, which is open to anywhere: only a load balancer may`,
          });
      }
    }
    return findings;
  },
};

function describeRule(rule: Json): string {
  const protocol = String(get(rule, "IpProtocol"));
  if (protocol === "-1") return "every protocol and port";
  const from = get(rule, "FromPort");
  const to = get(rule, "ToPort");
  return `${protocol} ${from === to ? `port ${from}` : `ports ${from}-${to}`}`;
}

/** Whether a Ref or Fn::GetAtt anywhere in `value` names `id`. */
function refersTo(value: Json, id: string): boolean {
  let found = false;
  walkJson(value, (item) => {
    const getAtt = get(item, "Fn::GetAtt");
    found ||=
      get(item, "Ref") === id || (Array.isArray(getAtt) && getAtt[0] === id);
    return !found;
  });
  return found;
}

/** AWS managed policies that amount to administrator access. */
const ADMIN_POLICIES =
  /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess)$/;
/** Actions that only read: anything else (including `service:*`) may write. */
const READ_ONLY_ACTION =
  /^[a-z0-9-]+:(Describe|Get|List|BatchGet|Head|Search|Lookup|View|Query|Scan)[A-Za-z*]*$/;

/**
 * Write actions that name no resource type in AWS's Service Authorization Reference: only
 * Resource "*" grants them. backup-storage:MountCapsule binds a new backup vault to its key.
 */
const ACTIONS_WITHOUT_RESOURCES = new Set(["backup-storage:MountCapsule"]);

const iamLeastPrivilege: Rule = {
  name: "iam-least-privilege",
  check(input) {
    const findings: RuleFinding[] = [];
    const boundaries = permissionsBoundaries(input);
    for (const [id, resource] of input.resources) {
      const type = String(resource.Type);
      if (type === "AWS::IAM::ManagedPolicy" && boundaries.has(id)) continue;
      for (const [document, path] of identityPolicies(id, resource))
        findings.push(...statementFindings(document, path));
      if (
        type === "AWS::IAM::Role" ||
        type === "AWS::IAM::User" ||
        type === "AWS::IAM::Group"
      ) {
        const arns = get(resource, "Properties", "ManagedPolicyArns");
        for (const [arn, path] of itemsOf(arns, [
          "Resources",
          id,
          "Properties",
          "ManagedPolicyArns",
        ])) {
          const admin = ADMIN_POLICIES.exec(textOf(arn))?.[1];
          if (admin)
            findings.push({ path, message: `${id} must not hold ${admin}` });
        }
      }
    }
    return findings;
  },
};

/** A string, or the text of an Fn::Sub (its variables left as they are). */
function textOf(value: Json): string {
  if (typeof value === "string") return value;
  const sub = get(value, "Fn::Sub");
  const text = Array.isArray(sub) ? sub[0] : sub;
  return typeof text === "string" ? text : "";
}

/** The policy documents of an identity (role, user, group, policy) with their paths. */
function identityPolicies(id: string, resource: JsonObject): [Json, Path][] {
  const base = ["Resources", id, "Properties"];
  switch (resource.Type) {
    case "AWS::IAM::Role":
    case "AWS::IAM::User":
    case "AWS::IAM::Group":
      return itemsOf(get(resource, "Properties", "Policies"), [
        ...base,
        "Policies",
      ]).map(([policy, path]) => [
        get(policy, "PolicyDocument"),
        [...path, "PolicyDocument"],
      ]);
    case "AWS::IAM::Policy":
    case "AWS::IAM::ManagedPolicy":
    case "AWS::IAM::RolePolicy":
      return [
        [
          get(resource, "Properties", "PolicyDocument"),
          [...base, "PolicyDocument"],
        ],
      ];
    default:
      return [];
  }
}

function statementFindings(document: Json, path: Path): RuleFinding[] {
  const findings: RuleFinding[] = [];
  for (const [statement, statementPath] of itemsOf(get(document, "Statement"), [
    ...path,
    "Statement",
  ])) {
    if (get(statement, "Effect") !== "Allow") continue;
    const actions = itemsOf(get(statement, "Action"), []).map(([action]) =>
      String(action),
    );
    const resources = itemsOf(get(statement, "Resource"), []).map(
      ([resource]) => resource,
    );
    if (get(statement, "NotAction") !== undefined)
      findings.push({
        path: statementPath,
        message: "An Allow statement must list its actions, not NotAction",
      });
    if (actions.some((action) => action === "*" || action === "*:*"))
      findings.push({
        path: statementPath,
        message: 'A statement must not allow Action "*"',
      });
    else if (resources.includes("*")) {
      const writes = actions.filter(
        (action) =>
          !READ_ONLY_ACTION.test(action) &&
          !ACTIONS_WITHOUT_RESOURCES.has(action),
      );
      if (writes.length > 0)
        findings.push({
          path: statementPath,
          message: `Write actions must name their resources, not Resource "*": ${writes.join(", ")}`,
        });
    }
  }
  return findings;
}

/**
 * Managed policies used only as permissions boundaries: a boundary grants nothing, it caps what
 * a role may do, so its broad actions are the point. Found as a managed policy attached to no
 * one that the template names as a PermissionsBoundary or in an iam:PermissionsBoundary condition.
 */
const BOUNDARY_KEYS = new Set<Path[number]>([
  "PermissionsBoundary",
  "iam:PermissionsBoundary",
]);

function permissionsBoundaries(input: RuleInput): Set<string> {
  const named = new Set<string>();
  walkJson(section(input.template.body, "Resources"), (value, path) => {
    const ref = get(value, "Ref");
    if (typeof ref === "string" && path.some((key) => BOUNDARY_KEYS.has(key)))
      named.add(ref);
  });
  return new Set(
    [...named].filter((id) => {
      const resource = input.resources.find(([other]) => other === id)?.[1];
      const properties = resource ? propertiesOf(resource) : {};
      return (
        resource?.Type === "AWS::IAM::ManagedPolicy" &&
        !properties.Roles &&
        !properties.Users &&
        !properties.Groups
      );
    }),
  );
}

const productionDeletionProtection: Rule = {
  name: "deletion-protection",
  check(input) {
    const production = input.production;
    if (!production) return [];
    return ofType(input, "AWS::RDS::DBInstance", "AWS::RDS::DBCluster").flatMap(
      ([id, resource]) => {
        if (
          typeof resource.Condition === "string" &&
          production.condition(resource.Condition) === false
        )
          return [];
        if (propertiesOf(resource).DBClusterIdentifier !== undefined) return []; // the cluster's setting
        // A read replica holds only its source's data, and protecting it would fail the update
        // that turns it off.
        if (propertiesOf(resource).SourceDBInstanceIdentifier !== undefined)
          return [];
        const value = production.value(
          propertiesOf(resource).DeletionProtection,
        );
        return String(value) === "true"
          ? []
          : [
              {
                path: ["Resources", id, "Properties"],
                message: `${id} must have DeletionProtection in production (${describeValue(value, propertiesOf(resource).DeletionProtection)})`,
              },
            ];
      },
    );
  },
};

function describeValue(value: Json, written: Json): string {
  if (written === undefined) return "it is not set";
  if (value === undefined) return "its value there is unknown";
  return `it is ${JSON.stringify(value)} there`;
}

/** Names of settings that hold a secret: the name ends with the secret word. */
const SECRET_NAME =
  /(password|passwd|passphrase|secret|(auth|access|api|bearer|oauth|session|refresh)[-_]?token|api[-_]?key|private[-_]?key|access[-_]?key|credentials?|SecretString)$/i;
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key ID"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [/aws_secret_access_key\s*[=:]/i, "an AWS secret access key"],
];

/** A literal that would be the secret itself: not a function call, a dynamic reference or a flag. */
function isLiteralSecret(value: Json): boolean {
  return (
    typeof value === "string" &&
    value !== "" &&
    !/^(true|false)$/i.test(value) &&
    !value.startsWith("{{resolve:")
  );
}

const plaintextSecrets: Rule = {
  name: "plaintext-secret",
  check(input) {
    const findings: RuleFinding[] = [];
    for (const [name, parameter] of Object.entries(
      section(input.template.body, "Parameters"),
    )) {
      if (!isObject(parameter) || parameter.Default === undefined) continue;
      if (
        parameter.NoEcho === true ||
        parameter.NoEcho === "true" ||
        (SECRET_NAME.test(name) && isLiteralSecret(parameter.Default))
      )
        findings.push({
          path: ["Parameters", name, "Default"],
          message: `Parameter ${name} must not have a secret default: use Secrets Manager`,
        });
    }
    const resources = section(input.template.body, "Resources");
    walkJson(
      resources,
      (value, path) => {
        const key = path.at(-1);
        if (
          typeof key === "string" &&
          SECRET_NAME.test(key) &&
          isLiteralSecret(value)
        )
          findings.push({
            path,
            message: `${key} holds a secret in plain text: use Secrets Manager (ManageMasterUserPassword, GenerateSecretString or {{resolve:secretsmanager:...}})`,
          });
      },
      ["Resources"],
    );
    return findings;
  },
};

/** Secrets recognisable by their shape, in any template or parameter file. */
export function secretTextProblems(file: string, contents: string): Problem[] {
  const lines = contents.split("\n");
  return lines.flatMap((line, index) =>
    SECRET_TEXT.filter(([pattern]) => pattern.test(line)).map(([, what]) => ({
      file,
      line: index + 1,
      message: `[plaintext-secret] This line holds ${what}: keep secrets out of the repository`,
    })),
  );
}

/** Parameter-file values for secret-named parameters. */
export function secretParameterProblems(parameters: ParsedFile): Problem[] {
  if (!isObject(parameters.body)) return [];
  return Object.entries(parameters.body)
    .filter(([name, value]) => SECRET_NAME.test(name) && isLiteralSecret(value))
    .map(([name]) =>
      problemAt(
        parameters,
        [name],
        `[plaintext-secret] ${name} holds a secret in plain text: let the template take it from Secrets Manager`,
      ),
    );
}

export const SECURITY_RULES: readonly Rule[] = [
  imdsv2,
  encryption,
  s3PublicAccess,
  rdsNotPublic,
  openIngress,
  iamLeastPrivilege,
  productionDeletionProtection,
  plaintextSecrets,
];
