// Checks a template against AWS's resource specification: resource types exist, property names
// are known (through nested property types, lists and maps), required properties are present,
// and every Ref, Fn::GetAtt (attribute included), Fn::Sub variable and condition resolves.
// Fn::ImportValue is left alone: its export lives in another stack.
import type { Problem } from "../types.js";
import {
  intrinsicOf,
  isNoValue,
  isObject,
  type Json,
  type JsonObject,
  type Path,
  walkJson,
} from "./json.js";
import { problemAt, section, type ParsedFile } from "./template.js";
import {
  isCustomResource,
  type PropertyType,
  type ResourceProperties,
  type ResourceSpec,
} from "./spec.js";

const TOP_LEVEL = new Set([
  "AWSTemplateFormatVersion",
  "Description",
  "Metadata",
  "Parameters",
  "Rules",
  "Mappings",
  "Conditions",
  "Transform",
  "Resources",
  "Outputs",
]);

const RESOURCE_ATTRIBUTES = new Set([
  "Type",
  "Properties",
  "DependsOn",
  "Condition",
  "Metadata",
  "DeletionPolicy",
  "UpdateReplacePolicy",
  "UpdatePolicy",
  "CreationPolicy",
]);

const DELETION_POLICIES = new Set([
  "Delete",
  "Retain",
  "RetainExceptOnCreate",
  "Snapshot",
]);

const PARAMETER_KEYS = new Set([
  "Type",
  "Default",
  "Description",
  "AllowedValues",
  "AllowedPattern",
  "ConstraintDescription",
  "MaxLength",
  "MinLength",
  "MaxValue",
  "MinValue",
  "NoEcho",
]);

/** Parameter types besides the AWS-specific ones (AWS::EC2::VPC::Id, List<...>, SSM values). */
const PARAMETER_TYPES = new Set([
  "String",
  "Number",
  "List<Number>",
  "CommaDelimitedList",
]);
const AWS_PARAMETER_TYPE =
  /^(?:List<AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+>|AWS::[A-Za-z0-9]+::[A-Za-z0-9:]+|AWS::SSM::Parameter::Value<.+>)$/;

const OUTPUT_KEYS = new Set(["Description", "Value", "Export", "Condition"]);

const PSEUDO_PARAMETERS = new Set([
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

/** `${Name}` and `${Resource.Attribute}` in a Fn::Sub string; `${!Literal}` is not one. */
function subVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([^}]*)\}/g)]
    .map((match) => match[1]!.trim())
    .filter((name) => !name.startsWith("!"));
}

interface Scope {
  parsed: ParsedFile;
  spec: ResourceSpec;
  parameters: JsonObject;
  resources: JsonObject;
  conditions: JsonObject;
  mappings: JsonObject;
  problems: Problem[];
}

export function checkTemplate(
  parsed: ParsedFile,
  spec: ResourceSpec,
): Problem[] {
  const body = parsed.body;
  const scope: Scope = {
    parsed,
    spec,
    parameters: section(body, "Parameters"),
    resources: section(body, "Resources"),
    conditions: section(body, "Conditions"),
    mappings: section(body, "Mappings"),
    problems: [],
  };
  if (!isObject(body)) {
    report(scope, [], "A template is a mapping with a Resources section");
    return scope.problems;
  }
  checkTopLevel(scope, body);
  checkParameters(scope);
  for (const [id, resource] of Object.entries(scope.resources))
    checkResource(scope, id, resource);
  checkOutputs(scope, section(body, "Outputs"));
  walkIntrinsics(scope, scope.conditions, ["Conditions"], true);
  for (const name of ["Resources", "Outputs", "Metadata"])
    walkIntrinsics(scope, section(body, name), [name], false);
  return scope.problems;
}

function report(scope: Scope, path: Path, message: string): void {
  scope.problems.push(problemAt(scope.parsed, path, message));
}

/** "Unknown <kind> <key> of <owner>" for each key of `object` that is not `known`. */
function reportUnknownKeys(
  scope: Scope,
  object: JsonObject,
  path: Path,
  known: ReadonlySet<string>,
  kind: string,
  owner?: string,
): void {
  for (const key of Object.keys(object)) {
    if (!known.has(key))
      report(
        scope,
        [...path, key],
        `Unknown ${kind} ${key}${owner ? ` of ${owner}` : ""}`,
      );
  }
}

function checkTopLevel(scope: Scope, body: JsonObject): void {
  reportUnknownKeys(scope, body, [], TOP_LEVEL, "top-level section");
  const version = body.AWSTemplateFormatVersion;
  if (version !== undefined && version !== "2010-09-09")
    report(
      scope,
      ["AWSTemplateFormatVersion"],
      `AWSTemplateFormatVersion must be "2010-09-09", not ${JSON.stringify(version)}`,
    );
  if (Object.keys(scope.resources).length === 0)
    report(scope, ["Resources"], "A template needs at least one resource");
}

function checkParameters(scope: Scope): void {
  for (const [name, parameter] of Object.entries(scope.parameters)) {
    const path = ["Parameters", name];
    if (!isObject(parameter)) {
      report(scope, path, `Parameter ${name} must be a mapping`);
      continue;
    }
    reportUnknownKeys(
      scope,
      parameter,
      path,
      PARAMETER_KEYS,
      "key",
      `parameter ${name}`,
    );
    const type = parameter.Type;
    if (
      typeof type !== "string" ||
      !(PARAMETER_TYPES.has(type) || AWS_PARAMETER_TYPE.test(type))
    )
      report(
        scope,
        [...path, "Type"],
        `Parameter ${name} has no valid Type (${JSON.stringify(type)})`,
      );
    if (parameter.Default !== undefined) {
      const wrong = parameterValueProblem(parameter, String(parameter.Default));
      if (wrong)
        report(scope, [...path, "Default"], `Default of ${name} ${wrong}`);
    }
  }
}

/** Why a value does not fit a parameter's constraints, or undefined. */
export function parameterValueProblem(
  parameter: JsonObject,
  value: string,
): string | undefined {
  const allowed = parameter.AllowedValues;
  if (Array.isArray(allowed) && !allowed.map(String).includes(value))
    return `is "${value}", not one of ${allowed.map(String).join(", ")}`;
  const pattern = parameter.AllowedPattern;
  if (typeof pattern === "string") {
    const matches = fullMatch(pattern, value);
    if (matches === undefined)
      return `cannot be checked: its AllowedPattern ${pattern} is not a regular expression`;
    if (!matches)
      return `"${value}" does not match its AllowedPattern ${pattern}`;
  }
  if (parameter.Type === "Number") {
    const number = Number(value);
    if (value.trim() === "" || Number.isNaN(number))
      return `is "${value}", not a number`;
    if (typeof parameter.MinValue === "number" && number < parameter.MinValue)
      return `is ${value}, below its MinValue ${parameter.MinValue}`;
    if (typeof parameter.MaxValue === "number" && number > parameter.MaxValue)
      return `is ${value}, above its MaxValue ${parameter.MaxValue}`;
  }
  return undefined;
}

/** Whether the whole value matches (CloudFormation anchors AllowedPattern); undefined for a bad pattern. */
function fullMatch(pattern: string, value: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return undefined;
  }
}

function checkResource(scope: Scope, id: string, resource: Json): void {
  const path = ["Resources", id];
  if (!isObject(resource)) {
    report(scope, path, `Resource ${id} must be a mapping`);
    return;
  }
  reportUnknownKeys(
    scope,
    resource,
    path,
    RESOURCE_ATTRIBUTES,
    "attribute",
    `resource ${id}`,
  );
  checkConditionName(scope, resource.Condition, [...path, "Condition"]);
  for (const [index, target] of [resource.DependsOn ?? []].flat().entries()) {
    if (typeof target !== "string" || !(target in scope.resources))
      report(
        scope,
        [
          ...path,
          "DependsOn",
          ...(Array.isArray(resource.DependsOn) ? [index] : []),
        ],
        `${id} depends on ${JSON.stringify(target)}, which is not a resource of this template`,
      );
  }
  for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"]) {
    const value = resource[policy];
    if (
      value !== undefined &&
      !intrinsicOf(value) &&
      !DELETION_POLICIES.has(String(value))
    )
      report(
        scope,
        [...path, policy],
        `${policy} ${JSON.stringify(value)} is not one of ${[...DELETION_POLICIES].join(", ")}`,
      );
  }
  const type = resource.Type;
  if (typeof type !== "string") {
    report(scope, path, `Resource ${id} has no Type`);
    return;
  }
  if (isCustomResource(type)) return;
  const definition = scope.spec.resource(type);
  if (!definition) {
    report(scope, [...path, "Type"], `Unknown resource type ${type}`);
    return;
  }
  checkObject(scope, definition.properties, resource.Properties ?? {}, {
    path: [...path, "Properties"],
    owner: type,
    problems: scope.problems,
  });
}

function checkConditionName(scope: Scope, name: Json, path: Path): void {
  if (name === undefined) return;
  if (typeof name !== "string" || !(name in scope.conditions))
    report(
      scope,
      path,
      `Condition ${JSON.stringify(name)} is not defined in Conditions`,
    );
}

/** Where a value is checked: its path, its name in messages, and where its problems go. */
interface Site {
  path: Path;
  owner: string;
  problems: Problem[];
}

/** The site of a value within another: `key` added to the path, `name` to the owner. */
function inside(site: Site, key: string | number, name: string): Site {
  return { ...site, path: [...site.path, key], owner: `${site.owner}${name}` };
}

function mismatch(scope: Scope, site: Site, expected: string): void {
  site.problems.push(
    problemAt(scope.parsed, site.path, `${site.owner} must be ${expected}`),
  );
}

/**
 * Runs `check` on a value or, when an intrinsic stands in its place, on each branch of an
 * Fn::If (an AWS::NoValue branch removes the value). Other functions yield values known only
 * at deploy time: nothing to check.
 */
function eachBranch(
  value: Json,
  site: Site,
  check: (value: Json, site: Site) => void,
): void {
  const fn = intrinsicOf(value);
  if (!fn) return check(value, site);
  const args = (value as JsonObject)[fn];
  if (fn !== "Fn::If" || !Array.isArray(args) || args.length !== 3) return;
  for (const index of [1, 2]) {
    if (!isNoValue(args[index]))
      eachBranch(
        args[index],
        { ...site, path: [...site.path, fn, index] },
        check,
      );
  }
}

/** An object of properties: names known, required ones present, each value of its type. */
function checkObject(
  scope: Scope,
  properties: ResourceProperties,
  value: Json,
  site: Site,
): void {
  eachBranch(value, site, (object, at) => {
    if (!isObject(object))
      return mismatch(scope, at, "a mapping of properties");
    for (const [name, item] of Object.entries(object)) {
      const property = properties[name];
      if (property)
        checkType(scope, property.type, item, inside(at, name, `.${name}`));
      else
        at.problems.push(
          problemAt(
            scope.parsed,
            [...at.path, name],
            unknownProperty(name, at.owner, properties),
          ),
        );
    }
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in object))
        at.problems.push(
          problemAt(
            scope.parsed,
            at.path,
            `${at.owner} is missing its required property ${name}`,
          ),
        );
    }
  });
}

function unknownProperty(
  name: string,
  owner: string,
  properties: ResourceProperties,
): string {
  const known = Object.keys(properties);
  const near =
    known.find((candidate) => candidate.toLowerCase() === name.toLowerCase()) ??
    known.find((candidate) => editDistance(candidate, name) <= 2);
  return `Unknown property ${name} of ${owner}${near ? ` (did you mean ${near}?)` : ""}`;
}

function checkType(
  scope: Scope,
  type: PropertyType,
  value: Json,
  site: Site,
): void {
  eachBranch(value, site, (value, at) => {
    switch (type.type) {
      case "ref":
        return checkObject(
          scope,
          scope.spec.properties(type).properties,
          value,
          at,
        );
      case "array":
        if (!Array.isArray(value)) return mismatch(scope, at, "a list");
        value.forEach((item, index) => {
          if (!isNoValue(item))
            checkType(
              scope,
              type.element,
              item,
              inside(at, index, `[${index}]`),
            );
        });
        return;
      case "map":
        if (!isObject(value)) return mismatch(scope, at, "a mapping");
        for (const [key, item] of Object.entries(value))
          checkType(scope, type.element, item, inside(at, key, `.${key}`));
        return;
      case "union":
        return checkUnion(scope, type.types, value, at);
      case "json":
        return;
      case "tag":
        if (!isObject(value) || !("Key" in value))
          mismatch(scope, at, "a tag (Key and Value)");
        return;
      default:
        if (isObject(value) || Array.isArray(value))
          mismatch(scope, at, `a ${type.type}`);
    }
  });
}

/** A value of one of several types: fine if any fits; otherwise the closest fit's problems. */
function checkUnion(
  scope: Scope,
  types: PropertyType[],
  value: Json,
  site: Site,
): void {
  let closest: Problem[] | undefined;
  for (const candidate of types) {
    const found: Problem[] = [];
    checkType(scope, candidate, value, { ...site, problems: found });
    if (found.length === 0) return;
    if (!closest || found.length < closest.length) closest = found;
  }
  site.problems.push(...(closest ?? []));
}

function checkOutputs(scope: Scope, outputs: JsonObject): void {
  for (const [name, output] of Object.entries(outputs)) {
    const path = ["Outputs", name];
    if (!isObject(output) || !("Value" in output)) {
      report(scope, path, `Output ${name} needs a Value`);
      continue;
    }
    reportUnknownKeys(
      scope,
      output,
      path,
      OUTPUT_KEYS,
      "key",
      `output ${name}`,
    );
    checkConditionName(scope, output.Condition, [...path, "Condition"]);
    if (
      output.Export !== undefined &&
      !(isObject(output.Export) && "Name" in output.Export)
    )
      report(
        scope,
        [...path, "Export"],
        `The Export of output ${name} needs a Name`,
      );
  }
}

/**
 * Every intrinsic function call below `value`. In the Conditions section, `Condition` is a
 * function and Ref may only name parameters.
 */
function walkIntrinsics(
  scope: Scope,
  value: Json,
  path: Path,
  inConditions: boolean,
): void {
  walkJson(
    value,
    (item, itemPath) => {
      const fn = intrinsicOf(item);
      if (!fn || (fn === "Condition" && !inConditions)) return true;
      checkCall(
        scope,
        fn,
        (item as JsonObject)[fn],
        [...itemPath, fn],
        inConditions,
      );
      return false;
    },
    path,
  );
}

const ARITY: Record<string, [number, number]> = {
  "Fn::If": [3, 3],
  "Fn::Equals": [2, 2],
  "Fn::Not": [1, 1],
  "Fn::And": [2, 10],
  "Fn::Or": [2, 10],
  "Fn::Join": [2, 2],
  "Fn::Select": [2, 2],
  "Fn::Split": [2, 2],
  "Fn::FindInMap": [3, 4],
  "Fn::Cidr": [3, 3],
  "Fn::GetAtt": [2, 2],
};

function checkCall(
  scope: Scope,
  fn: string,
  args: Json,
  path: Path,
  inConditions: boolean,
): void {
  const arity = ARITY[fn];
  if (
    arity &&
    (!Array.isArray(args) || args.length < arity[0] || args.length > arity[1])
  ) {
    const count =
      arity[0] === arity[1] ? `${arity[0]}` : `${arity[0]} to ${arity[1]}`;
    report(scope, path, `${fn} takes a list of ${count} arguments`);
    return;
  }
  switch (fn) {
    case "Ref":
      checkRef(scope, args, path, inConditions);
      return;
    case "Condition":
      checkConditionName(scope, args, path);
      return;
    case "Fn::GetAtt":
      checkGetAtt(scope, args as Json[], path);
      break;
    case "Fn::Sub":
      checkSub(scope, args, path);
      break;
    case "Fn::If":
      checkConditionName(scope, (args as Json[])[0], [...path, 0]);
      break;
    case "Fn::FindInMap": {
      const map = (args as Json[])[0];
      if (typeof map === "string" && !(map in scope.mappings))
        report(
          scope,
          [...path, 0],
          `Mapping ${map} is not defined in Mappings`,
        );
      break;
    }
    case "Fn::ImportValue":
      break;
    default:
      if (
        !ARITY[fn] &&
        ![
          "Fn::Base64",
          "Fn::GetAZs",
          "Fn::Length",
          "Fn::ToJsonString",
          "Fn::Transform",
        ].includes(fn)
      ) {
        report(scope, path, `Unknown intrinsic function ${fn}`);
        return;
      }
  }
  walkIntrinsics(scope, args, path, inConditions);
}

function checkRef(
  scope: Scope,
  name: Json,
  path: Path,
  inConditions: boolean,
): void {
  if (typeof name !== "string") {
    if (!intrinsicOf(name))
      report(scope, path, "Ref takes the name of a parameter or resource");
    return;
  }
  if (PSEUDO_PARAMETERS.has(name) || name in scope.parameters) return;
  if (name in scope.resources) {
    if (inConditions)
      report(
        scope,
        path,
        `Conditions may only Ref parameters, not the resource ${name}`,
      );
    return;
  }
  report(scope, path, `Ref ${name}: no parameter or resource of that name`);
}

function checkGetAtt(
  scope: Scope,
  [resource, attribute]: Json[],
  path: Path,
): void {
  if (typeof resource !== "string" || !(resource in scope.resources)) {
    report(
      scope,
      [...path, 0],
      `Fn::GetAtt ${JSON.stringify(resource)}: no resource of that name`,
    );
    return;
  }
  if (typeof attribute === "string")
    checkAttribute(scope, resource, attribute, [...path, 1]);
}

function checkAttribute(
  scope: Scope,
  resource: string,
  attribute: string,
  path: Path,
): void {
  const type = (scope.resources[resource] as JsonObject).Type;
  if (typeof type !== "string" || isCustomResource(type)) return;
  const definition = scope.spec.resource(type);
  if (!definition) return; // reported as an unknown type
  if (!(attribute in definition.attributes)) {
    report(
      scope,
      path,
      `${type} has no attribute ${attribute} (${resource}.${attribute}); ${someAttributes(Object.keys(definition.attributes))}`,
    );
  }
}

/** The top-level attributes (without a dot), a handful at most. */
function someAttributes(names: string[]): string {
  const top = names.filter((name) => !name.includes("."));
  if (top.length === 0) return "it has none";
  const shown = top.slice(0, 8).join(", ");
  return `it has ${shown}${top.length > 8 ? ", ..." : ""}`;
}

function checkSub(scope: Scope, args: Json, path: Path): void {
  const [text, variables] = Array.isArray(args) ? args : [args, {}];
  if (typeof text !== "string" || !isObject(variables)) {
    report(
      scope,
      path,
      "Fn::Sub takes a string, or a string and a mapping of variables",
    );
    return;
  }
  for (const name of subVariables(text)) {
    if (
      name in variables ||
      PSEUDO_PARAMETERS.has(name) ||
      name in scope.parameters ||
      name in scope.resources
    )
      continue;
    const dot = name.indexOf(".");
    const resource = dot > 0 ? name.slice(0, dot) : undefined;
    if (resource && resource in scope.resources) {
      checkAttribute(scope, resource, name.slice(dot + 1), path);
      continue;
    }
    report(
      scope,
      path,
      `Fn::Sub variable \${${name}} is neither a parameter, a resource, an attribute nor one of its variables`,
    );
  }
}

/** Levenshtein distance, for "did you mean" suggestions. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        diagonal + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      diagonal = above;
    }
  }
  return row[b.length]!;
}
