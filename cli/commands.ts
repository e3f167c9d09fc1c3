// The commands of `rails-aws`: the router takes their names as reserved words, --help lists them.
import { parts } from "../core/parts/registry.js";

export interface Command {
  name: string;
  /** How --help shows it, operands included. */
  usage: string;
  description: string;
}

/** Generating the whole repo is what the command does when no command is given. */
export const DEFAULT_COMMAND: Command = {
  name: "",
  usage: "(none)",
  description: "generate the whole repo in dir, asking for what is not given",
};

export const COMMANDS: Command[] = [
  ...parts.map((part) => ({
    name: part.name,
    usage: part.name,
    description: `regenerate ${part.description}, from the stored answers`,
  })),
  {
    name: "eject",
    usage: "eject <part>",
    description:
      "copy a part's templates to dir/.rails-aws/templates/<part>/ to customise them",
  },
  {
    name: "check",
    usage: "check",
    description:
      "run every installed validator over the files rails-aws wrote in dir; exits non-zero on any finding",
  },
];

/** Options of `check` alone (a run's options do not apply to it). */
export const CHECK_OPTIONS = {
  all: {
    type: "boolean",
    description:
      "Check every file of the repo, not only those rails-aws wrote (an onboarded app's own files too)",
  },
} as const;

export const commandNames = COMMANDS.map((command) => command.name);
