// An interactive run's questions in the terminal, without Yeoman (so the first one shows at
// once): each prompt as core/questions.ts describes it, then the preview and the confirmation.
import { createRequire } from "node:module";
import { headline, labelledChoices, type Question } from "../core/questions.js";
import type { Confirm } from "../core/run.js";

// The prompt packages are ES modules, required when a question of their kind is first asked: the
// command runs as a CommonJS script (cli/bundle.ts), where import() of an ES module would give
// the whole module as its default export.
const require = createRequire(import.meta.url);

/**
 * Asks one question; a given answer that failed is explained first. Each kind of prompt is loaded
 * when first asked, and `shown` is called once a question is on the screen.
 */
export function askInTerminal(
  write: (text: string) => void,
  shown: () => void,
) {
  return async (question: Question, problem?: string): Promise<unknown> => {
    if (problem) write(`${problem}\n`);
    const { answer } = await prompt(question);
    setImmediate(shown);
    return answer;
  };
}

/** The prompt of a question's kind, on the screen, and the answer to come. */
async function prompt(
  question: Question,
): Promise<{ answer: Promise<unknown> }> {
  const message = headline(question);
  switch (question.kind) {
    case "boolean": {
      const { default: confirm } =
        require("@inquirer/confirm") as typeof import("@inquirer/confirm");
      return {
        answer: confirm({ message, default: Boolean(question.default) }),
      };
    }
    case "choice": {
      const { default: select } =
        require("@inquirer/select") as typeof import("@inquirer/select");
      return {
        answer: select({
          message,
          choices: labelledChoices(question),
          default: question.default as string | undefined,
          pageSize: 12,
        }),
      };
    }
    case "list": {
      const { default: checkbox } =
        require("@inquirer/checkbox") as typeof import("@inquirer/checkbox");
      const chosen = (question.default as string[] | undefined) ?? [];
      return {
        answer: checkbox({
          message,
          choices: labelledChoices(question).map((choice) => ({
            ...choice,
            checked: chosen.includes(choice.value),
          })),
          validate: (items) =>
            question.validate(items.map((item) => item.value)),
        }),
      };
    }
    default: {
      const { default: input } =
        require("@inquirer/input") as typeof import("@inquirer/input");
      return {
        answer: input({
          message,
          default: question.default?.toString(),
          validate: question.validate,
        }),
      };
    }
  }
}

/** Shows what will be written and asks `Write N files to DIR? (Y/n)`. */
export function confirmInTerminal(
  write: (text: string) => void,
  destinationLabel: string,
): Confirm {
  return async ({ preview, files }) => {
    write(`\n${preview}\n`);
    const { default: confirm } =
      require("@inquirer/confirm") as typeof import("@inquirer/confirm");
    return confirm({
      message: `Write ${files} files to ${destinationLabel}?`,
      default: true,
    });
  };
}
