// Formats generated files with prettier where prettier applies, so output is stable and tidy.
//
// Built-in templates are written so that their YAML and JSON output is already what prettier
// makes of it (test/formatting.test.ts proves it over the answer matrix): formatting that output
// again at run time changed nothing and took most of a run (about 0.5 s for the CloudFormation
// templates). So prettier runs on Markdown, whose tables are aligned to their values, and on
// everything a user's template renders.
import { format } from "prettier";
import type { PlannedFile } from "./render.js";

const PARSERS: Record<string, string> = {
  ".yml": "yaml",
  ".yaml": "yaml",
  ".json": "json",
  ".md": "markdown",
};

function parserFor(path: string, contents: string): string | undefined {
  const extension = path.slice(path.lastIndexOf("."));
  const parser = PARSERS[extension];
  // ERB in a YAML file (Rails config) is not YAML until Rails renders it: leave it as written.
  if (parser === "yaml" && contents.includes("<%")) return undefined;
  return parser;
}

export async function formatFile(
  path: string,
  contents: string,
): Promise<string> {
  const parser = parserFor(path, contents);
  return parser ? format(contents, { parser }) : contents;
}

/** Parsers whose output from built-in templates is already formatted. */
const CLEAN_FROM_BUILT_INS = new Set(["yaml", "json"]);

export function needsFormatting(file: PlannedFile): boolean {
  const parser = parserFor(file.path, file.contents);
  if (!parser) return false;
  return Boolean(file.fromUserTemplate) || !CLEAN_FROM_BUILT_INS.has(parser);
}

export async function formatFiles(
  files: PlannedFile[],
): Promise<PlannedFile[]> {
  return Promise.all(
    files.map(async (file) =>
      needsFormatting(file)
        ? { ...file, contents: await formatFile(file.path, file.contents) }
        : file,
    ),
  );
}
