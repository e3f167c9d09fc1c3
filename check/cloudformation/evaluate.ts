// What a template value comes to, without deploying: literals, Refs to parameters (from a
// parameter file, else their Default), conditions and Fn::If. Anything known only at deploy
// time (a resource's ID, an import) is `undefined`.
import { intrinsicOf, isObject, type Json, type JsonObject } from "./json.js";
import { section } from "./template.js";

export class Evaluator {
  readonly #parameters: JsonObject;
  readonly #conditions: JsonObject;
  readonly #values: Record<string, Json>;

  /** `values`: parameter values, as a parameter file gives them. */
  constructor(template: Json, values: JsonObject = {}) {
    this.#parameters = section(template, "Parameters");
    this.#conditions = section(template, "Conditions");
    this.#values = values;
  }

  /** The value, or undefined when only a deployment would know it. */
  value(value: Json): Json {
    const fn = intrinsicOf(value);
    if (!fn) return value;
    const args = (value as JsonObject)[fn];
    if (fn === "Ref" && typeof args === "string") return this.#parameter(args);
    if (fn === "Fn::If" && Array.isArray(args) && typeof args[0] === "string") {
      const holds = this.condition(args[0]);
      return holds === undefined ? undefined : this.value(args[holds ? 1 : 2]);
    }
    return undefined;
  }

  /** Whether a named condition holds, or undefined when it depends on a deploy-time value. */
  condition(name: string): boolean | undefined {
    return this.#holds(this.#conditions[name]);
  }

  #parameter(name: string): Json {
    if (name in this.#values) return this.#values[name];
    const parameter = this.#parameters[name];
    return isObject(parameter) ? parameter.Default : undefined;
  }

  #holds(expression: Json): boolean | undefined {
    const fn = intrinsicOf(expression);
    const args = fn ? (expression as JsonObject)[fn] : undefined;
    switch (fn) {
      case "Condition":
        return typeof args === "string" ? this.condition(args) : undefined;
      case "Fn::Equals": {
        const [a, b] = (Array.isArray(args) ? args : []).map((arg) =>
          this.value(arg),
        );
        return a === undefined || b === undefined
          ? undefined
          : String(a) === String(b);
      }
      case "Fn::Not": {
        const inner = Array.isArray(args) ? this.#holds(args[0]) : undefined;
        return inner === undefined ? undefined : !inner;
      }
      case "Fn::And":
      case "Fn::Or": {
        const all = (Array.isArray(args) ? args : []).map((arg) =>
          this.#holds(arg),
        );
        if (all.includes(undefined)) return undefined;
        return fn === "Fn::And" ? all.every(Boolean) : all.some(Boolean);
      }
      default:
        return undefined;
    }
  }
}

/** True, "true", or an Fn::If both of whose branches are: a flag that is on whatever happens. */
export function alwaysTrue(value: Json): boolean {
  return alwaysIs(value, "true");
}

/** False, "false", or an Fn::If both of whose branches are. */
export function alwaysFalse(value: Json): boolean {
  return alwaysIs(value, "false");
}

function alwaysIs(value: Json, expected: "true" | "false"): boolean {
  if (intrinsicOf(value) === "Fn::If") {
    const args = (value as JsonObject)["Fn::If"];
    return (
      Array.isArray(args) &&
      alwaysIs(args[1], expected) &&
      alwaysIs(args[2], expected)
    );
  }
  return String(value) === expected && typeof value !== "object";
}
