// An interactive run's questions in the terminal, without Yeoman (so the first one shows at
// once): each prompt as core/questions.ts describes it, then the preview and the confirmation.
import checkbox from "@inquirer/checkbox";
import confirm from "@inquirer/confirm";
import input from "@inquirer/input";
import select from "@inquirer/select";
import { headline, labelledChoices, type Question } from "../core/questions.js";
import type { Confirm } from "../core/run.js";

/** Asks one question; a given answer that failed is explained first. */
export function askInTerminal(write: (text: string) => void) {
  return async (question: Question, problem?: string): Promise<unknown> => {
    if (problem) write(`${problem}\n`);
    const message = headline(question);
    switch (question.kind) {
      case "boolean":
        return confirm({ message, default: Boolean(question.default) });
      case "choice":
        return select({
          message,
          choices: labelledChoices(question),
          default: question.default as string | undefined,
          pageSize: 12,
        });
      case "list": {
        const chosen = (question.default as string[] | undefined) ?? [];
        return checkbox({
          message,
          choices: labelledChoices(question).map((choice) => ({
            ...choice,
            checked: chosen.includes(choice.value),
          })),
          validate: (items) =>
            question.validate(items.map((item) => item.value)),
        });
      }
      default:
        return input({
          message,
          default: question.default?.toString(),
          validate: question.validate,
        });
    }
  };
}

/** Shows what will be written and asks `Write N files to DIR? (Y/n)`. */
export function confirmInTerminal(
  write: (text: string) => void,
  destinationLabel: string,
): Confirm {
  return async ({ preview, files }) => {
    write(`\n${preview}\n`);
    return confirm({
      message: `Write ${files} files to ${destinationLabel}?`,
      default: true,
    });
  };
}
