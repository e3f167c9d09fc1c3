// Libraries a run needs only sometimes, loaded when first used: YAML for an answers file, diff
// for a dry run's patches, the Handlebars compiler for a template that is not precompiled.
// Loaded at start-up, they took longer than rendering every template.
import type * as Diff from "diff";
import type HandlebarsType from "handlebars";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";

const require = createRequire(import.meta.url);

export const yaml = () => require("yaml") as typeof Yaml;
export const diff = () => require("diff") as typeof Diff;
export const handlebarsCompiler = () =>
  require("handlebars") as typeof HandlebarsType;
