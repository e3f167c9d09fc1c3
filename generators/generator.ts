// Builds the Yeoman generator class for a set of parts: `app` (every part, with prompts) and one
// per part (`rails-aws:docker`, ...), which regenerates from the stored answers without asking.
import Generator from "yeoman-generator";
import { givenAnswers } from "../core/answers.js";
import { readStoredAnswers } from "../core/state.js";
import { CANCELLED_EXIT_CODE, isCancelled } from "../core/terminal.js";
import {
  confirmWrite,
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
    /** Whether questions were asked: then the answers are shown and confirmed before writing. */
    asked = false;

    constructor(args: string[], opts: Record<string, unknown>) {
      // The core writes every file itself and the generated app installs its own packages (its
      // README says how): Yeoman's install task has nothing to do and would only say so.
      // Yeoman parses the command line again at each option declared unless told not to: parsed
      // once, with every option known, the generator is made in a quarter of the time.
      super(args, opts as never, {
        customInstallTask: true,
        skipParseOptions: true,
      });
      declareOptions(this);
      this.parseOptions();
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
        const asked = await promptForSettings(
          this,
          known,
          askAnswered ? stored : {},
        );
        Object.assign(this.given, asked);
        this.asked = Object.keys(asked).length > 0;
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
      try {
        await writeParts(
          this,
          parts,
          this.given,
          this.asked && !optionsOf(this).yes ? confirmWrite(this) : undefined,
        );
      } catch (error) {
        if (!isCancelled(error)) throw error;
        this.log("\nCancelled, nothing written.");
        process.exitCode = CANCELLED_EXIT_CODE;
      }
    }
  };
}
