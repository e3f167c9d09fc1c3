// The Yeoman side of the generator: options and prompts derived from the settings. Deciding and
// writing are the core's (core/run.ts), as for the rails-aws command.
import Generator from "yeoman-generator";
import {
  askSettings,
  headline,
  labelledChoices,
  type Question,
} from "../core/questions.js";
import { definitionOf, flagOf, settingNames } from "../core/settings.js";
import { RUN_OPTIONS, runFlags } from "../core/run-options.js";
import { runParts, type Confirm, type RunOutcome } from "../core/run.js";
import { destinationLabel } from "../core/terminal.js";
import { readFacts } from "../core/state.js";

type Options = Record<string, unknown>;

export function optionsOf(generator: Generator): Options {
  return generator.options as unknown as Options;
}

export function declareOptions(generator: Generator): void {
  for (const [name, option] of Object.entries(RUN_OPTIONS))
    generator.option(name, {
      type: option.type === "boolean" ? Boolean : String,
      description: option.description,
      ...("short" in option && { alias: option.short }),
    });
  for (const name of settingNames) {
    const definition = definitionOf(name);
    generator.option(flagOf(name), {
      type: definition.kind === "boolean" ? Boolean : String,
      description: definition.help,
    });
  }
}

/** Inquirer's checkbox validates its selected choice objects, not their values. */
function inquirerValue(input: unknown): unknown {
  return Array.isArray(input)
    ? input.map((item: unknown) =>
        item && typeof item === "object" && "value" in item
          ? (item as { value: unknown }).value
          : item,
      )
    : input;
}

/** A core question as Yeoman's prompt takes it. */
function yeomanQuestion(question: Question) {
  const base = {
    name: question.name,
    message: headline(question),
    default: question.default,
    // Inquirer asks again while validate returns a message: the message says what is allowed.
    validate: (input: unknown) => question.validate(inquirerValue(input)),
  };
  switch (question.kind) {
    case "boolean":
      return { ...base, type: "confirm" };
    case "choice":
      return { ...base, type: "select", choices: labelledChoices(question) };
    case "list":
      return { ...base, type: "checkbox", choices: labelledChoices(question) };
    default:
      return { ...base, type: "input", default: base.default?.toString() };
  }
}

/**
 * Asks each setting that applies and is not known (core/questions.ts). A previous answer (stored,
 * when the user asked to change stored answers) is the question's default.
 */
export function promptForSettings(
  generator: Generator,
  known: Record<string, unknown>,
  previous: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  return askSettings(
    known,
    readFacts(generator.destinationRoot()),
    async (question, problem) => {
      if (problem) generator.log(problem);
      const answer = await generator.prompt([
        yeomanQuestion(question) as never,
      ]);
      return inquirerValue((answer as Record<string, unknown>)[question.name]);
    },
    previous,
  );
}

/**
 * Prints the core's report. The core wrote the files itself, under the destination's lock and
 * crash-safe, so Yeoman's in-memory file system and conflicter have nothing to do. Invalid answers
 * fail the generator with the core's message; a conflict leaves the exit code at 1, as the CLI does.
 */
export function finish(generator: Generator, outcome: RunOutcome): void {
  if (outcome.error) throw new Error(outcome.error);
  if (outcome.exitCode) process.exitCode = outcome.exitCode;
  generator.log(outcome.report.trimEnd());
}

/** The destination as the user named it: `rails-aws myapp` hands over to Yeoman from outside it. */
export const labelOf = (generator: Generator) =>
  destinationLabel(generator.destinationRoot());

/** Shows what will be written and asks `Write N files to DIR?`, as the rails-aws command does. */
export function confirmWrite(generator: Generator): Confirm {
  return async ({ preview, files }) => {
    generator.log(`\n${preview}`);
    const answer = await generator.prompt([
      {
        type: "confirm",
        name: "write",
        message: `Write ${files} files to ${labelOf(generator)}?`,
        default: true,
      } as never,
    ]);
    return Boolean((answer as Record<string, unknown>).write);
  };
}

/** Generates the given parts and writes them, once confirmed when `confirm` is given. */
export async function writeParts(
  generator: Generator,
  parts: string[],
  given: Record<string, unknown>,
  confirm?: Confirm,
): Promise<void> {
  const options = optionsOf(generator);
  finish(
    generator,
    await runParts({
      destination: generator.destinationRoot(),
      destinationLabel: labelOf(generator),
      given,
      parts,
      ...runFlags(options),
      confirm,
    }),
  );
}
