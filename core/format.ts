// Formats generated files with prettier where prettier applies, so output is stable and tidy.
//
// Built-in templates are written so that their output is already what prettier makes of it
// (test/formatting.test.ts proves it over the answer matrix): formatting it again at run time
// changed nothing and took most of a run (about 0.7 s). The one thing a template cannot write
// ahead is the width of a Markdown table's columns, which depends on the values: alignTables pads
// them as prettier does. Everything a user's template renders still goes through prettier.
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
  if (!parser) return contents;
  // Loaded only when a user's template needs it: built-in output never does.
  const { format } = await import("prettier");
  return format(contents, { parser });
}

export function needsFormatting(file: PlannedFile): boolean {
  return (
    Boolean(file.fromUserTemplate) &&
    parserFor(file.path, file.contents) !== undefined
  );
}

const TABLE_ROW = /^\|.*\|$/;
const DELIMITER_CELL = /^:?-+:?$/;

function cellsOf(row: string): string[] {
  // Split on pipes that are not escaped; the outer pipes leave an empty first and last cell.
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

type Alignment = "left" | "right" | "center";

function alignmentOf(delimiter: string): Alignment {
  const [left, right] = [delimiter.startsWith(":"), delimiter.endsWith(":")];
  return left && right ? "center" : right ? "right" : "left";
}

function pad(text: string, width: number, alignment: Alignment): string {
  const spaces = width - text.length;
  if (alignment === "right") return text.padStart(width);
  if (alignment === "left") return text.padEnd(width);
  const before = Math.floor(spaces / 2);
  return " ".repeat(before) + text + " ".repeat(spaces - before);
}

function alignTable(rows: string[]): string[] {
  const table = rows.map(cellsOf);
  const alignments = table[1]!.map(alignmentOf);
  const widths = alignments.map((_, column) =>
    Math.max(
      3,
      ...table.map((cells, index) =>
        index === 1 ? 3 : (cells[column] ?? "").length,
      ),
    ),
  );
  return table.map((cells, index) => {
    const padded = widths.map((width, column) => {
      const alignment = alignments[column]!;
      if (index !== 1) return pad(cells[column] ?? "", width, alignment);
      const delimiter = cells[column] ?? "";
      const [left, right] = [
        delimiter.startsWith(":"),
        delimiter.endsWith(":"),
      ];
      const dashes = "-".repeat(width - Number(left) - Number(right));
      return `${left ? ":" : ""}${dashes}${right ? ":" : ""}`;
    });
    return `| ${padded.join(" | ")} |`;
  });
}

/** Pads the columns of every Markdown table (a header, a delimiter row, rows) as prettier does. */
export function alignTables(markdown: string): string {
  const lines = markdown.split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!TABLE_ROW.test(lines[i]!)) {
      out.push(lines[i++]!);
      continue;
    }
    let end = i;
    while (end < lines.length && TABLE_ROW.test(lines[end]!)) end++;
    const block = lines.slice(i, end);
    const isTable =
      block.length >= 2 &&
      cellsOf(block[1]!).every((cell) => DELIMITER_CELL.test(cell));
    out.push(...(isTable ? alignTable(block) : block));
    i = end;
  }
  return out.join("\n");
}

export async function formatFiles(
  files: PlannedFile[],
): Promise<PlannedFile[]> {
  return Promise.all(
    files.map(async (file) => {
      if (needsFormatting(file))
        return {
          ...file,
          contents: await formatFile(file.path, file.contents),
        };
      return file.path.endsWith(".md")
        ? { ...file, contents: alignTables(file.contents) }
        : file;
    }),
  );
}
