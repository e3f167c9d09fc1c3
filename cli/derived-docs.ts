// The pages of docs/ that are derived from the code: `npm run docs` writes them, and a test fails
// when one is stale.
import { format } from "prettier";
import { ANSWERS_REFERENCE_PATH, answersReference } from "../core/reference.js";
import { helpText } from "./help.js";

async function commandsReference(): Promise<string> {
  const text = [
    "# Commands and options",
    "",
    "<!-- Generated from the CLI's help by `npm run docs`; a test fails when this page is stale. -->",
    "",
    "`npx rails-aws --help` prints this page. The Yeoman generators take the same options:",
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
  [ANSWERS_REFERENCE_PATH]: answersReference,
  "docs/commands.md": commandsReference,
};
