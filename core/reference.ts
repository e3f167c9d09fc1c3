// docs/answers.md, the answers reference, derived from the settings definitions.
import { format } from "prettier";
import {
  allowedOf,
  defaultText,
  definitionOf,
  flagOf,
  settingNames,
} from "./settings.js";

export const ANSWERS_REFERENCE_PATH = "docs/answers.md";

export async function answersReference(): Promise<string> {
  const sections = settingNames.flatMap((name) => {
    const definition = definitionOf(name);
    return [
      `## \`${name}\``,
      "",
      `${definition.help}`,
      "",
      `- flag: \`--${flagOf(name)}\`${definition.kind === "boolean" ? ` or \`--no-${flagOf(name)}\`` : ""}`,
      `- prompt: ${definition.prompt}`,
      `- allowed: ${allowedOf(definition)}`,
      `- default: ${defaultText(name)}`,
      "",
    ];
  });
  const text = [
    "# Answers reference",
    "",
    "<!-- Generated from core/settings.ts by `npm run docs`; a test fails when this page is stale. -->",
    "",
    "Every setting can be given as a command-line flag, as a key of an `--answers` file (YAML or JSON), or",
    "answered at a prompt. Answers are stored in `.yo-rc.json` under `generator-rails-aws`, and later runs",
    "reuse them. Settings of an environment that is not chosen (or of redis, when the cable adapter is",
    "`solid_cable`) are neither asked nor stored.",
    "",
    "Rules across settings: each environment's `AsgMax` is at least its `AsgMin`; each environment's",
    "database class must hold the connection budget (`AsgMax` × (`pumaWorkers` × `pumaThreads` +",
    "`jobThreads`) × 4 databases) within its default `max_connections`.",
    "",
    ...sections,
  ].join("\n");
  return format(text, { parser: "markdown" });
}
