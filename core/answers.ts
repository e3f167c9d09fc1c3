// Turns raw answers (CLI flags, an answers file, .yo-rc.json, prompts) into validated Answers.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  allowedOf,
  definitionOf,
  flagOf,
  settingNames,
  type Answers,
  type Facts,
  type PartialAnswers,
  type Setting,
  type SettingName,
  type Value,
} from "./settings.js";

export type Parsed = { value: Value } | { allowed: string };

/** Coerces a raw value to the setting's kind and applies its rule. */
export function parseValue(
  name: SettingName,
  raw: unknown,
  earlier: PartialAnswers,
): Parsed {
  const definition = definitionOf(name);
  const value = coerce(definition, raw);
  if (value === undefined) return { allowed: allowedOf(definition) };
  const allowed = definition.rule?.(value as never, earlier);
  return allowed === undefined ? { value } : { allowed };
}

function coerce(definition: Setting, raw: unknown): Value | undefined {
  switch (definition.kind) {
    case "text":
      return typeof raw === "string" && definition.pattern.test(raw)
        ? raw
        : undefined;
    case "integer": {
      const text = typeof raw === "number" ? String(raw) : raw;
      return typeof text === "string" &&
        /^-?\d+$/.test(text.trim()) &&
        Number(text) >= definition.min &&
        Number(text) <= definition.max
        ? Number(text)
        : undefined;
    }
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "yes") return true;
      if (raw === "false" || raw === "no") return false;
      return undefined;
    case "choice":
      return typeof raw === "string" && definition.choices.includes(raw)
        ? raw
        : undefined;
    case "list": {
      const items = Array.isArray(raw)
        ? raw
        : typeof raw === "string"
          ? raw.split(",").map((item) => item.trim())
          : [];
      if (
        items.length === 0 ||
        !items.every(
          (item) =>
            typeof item === "string" && definition.choices.includes(item),
        )
      )
        return undefined;
      // Canonical order, no repeats: the same choice always gives the same bytes.
      return definition.choices.filter((choice) => items.includes(choice));
    }
  }
}

export function describeProblem(
  name: string,
  raw: unknown,
  allowed: string,
): string {
  const shown = raw === undefined ? "nothing" : JSON.stringify(raw);
  return `${name} (--${flagOf(name)}): got ${shown}; allowed: ${allowed}`;
}

export function applies(name: SettingName, earlier: PartialAnswers): boolean {
  return definitionOf(name).when?.(earlier) ?? true;
}

export function defaultOf(
  name: SettingName,
  earlier: PartialAnswers,
  facts: Facts,
): Value | undefined {
  return definitionOf(name).default(earlier, facts);
}

/** Whether some setting that applies, given the answers known so far, is still unanswered. */
export function hasUnanswered(known: Record<string, unknown>): boolean {
  const earlier: PartialAnswers = {};
  for (const name of settingNames) {
    if (!applies(name, earlier)) continue;
    if (known[name] === undefined) return true;
    const parsed = parseValue(name, known[name], earlier);
    if ("value" in parsed) earlier[name] = parsed.value;
  }
  return false;
}

export type Resolution =
  { ok: true; answers: Answers } | { ok: false; problems: string[] };

/**
 * Resolves every setting in definition order: the given value, else the default. A setting
 * that does not apply (a staging size without staging) is left out, given or not.
 */
export function resolveAnswers(
  given: Record<string, unknown>,
  facts: Facts,
): Resolution {
  const problems = Object.keys(given)
    .filter((key) => !settingNames.includes(key as SettingName))
    .map(
      (key) =>
        `unknown setting "${key}"; allowed settings: ${settingNames.join(", ")}`,
    );
  const answers: PartialAnswers = {};
  for (const name of settingNames) {
    if (!applies(name, answers)) continue;
    const raw = given[name] ?? defaultOf(name, answers, facts);
    if (raw === undefined) {
      problems.push(
        describeProblem(
          name,
          undefined,
          `${allowedOf(definitionOf(name))} (required)`,
        ),
      );
      continue;
    }
    const parsed = parseValue(name, raw, answers);
    if ("value" in parsed) answers[name] = parsed.value;
    // A default that fails only because an earlier answer did would repeat that problem.
    else if (given[name] !== undefined || problems.length === 0)
      problems.push(describeProblem(name, raw, parsed.allowed));
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, answers: answers as unknown as Answers };
}

/** Reads an answers file: YAML (JSON is YAML too), a mapping of setting names to values. */
function readAnswersFile(path: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `answers file ${path}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error(
      `answers file ${path}: expected a mapping of setting names to values`,
    );
  return parsed as Record<string, unknown>;
}

/**
 * The answers given for one run: an answers file, then one flag per setting (flags win).
 * `flags` holds option values by flag name (`production-asg-min`), as both adapters parse them.
 */
export function givenAnswers(
  flags: Record<string, unknown>,
  answersFile?: string,
): Record<string, unknown> {
  const fromFile = answersFile ? readAnswersFile(resolve(answersFile)) : {};
  const fromFlags = Object.fromEntries(
    settingNames
      .filter((name) => flags[flagOf(name)] !== undefined)
      .map((name) => [name, flags[flagOf(name)]]),
  );
  return { ...fromFile, ...fromFlags };
}
