// Builds the Yeoman generator class for a set of parts: `app` (every part, with prompts) and one
// per part (`rails-aws:docker`, ...), which regenerates from the stored answers without asking.
import Generator from "yeoman-generator";
import { givenAnswers } from "../core/answers.js";
import { readStoredAnswers } from "../core/state.js";
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
      Object.assign(
        this.given,
        await promptForSettings(this, known, askAnswered ? stored : {}),
      );
    }

    async writing() {
      await writeParts(this, parts, this.given);
    }
  };
}
