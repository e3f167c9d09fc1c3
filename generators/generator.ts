// Builds the Yeoman generator class for a set of parts: `app` (every part, with prompts) and one
// per part (`rails-aws:docker`, ...), which regenerates from the stored answers without asking.
import Generator from "yeoman-generator";
import { givenAnswers } from "../core/answers.js";
import { readStoredAnswers } from "../core/state.js";
import { CANCELLED_EXIT_CODE, isCancelled } from "../core/run.js";
import {
  declareOptions,
  optionsOf,
  promptForSettings,
  writeParts,
} from "./adapter.js";

export function railsAwsGenerator(
  parts: string[],
  options: { interactive: boolean },
) {
  return class RailsAwsGenerator extends Generator {
    given: Record<string, unknown> = {};
    cancelled = false;

    constructor(args: string[], opts: Record<string, unknown>) {
      super(args, opts as never);
      declareOptions(this);
    }

    async prompting() {
      const runOptions = optionsOf(this);
      this.given = givenAnswers(
        runOptions,
        runOptions.answers as string | undefined,
      );
      if (!options.interactive || runOptions.defaults) return;
      // With --ask-answered, stored answers are only the defaults of the questions.
      const stored = readStoredAnswers(this.destinationRoot());
      const askAnswered = Boolean(runOptions["ask-answered"]);
      const known = { ...(askAnswered ? {} : stored), ...this.given };
      try {
        Object.assign(
          this.given,
          await promptForSettings(this, known, askAnswered ? stored : {}),
        );
      } catch (error) {
        if (!isCancelled(error)) throw error;
        this.cancelled = true;
      }
    }

    async writing() {
      if (this.cancelled) {
        this.log("\nCancelled, nothing written.");
        process.exitCode = CANCELLED_EXIT_CODE;
        return;
      }
      await writeParts(this, parts, this.given);
    }
  };
}
