// Options of a run (not settings: they are not stored), shared by the CLI and the Yeoman generators.
export const RUN_OPTIONS = {
  defaults: "Use the default of every setting not given, without asking",
  answers: "Read answers from a YAML or JSON file",
  force:
    "Overwrite files that were edited since the generator wrote them (they are listed)",
} as const;
