// The IAM policies of a generated repo's stacks as AWS would hold them once deployed: every
// intrinsic function resolved for a sample account and region, with the physical names
// CloudFormation would give (stack name, logical ID, a suffix), and the exports of the stacks
// deployed before. A function it does not know throws: a policy is never guessed at.
import {
  createValidatedPolicy,
  validateResourcePolicy,
} from "@cloud-copilot/iam-policy";
import {
  runSimulation,
  runUnsafeSimulation,
  type Simulation,
} from "@cloud-copilot/iam-simulate";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Evaluator } from "../../check/cloudformation/evaluate.js";
import {
  isObject,
  type Json,
  type JsonObject,
} from "../../check/cloudformation/json.js";
import { parseCloudFormationFile } from "../../check/cloudformation/template.js";
import { RepoFile } from "../../check/repo.js";

export const SAMPLE_ACCOUNT = "111122223333";
export const SAMPLE_ZONE = "Z0123456789ABCDEFGHIJ";
/** What CloudFormation appends to the names it makes up, and the stacks' ID. */
export const SAMPLE_ID = "1a2b3c4d5e6f";

export type Policy = JsonObject;

export interface DeployedRole {
  arn: string;
  trust: Policy;
  policies: Policy[];
  boundary?: Policy;
}

export interface DeployedStacks {
  region: string;
  roles: Map<string, DeployedRole>;
  /** Bucket policies by bucket name. */
  bucketPolicies: Map<string, Policy>;
  /** Managed policies (the permissions boundary) by ARN. */
  managedPolicies: Map<string, Policy>;
  /** Physical names by `<stack>.<logical ID>` (Ref's value), for requests to name resources. */
  names: Map<string, string>;
  exports: Map<string, () => string>;
}

interface Resource {
  Type: string;
  Properties?: JsonObject;
}

/** The environment's stacks, deployed in order, as the sample account would hold them. */
export function deployedStacks(
  repo: string,
  environment: string,
  stacks: string[],
): DeployedStacks {
  const parameters = (stack: string): JsonObject => ({
    HostedZoneId: SAMPLE_ZONE,
    ...(JSON.parse(
      readFileSync(
        join(repo, `infra/parameters/${environment}/${stack}.json`),
        "utf8",
      ),
    ) as JsonObject),
  });
  const region = String(
    (
      JSON.parse(readFileSync(join(repo, ".yo-rc.json"), "utf8"))[
        "generator-rails-aws"
      ] as JsonObject
    )[`${environment}Region`],
  );
  const deployed: DeployedStacks = {
    region,
    roles: new Map(),
    bucketPolicies: new Map(),
    managedPolicies: new Map(),
    names: new Map(),
    exports: new Map(),
  };
  for (const stack of stacks) {
    const values = parameters(stack);
    const template = parseCloudFormationFile(
      new RepoFile(repo, `infra/cloudformation/${stack}.yml`),
    ).body as JsonObject;
    new StackResolver(
      `${String(values.StackPrefix)}-${stack}`,
      template,
      values,
      region,
      deployed,
    ).deploy();
  }
  return deployed;
}

class StackResolver {
  readonly #resources: Record<string, Resource>;
  readonly #conditions: Evaluator;

  constructor(
    readonly stackName: string,
    readonly template: JsonObject,
    readonly parameters: JsonObject,
    readonly region: string,
    readonly deployed: DeployedStacks,
  ) {
    this.#resources = template.Resources as Record<string, Resource>;
    this.#conditions = new Evaluator(template, parameters);
  }

  deploy(): void {
    for (const id of Object.keys(this.#resources))
      this.deployed.names.set(`${this.stackName}.${id}`, this.#ref(id));
    const resolved = Object.entries(this.#resources)
      .filter(([, resource]) => POLICY_HOLDERS.has(resource.Type))
      .map(
        ([id, resource]) =>
          [
            id,
            resource,
            this.resolve(resource.Properties) as JsonObject,
          ] as const,
      );
    for (const [id, resource, properties] of resolved)
      if (resource.Type === "AWS::IAM::ManagedPolicy")
        this.deployed.managedPolicies.set(
          this.#ref(id),
          properties.PolicyDocument as Policy,
        );
    for (const [id, resource, properties] of resolved) {
      if (resource.Type === "AWS::IAM::Role")
        this.deployed.roles.set(`${this.stackName}.${id}`, {
          arn: this.#attribute(id, "Arn"),
          trust: properties.AssumeRolePolicyDocument as Policy,
          policies: ((properties.Policies ?? []) as JsonObject[]).map(
            (policy) => policy.PolicyDocument as Policy,
          ),
          boundary: properties.PermissionsBoundary
            ? this.#managedPolicy(String(properties.PermissionsBoundary))
            : undefined,
        });
      if (resource.Type === "AWS::S3::BucketPolicy")
        this.deployed.bucketPolicies.set(
          String(properties.Bucket),
          properties.PolicyDocument as Policy,
        );
    }
    const outputs = (this.template.Outputs ?? {}) as Record<string, JsonObject>;
    // Resolved when imported: an export no policy imports may hold what only a deploy knows.
    for (const output of Object.values(outputs)) {
      const name = (output.Export as JsonObject | undefined)?.Name;
      if (name)
        this.deployed.exports.set(String(this.resolve(name)), () =>
          String(this.resolve(output.Value)),
        );
    }
  }

  /** A managed policy's document, found by its ARN among the stacks deployed so far. */
  #managedPolicy(arn: string): Policy {
    const policy = this.deployed.managedPolicies.get(arn);
    if (!policy) throw new Error(`no managed policy ${arn} deployed`);
    return policy;
  }

  resolve(value: Json): Json {
    if (Array.isArray(value))
      return value
        .map((item) => this.resolve(item))
        .filter((item) => item !== NO_VALUE);
    if (!isObject(value)) return value;
    const [key] = Object.keys(value);
    const args = value[key!];
    switch (key) {
      case "Ref":
        return this.#refValue(String(args));
      case "Fn::GetAtt": {
        const [id, attribute] = Array.isArray(args)
          ? args
          : String(args).split(".");
        return this.#attribute(String(id), String(attribute));
      }
      case "Fn::Sub":
        return this.#sub(args);
      case "Fn::ImportValue": {
        const name = String(this.resolve(args));
        const exported = this.deployed.exports.get(name);
        if (exported === undefined) throw new Error(`no export ${name}`);
        return exported();
      }
      case "Fn::If": {
        const [condition, then, otherwise] = args as [string, Json, Json];
        const holds = this.#conditions.condition(condition);
        if (holds === undefined)
          throw new Error(`condition ${condition} is unknown before deploying`);
        return this.resolve(holds ? then : otherwise);
      }
      case "Fn::Join": {
        const [separator, items] = args as [string, Json[]];
        return (this.resolve(items) as Json[]).join(separator);
      }
    }
    if (key?.startsWith("Fn::")) throw new Error(`${key} is not resolved`);
    return Object.fromEntries(
      Object.entries(value)
        .map(([name, item]) => [name, this.resolve(item)] as const)
        .filter(([, item]) => item !== NO_VALUE),
    );
  }

  #sub(args: Json): string {
    const [text, variables] = Array.isArray(args)
      ? [String(args[0]), (args[1] ?? {}) as JsonObject]
      : [String(args), {}];
    return text.replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(this.resolve(variables[name]));
      const [id, attribute] = name.split(/\.(.*)/);
      return attribute
        ? this.#attribute(id!, attribute)
        : String(this.#refValue(id!));
    });
  }

  #refValue(name: string): Json {
    const pseudo: Record<string, Json> = {
      "AWS::AccountId": SAMPLE_ACCOUNT,
      "AWS::Region": this.region,
      "AWS::Partition": "aws",
      "AWS::StackName": this.stackName,
      "AWS::StackId": `arn:aws:cloudformation:${this.region}:${SAMPLE_ACCOUNT}:stack/${this.stackName}/${SAMPLE_ID}`,
      "AWS::NoValue": NO_VALUE,
    };
    if (name in pseudo) return pseudo[name];
    if (name in this.parameters) return this.parameters[name];
    if (name in this.#resources) return this.#ref(name);
    throw new Error(`Ref ${name}: no such parameter or resource`);
  }

  /** The physical ID CloudFormation would give a resource. */
  #ref(id: string): string {
    const resource = this.#resources[id]!;
    const properties = resource.Properties ?? {};
    const named = (key: string) => String(this.resolve(properties[key]));
    const generated = `${this.stackName}-${id.toLowerCase()}-${SAMPLE_ID}`;
    switch (resource.Type) {
      case "AWS::IAM::Role":
        return named("RoleName");
      case "AWS::IAM::ManagedPolicy":
        return `arn:aws:iam::${SAMPLE_ACCOUNT}:policy/${named("ManagedPolicyName")}`;
      case "AWS::SecretsManager::Secret":
        return `arn:aws:secretsmanager:${this.region}:${SAMPLE_ACCOUNT}:secret:${named("Name")}-AbCdEf`;
      case "AWS::SSM::Parameter":
        return named("Name");
      default:
        return generated;
    }
  }

  #attribute(id: string, attribute: string): string {
    const resource = this.#resources[id];
    if (!resource) throw new Error(`GetAtt ${id}: no such resource`);
    const ref = this.#ref(id);
    const properties = resource.Properties ?? {};
    switch (`${resource.Type}.${attribute}`) {
      case "AWS::IAM::Role.Arn": {
        const path = properties.Path
          ? String(this.resolve(properties.Path))
          : "/";
        return `arn:aws:iam::${SAMPLE_ACCOUNT}:role${path}${ref}`;
      }
      case "AWS::S3::Bucket.Arn":
        return `arn:aws:s3:::${ref}`;
      case "AWS::Logs::LogGroup.Arn":
        return `arn:aws:logs:${this.region}:${SAMPLE_ACCOUNT}:log-group:${String(this.resolve(properties.LogGroupName))}:*`;
      case "AWS::RDS::DBInstance.MasterUserSecret.SecretArn":
        return `arn:aws:secretsmanager:${this.region}:${SAMPLE_ACCOUNT}:secret:rds!db-${ref}-AbCdEf`;
    }
    // Attributes no policy names (addresses, ports): a placeholder of their own.
    return `${ref}.${attribute}`;
  }
}

const NO_VALUE = Symbol("AWS::NoValue");
const POLICY_HOLDERS = new Set([
  "AWS::IAM::Role",
  "AWS::IAM::ManagedPolicy",
  "AWS::S3::BucketPolicy",
]);

/** A request to AWS, as the table of test/iam-policies.test.ts writes it. */
export interface Request {
  /** The session's principal: an assumed role's ARN, a provider's, an account's. */
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export interface Policies {
  identity: Policy[];
  boundary?: Policy;
  /** The resource's own policy: a role's trust, a bucket's policy. */
  resource?: Policy;
}

/**
 * AWS's decision, by @cloud-copilot/iam-simulate. The request is first validated (the action,
 * the resource's type, the policies, and that every context key applies to the action); the
 * decision then comes from the unvalidated engine, because the validated one drops the OIDC
 * `sub` and `aud` keys of AssumeRoleWithWebIdentity, which the service reference it checks
 * against does not list although STS evaluates them.
 */
export async function decide(
  request: Request,
  policies: Policies,
): Promise<"Allowed" | "Denied"> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: SAMPLE_ACCOUNT },
      contextVariables: request.context ?? {},
    },
    identityPolicies: policies.identity.map((policy, index) => ({
      name: `identity-${index}`,
      policy,
    })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    permissionBoundaryPolicies: policies.boundary
      ? [{ name: "boundary", policy: policies.boundary }]
      : undefined,
  };
  const validated = await runSimulation(
    { ...simulation, resourcePolicy: policies.resource },
    {},
  );
  if (validated.resultType === "error")
    throw new Error(
      `invalid simulation of ${request.action}: ${JSON.stringify(validated.errors)}`,
    );
  const ignored = (
    validated.resultType === "single"
      ? validated.result.ignoredContextKeys
      : validated.results.flatMap((result) => result.ignoredContextKeys ?? [])
  )?.filter((key) => !OIDC_KEYS_UNLISTED.test(key));
  if (ignored?.length)
    throw new Error(
      `context keys that do not apply to ${request.action} on ${request.resource}: ${ignored.join(", ")}`,
    );
  const result = runUnsafeSimulation(
    {
      ...simulation,
      resourcePolicy: policies.resource
        ? createValidatedPolicy(policies.resource, validateResourcePolicy, {
            name: "resource",
          })
        : undefined,
    },
    {},
  );
  return result === "Allowed" ? "Allowed" : "Denied";
}

const OIDC_KEYS_UNLISTED = /^token\.actions\.githubusercontent\.com:(sub|aud)$/;
