// Libraries a run needs only sometimes, loaded when first used: YAML for an answers file, diff
// for a dry run's patches, the Handlebars compiler for a template that is not precompiled, the
// three-way merge for a file the user edited, edit distances for a "did you mean".
// Loaded at start-up, they took longer than rendering every template.
import type * as Diff from "diff";
import type * as Levenshtein from "fastest-levenshtein";
import type * as Diff3 from "node-diff3";
import type HandlebarsType from "handlebars";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";

const require = createRequire(import.meta.url);

export const yaml = () => require("yaml") as typeof Yaml;
export const diff = () => require("diff") as typeof Diff;
export const handlebarsCompiler = () =>
  require("handlebars") as typeof HandlebarsType;
export const diff3 = () => require("node-diff3") as typeof Diff3;
export const levenshtein = () =>
  require("fastest-levenshtein") as typeof Levenshtein;
