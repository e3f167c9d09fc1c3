// The questions of an interactive run, as both adapters ask them (the CLI through its prompts,
// `yo rails-aws` through Yeoman's): each setting with its section and progress, the choices that
// fit the answers before it, each described, and a check that speaks the user's terms.
import { applies, defaultOf, describeProblem, parseValue } from "./answers.js";
import {
  definitionOf,
  sectionOf,
  settingNames,
  type Facts,
  type PartialAnswers,
  type SettingName,
  type Value,
} from "./settings.js";

export interface QuestionChoice {
  value: string;
  /** One line on the choice: what it is, what it costs. */
  description?: string;
}

export interface Question {
  name: SettingName;
  kind: "text" | "integer" | "boolean" | "choice" | "list";
  /** The section and the question's place in it: `Production 3/9`. */
  progress: string;
  message: string;
  default?: Value;
  /** For a choice, only those that fit the answers before it. */
  choices?: QuestionChoice[];
  /** true, or what is wrong with the answer and what is allowed. */
  validate: (raw: unknown) => true | string;
}

/** `Production 3/9`: the settings of the section that apply, given the answers so far. */
function progressOf(name: SettingName, earlier: PartialAnswers): string {
  const section = sectionOf(name);
  const applying = section.settings.filter(
    (other) => other === name || applies(other, earlier),
  );
  return `${section.title} ${applying.indexOf(name) + 1}/${applying.length}`;
}

export function questionFor(
  name: SettingName,
  earlier: PartialAnswers,
  facts: Facts,
  previous?: unknown,
): Question {
  const definition = definitionOf(name);
  const validate = (raw: unknown) => {
    const parsed = parseValue(name, raw, earlier);
    return "allowed" in parsed
      ? describeProblem(name, raw, parsed.allowed)
      : true;
  };
  const proposed = (previous ?? defaultOf(name, earlier, facts)) as
    Value | undefined;
  const question: Question = {
    name,
    kind: definition.kind,
    progress: progressOf(name, earlier),
    message: definition.prompt,
    default: proposed,
    validate,
  };
  if (definition.kind === "list")
    question.choices = definition.choices.map((value) => ({ value }));
  if (definition.kind === "choice") {
    const fitting = definition.choices.filter(
      (choice) => validate(choice) === true,
    );
    question.choices = fitting.map((value) => ({
      value,
      description: definition.describe?.(value, earlier),
    }));
    // A default that an earlier answer rules out gives way to the first that fits.
    if (!fitting.includes(String(proposed))) question.default = fitting[0];
  }
  return question;
}

/**
 * Asks, in the settings' order, each setting that applies and is not known, or is known but not
 * valid with the answers before it (its problem is shown first). Returns what was asked.
 */
export async function askSettings(
  known: Record<string, unknown>,
  facts: Facts,
  ask: (question: Question, problem?: string) => Promise<unknown>,
  previous: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const earlier: PartialAnswers = {};
  const asked: Record<string, unknown> = {};
  for (const name of settingNames) {
    if (!applies(name, earlier)) continue;
    let raw = known[name];
    const given =
      raw === undefined ? undefined : parseValue(name, raw, earlier);
    if (given === undefined || "allowed" in given) {
      const problem =
        given && "allowed" in given
          ? describeProblem(name, raw, given.allowed)
          : undefined;
      raw = await ask(
        questionFor(name, earlier, facts, problem ? undefined : previous[name]),
        problem,
      );
      asked[name] = raw;
    }
    const parsed = parseValue(name, raw, earlier);
    if ("value" in parsed) earlier[name] = parsed.value;
  }
  return asked;
}

/**
 * A question's choices as a list shows them: the value, then its description in a column; once
 * chosen, the value alone.
 */
export function labelledChoices(
  question: Question,
): { value: string; name: string; short: string }[] {
  const choices = question.choices ?? [];
  const width = Math.max(...choices.map((choice) => choice.value.length));
  return choices.map(({ value, description }) => ({
    value,
    short: value,
    name: description ? `${value.padEnd(width)}  ${description}` : value,
  }));
}

/** The question's line: its section and place, then the question. */
export const headline = (question: Question) =>
  `${question.progress} · ${question.message}`;
