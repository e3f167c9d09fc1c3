// CloudFormation's values as plain JSON: objects, paths into them, the walk over them, and the
// intrinsic functions ({ Ref: x }, { "Fn::Sub": x }) that stand where a value would.
export type Path = readonly (string | number)[];
export type Json = unknown;
export type JsonObject = Record<string, Json>;

/** CloudFormation's intrinsic functions, by the long form's key. */
export const FUNCTIONS = new Set([
  "Fn::Base64",
  "Fn::Cidr",
  "Fn::FindInMap",
  "Fn::GetAtt",
  "Fn::GetAZs",
  "Fn::ImportValue",
  "Fn::Join",
  "Fn::Length",
  "Fn::Select",
  "Fn::Split",
  "Fn::Sub",
  "Fn::ToJsonString",
  "Fn::Transform",
  "Fn::And",
  "Fn::Equals",
  "Fn::If",
  "Fn::Not",
  "Fn::Or",
  "Ref",
  "Condition",
]);

export const isObject = (value: Json): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The value at `keys` below `value`, or undefined where there is no such key. */
export function valueAt(value: Json, keys: readonly string[]): Json {
  let current = value;
  for (const key of keys)
    current = isObject(current) ? current[key] : undefined;
  return current;
}

/**
 * Calls `visit` on `value` and on every value below it, depth first, each with its path (from
 * `path`); it does not go below a value for which `visit` returns false.
 */
export function walkJson(
  value: Json,
  visit: (value: Json, path: Path) => boolean | void,
  path: Path = [],
): void {
  if (visit(value, path) === false) return;
  if (Array.isArray(value))
    value.forEach((item, index) => walkJson(item, visit, [...path, index]));
  else if (isObject(value))
    for (const [key, item] of Object.entries(value))
      walkJson(item, visit, [...path, key]);
}

/** `!Ref AWS::NoValue`: the property or list item is left out. */
export function isNoValue(value: Json): boolean {
  return isObject(value) && value.Ref === "AWS::NoValue";
}

/** The function of an intrinsic call `{ Ref: x }` or `{ "Fn::X": args }` (known or not), else undefined. */
export function intrinsicOf(value: Json): string | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  const key = keys.length === 1 ? keys[0]! : "";
  return FUNCTIONS.has(key) || key.startsWith("Fn::") ? key : undefined;
}
