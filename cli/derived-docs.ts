// The pages of docs/ that are derived from the code: `npm run docs` writes them, and a test fails
// when one is stale.
import { format } from "prettier";
import {
  CONNECTION_BUDGET_FORMULA,
  settingDescriptions,
} from "../core/settings.js";
import { helpText } from "./help.js";

/** The answers reference: every setting with its flag, prompt, allowed values and default. */
export async function answersReference(): Promise<string> {
  const sections = settingDescriptions.flatMap((setting) => [
    `## \`${setting.name}\``,
    "",
    setting.help,
    "",
    `- flag: \`--${setting.flag}\`${setting.boolean ? ` or \`--no-${setting.flag}\`` : ""}`,
    `- prompt: ${setting.prompt}`,
    `- allowed: ${setting.allowed}`,
    `- default: ${setting.default}`,
    "",
  ]);
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
    `database class must hold the connection budget, ${CONNECTION_BUDGET_FORMULA}, within its default \`max_connections\`.`,
    "",
    ...sections,
  ].join("\n");
  return format(text, { parser: "markdown" });
}

async function commandsReference(): Promise<string> {
  const text = [
    "# Commands and options",
    "",
    "<!-- Generated from the CLI's help by `npm run docs`; a test fails when this page is stale. -->",
    "",
    "`rails-aws --help` prints this page. The Yeoman generators take the same options:",
    "`yo rails-aws [options]`, `yo rails-aws:<part> [options]` and `yo rails-aws:eject <part>`.",
    "",
    "```text",
    helpText().trimEnd(),
    "```",
    "",
  ].join("\n");
  return format(text, { parser: "markdown" });
}

export const DERIVED_DOCS: Record<string, () => Promise<string>> = {
  "docs/answers.md": answersReference,
  "docs/commands.md": commandsReference,
};
