// AWS's own database of CloudFormation resource types (@aws-cdk/aws-service-spec): every type,
// property, nested property type, required flag and attribute. Loading it costs a few hundred
// milliseconds, so it is imported and loaded on first use only, once per process, and shared by
// the validators that need it.
import type {
  PropertyType,
  Resource,
  ResourceProperties,
  SpecDatabase,
} from "@aws-cdk/service-spec-types";

export type { PropertyType, ResourceProperties };

let loading: Promise<ResourceSpec> | undefined;

/** The spec, loaded on the first call. */
export function loadSpec(): Promise<ResourceSpec> {
  loading ??= import("@aws-cdk/aws-service-spec").then(
    ({ loadAwsServiceSpecSync }) => new ResourceSpec(loadAwsServiceSpecSync()),
  );
  return loading;
}

export class ResourceSpec {
  readonly #resources = new Map<string, Resource | undefined>();

  constructor(private readonly db: SpecDatabase) {}

  /** The resource type `AWS::Service::Thing`, or undefined when AWS has none by that name. */
  resource(type: string): Resource | undefined {
    if (!this.#resources.has(type)) {
      const found = this.db.lookup(
        "resource",
        "cloudFormationType",
        "equals",
        type,
      );
      this.#resources.set(type, found.length === 1 ? found.only() : undefined);
    }
    return this.#resources.get(type);
  }

  /** The properties of a nested property type (a `ref` type). */
  properties(type: PropertyType & { type: "ref" }): {
    name: string;
    properties: ResourceProperties;
  } {
    const definition = this.db.get("typeDefinition", type.reference);
    return { name: definition.name, properties: definition.properties };
  }
}

/** Custom resources take any property and have any attribute. */
export function isCustomResource(type: string): boolean {
  return (
    type.startsWith("Custom::") ||
    type === "AWS::CloudFormation::CustomResource"
  );
}
