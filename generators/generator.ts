// Builds the Yeoman generator class for a set of parts: `app` (every part, with prompts) and one
// per part (`rails-aws:docker`, ...), which regenerates from the stored answers without asking.
import { resolve } from "node:path";
import Generator from "yeoman-generator";
import { readAnswersFile } from "../core/answers.js";
import { readStoredAnswers } from "../core/state.js";
import {
  declareOptions,
  givenByOptions,
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
    summary = "";

    constructor(args: string[], opts: Record<string, unknown>) {
      super(args, opts as never);
      declareOptions(this);
    }

    async prompting() {
      const runOptions = optionsOf(this);
      const file = runOptions.answers
        ? readAnswersFile(resolve(String(runOptions.answers)))
        : {};
      this.given = { ...file, ...givenByOptions(runOptions) };
      if (!options.interactive || runOptions.defaults) return;
      const known = {
        ...readStoredAnswers(this.destinationRoot()),
        ...this.given,
      };
      Object.assign(this.given, await promptForSettings(this, known));
    }

    async writing() {
      this.summary = await writeParts(this, parts, this.given);
    }

    end() {
      this.log(this.summary.trimEnd());
    }
  };
}
