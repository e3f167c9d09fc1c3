// Reads a dotenv file such as the generated `.env.example`: the variables a developer is told
// to set, used to render Rails' ERB config the way it renders on their machine.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** KEY=value lines; `export ` prefixes, quotes, blank lines and # comments are understood. */
export function parseEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(
      line,
    );
    if (match) variables[match[1]!] = unquote(match[2]!);
  }
  return variables;
}

function unquote(raw: string): string {
  const quoted = /^(["'])(.*)\1\s*(?:#.*)?$/.exec(raw);
  if (quoted) return quoted[2]!;
  // Unquoted: a comment starts at a # preceded by a space, as in dotenv.
  return raw.replace(/\s+#.*$/, "").trim();
}

/** The variables of `<root>/<name>`, or undefined when there is no such file. */
export function readEnvFile(
  root: string,
  name = ".env.example",
): Record<string, string> | undefined {
  const path = join(root, name);
  return existsSync(path)
    ? parseEnvFile(readFileSync(path, "utf8"))
    : undefined;
}
