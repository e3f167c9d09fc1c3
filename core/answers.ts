// Turns raw answers (CLI flags, an answers file, .yo-rc.json, prompts) into validated Answers.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { yaml } from "./lazy.js";
import { YO_RC } from "./state.js";
import { didYouMean, shortened, shown } from "./suggest.js";
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
    case "text": {
      // An ID written as a YAML or JSON number means its digits.
      const given = Number.isSafeInteger(raw) ? String(raw) : raw;
      if (typeof given !== "string") return undefined;
      const text = definition.normalize?.(given.trim()) ?? given.trim();
      return definition.pattern.test(text) ? text : undefined;
    }
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

/** A setting as the user meets it: its prompt, without the question mark or the aside. */
export function labelOf(name: SettingName): string {
  return definitionOf(name)
    .prompt.replace(/\?$/, "")
    .replace(/ \([^)]*\)$/, "");
}

export function describeProblem(
  name: SettingName,
  raw: unknown,
  allowed: string,
): string {
  const definition = definitionOf(name);
  const suggestion =
    definition.kind === "text" && typeof raw === "string"
      ? definition.suggest?.(raw)
      : undefined;
  const valid =
    suggestion !== undefined &&
    definition.kind === "text" &&
    definition.pattern.test(suggestion);
  return `${labelOf(name)} (--${flagOf(name)}): got ${shown(raw)}; allowed: ${allowed}${valid ? `; try ${JSON.stringify(suggestion)}` : ""}`;
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

/** Whether some setting that applies, given the answers known so far, is unanswered or invalid. */
export function hasUnanswered(known: Record<string, unknown>): boolean {
  const earlier: PartialAnswers = {};
  for (const name of settingNames) {
    if (!applies(name, earlier)) continue;
    if (known[name] === undefined) return true;
    const parsed = parseValue(name, known[name], earlier);
    if ("allowed" in parsed) return true;
    earlier[name] = parsed.value;
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
  givenNow: Record<string, unknown>,
  facts: Facts,
  stored: Record<string, unknown> = {},
): Resolution {
  const problems = [
    ...unknownSettings(stored, `setting in ${YO_RC}`),
    ...unknownSettings(givenNow, "setting"),
  ];
  const given = { ...stored, ...givenNow };
  const answers: PartialAnswers = {};
  for (const name of settingNames) {
    if (!applies(name, answers)) continue;
    // null (an answers file's empty value) asks for the default, as a missing key does.
    const givenValue = given[name] ?? undefined;
    const raw = givenValue ?? defaultOf(name, answers, facts);
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
    else if (givenValue !== undefined || problems.length === 0)
      problems.push(describeProblem(name, raw, parsed.allowed));
  }
  return problems.length
    ? { ok: false, problems }
    : { ok: true, answers: answers as unknown as Answers };
}

/** Keys that name no setting, each with the setting it most likely means. */
export function unknownSettings(
  record: Record<string, unknown>,
  what: string,
): string[] {
  return Object.keys(record)
    .filter((key) => !settingNames.includes(key as SettingName))
    .map(
      (key) =>
        `unknown ${what} ${shown(key)}${didYouMean(key, settingNames) || "; docs/answers.md lists every setting"}`,
    );
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === "ENOENT"
        ? `${what} ${path}: no such file; check the path`
        : code === "EISDIR"
          ? `${what} ${path}: is a folder; give the file inside it`
          : `${what} ${path}: cannot be read (${(error as Error).message})`,
    );
  }
}

/** Whether JSON text parses once its line and block comments are gone: they are its only fault. */
function parsesWithoutComments(text: string): boolean {
  try {
    JSON.parse(text.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, ""));
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads an answers file: a mapping of setting names to plain values, in JSON (by its .json
 * ending: comments are not JSON) or YAML (where a tag such as !Ref is refused, not ignored).
 */
function readAnswersFile(path: string): Record<string, unknown> {
  const what = "answers file (--answers)";
  const text = readText(path, what);
  let parsed: unknown;
  if (extname(path).toLowerCase() === ".json") {
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      const comment = parsesWithoutComments(text)
        ? "; JSON has no comments: remove them, or write the answers as YAML (a .yml file), where # starts a comment"
        : "";
      throw new Error(
        `${what} ${path}: not JSON: ${shortened((error as Error).message.replaceAll("\n", "\\n"), 200)}${comment}`,
      );
    }
  } else {
    const document = yaml().parseDocument(text, { logLevel: "silent" });
    const [problem] = [...document.errors, ...document.warnings];
    if (problem)
      throw new Error(
        `${what} ${path}: ${problem.message.split("\n")[0]}; answers are plain values (text, numbers, true or false, lists)`,
      );
    parsed = document.toJS();
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error(
      `${what} ${path}: expected a mapping of setting names to values, such as "domain: example.com"`,
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

const SAVED_ANSWERS_HEADER =
  "# Answers of a rails-aws run that wrote nothing: give them back with --answers.";

/**
 * Keeps the answers of a run that failed after asking, in `folder`, so that the next run
 * (`--answers FILE`) asks only what was missing or wrong. A file of that name that is not such a
 * file is left alone: the next free name is taken. Returns the file's path.
 */
export function saveAnswers(
  answers: Record<string, unknown>,
  folder: string,
): string {
  for (let n = 1; ; n++) {
    const path = join(folder, `rails-aws-answers${n === 1 ? "" : `-${n}`}.yml`);
    if (
      existsSync(path) &&
      !readFileSync(path, "utf8").startsWith(SAVED_ANSWERS_HEADER)
    )
      continue;
    const known = Object.fromEntries(
      settingNames
        .filter((name) => answers[name] !== undefined)
        .map((name) => [name, answers[name]]),
    );
    writeFileSync(path, `${SAVED_ANSWERS_HEADER}\n${yaml().stringify(known)}`);
    return path;
  }
}
