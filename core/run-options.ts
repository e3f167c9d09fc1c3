// Options of a run (not settings: they are not stored), shared by the CLI and the Yeoman generators.
export interface RunOption {
  type: "boolean" | "string";
  /** Shown in --help after the flag, for options that take a value. */
  value?: string;
  /** A one-letter alias: `-y`. */
  short?: string;
  description: string;
}

export const RUN_OPTIONS = {
  defaults: {
    type: "boolean",
    description: "Use the default of every setting not given, without asking",
  },
  answers: {
    type: "string",
    value: "FILE",
    description: "Read answers from a YAML or JSON file",
  },
  yes: {
    type: "boolean",
    short: "y",
    description:
      "Write without showing the answers and asking to confirm (runs that ask nothing never confirm)",
  },
  "ask-answered": {
    type: "boolean",
    description:
      "Ask again for settings already stored in .yo-rc.json, to change them",
  },
  "dry-run": {
    type: "boolean",
    description:
      "Print what would happen to each file, with a diff, and write nothing",
  },
  force: {
    type: "boolean",
    description:
      "Replace files you edited by the generator's output instead of merging (they are listed)",
  },
  "restore-deleted": {
    type: "boolean",
    description:
      "Write again the generated files you deleted (by default they stay deleted)",
  },
  "skip-git": {
    type: "boolean",
    description:
      "Do not make a new project a git repository with a first commit of what was generated",
  },
  repair: {
    type: "boolean",
    description:
      "Rebuild a damaged or missing .rails-aws/manifest.json: files present are taken as yours, files you deleted stay deleted",
  },
  "into-existing": {
    type: "boolean",
    description:
      "Write a new app into a folder that holds other files and no Rails app",
  },
} as const satisfies Record<string, RunOption>;

/** What the run options given (by flag name) ask of one run, as both adapters pass them on. */
export function runFlags(values: Record<string, unknown>) {
  return {
    force: Boolean(values.force),
    restoreDeleted: Boolean(values["restore-deleted"]),
    repair: Boolean(values.repair),
    intoExisting: Boolean(values["into-existing"]),
    dryRun: Boolean(values["dry-run"]),
    skipGit: Boolean(values["skip-git"]),
  };
}
