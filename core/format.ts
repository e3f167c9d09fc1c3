// Formats generated files with prettier where prettier applies, so output is stable and tidy.
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

export async function formatFiles(
  files: PlannedFile[],
): Promise<PlannedFile[]> {
  return Promise.all(
    files.map(async (file) => ({
      ...file,
      contents: await formatFile(file.path, file.contents),
    })),
  );
}
