// The user data scripts of a template's launch templates, instances and launch configurations,
// as an instance would run them: Fn::Sub variables rendered with placeholder values, and each
// line traceable to the template. Scripts that the user data writes with a quoted heredoc and
// that start with a shebang (helper scripts it installs) are scripts too, and so are the shell
// scripts a launch template keeps in its Metadata (by path) for its user data to install.
import { isScalar, Scalar } from "yaml";
import { shebangInterpreter } from "../repo.js";
import { SHELLS } from "../shellcheck.js";
import {
  intrinsicOf,
  isObject,
  type JsonObject,
  type Path,
  valueAt,
} from "./json.js";
import { section, type ParsedFile } from "./template.js";

export interface UserDataScript {
  file: string;
  /** What the script is, for messages: "the user data of X", or a script it writes. */
  label: string;
  interpreter: string;
  script: string;
  /** Where line `line`, column `column` (1-based) of the script is in the template. */
  position(line: number, column: number): { line: number; column: number };
}

/** Where each resource type keeps its user data. */
const USER_DATA_PATHS: Record<string, string[]> = {
  "AWS::EC2::LaunchTemplate": ["Properties", "LaunchTemplateData", "UserData"],
  "AWS::EC2::Instance": ["Properties", "UserData"],
  "AWS::AutoScaling::LaunchConfiguration": ["Properties", "UserData"],
};

/** What a placeholder stands for: plausible values, so that the script reads as it would run. */
const PSEUDO_VALUES: Record<string, string> = {
  "AWS::AccountId": "123456789012",
  "AWS::Partition": "aws",
  "AWS::Region": "us-east-1",
  "AWS::StackId":
    "arn:aws:cloudformation:us-east-1:123456789012:stack/stack/00000000-0000-0000-0000-000000000000",
  "AWS::StackName": "stack",
  "AWS::URLSuffix": "amazonaws.com",
};

/** Fn::Sub's rendering: `${Name}` → a placeholder value, `${!Literal}` → `${Literal}`. */
export function renderSub(text: string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const trimmed = name.trim();
    if (trimmed.startsWith("!")) return `\${${trimmed.slice(1)}}`;
    return (
      PSEUDO_VALUES[trimmed] ??
      `placeholder-${trimmed.replace(/[^A-Za-z0-9]+/g, "-").toLowerCase()}`
    );
  });
}

export function userDataScripts(
  parsed: ParsedFile,
  source: string,
): UserDataScript[] {
  const scripts: UserDataScript[] = [];
  for (const [id, resource] of Object.entries(
    section(parsed.body, "Resources"),
  )) {
    if (!isObject(resource)) continue;
    const base = USER_DATA_PATHS[String(resource.Type)];
    if (!base) continue;
    const found = scriptText(id, resource, base);
    if (!found) continue;
    const node = parsed.nodeAt(found.path);
    if (!isScalar(node) || !node.range) continue;
    const origin = originOf(parsed, node, source);
    const script = found.sub ? renderSub(found.text) : found.text;
    const interpreter = shebangInterpreter(script.split("\n")[0]!);
    if (!interpreter || !SHELLS.has(interpreter)) continue;
    const main: UserDataScript = {
      file: parsed.file,
      label: `the user data of ${id}`,
      interpreter,
      script,
      position: (line, column) => ({
        line: origin.line + line - 1,
        column: column + origin.indent,
      }),
    };
    scripts.push(main, ...heredocScripts(main));
  }
  scripts.push(...bootFileScripts(parsed, source));
  return scripts;
}

/**
 * Scripts a launch template keeps in its Metadata for its user data to install (keyed by their
 * absolute path), that start with a shell shebang.
 */
function bootFileScripts(parsed: ParsedFile, source: string): UserDataScript[] {
  const scripts: UserDataScript[] = [];
  for (const [id, resource] of Object.entries(
    section(parsed.body, "Resources"),
  )) {
    if (!isObject(resource) || resource.Type !== "AWS::EC2::LaunchTemplate")
      continue;
    const files = valueAt(resource, ["Metadata"]);
    if (!isObject(files)) continue;
    for (const [path, script] of Object.entries(files)) {
      if (!path.startsWith("/") || typeof script !== "string") continue;
      const interpreter = shebangInterpreter(script.split("\n")[0]!);
      if (!interpreter || !SHELLS.has(interpreter)) continue;
      const node = parsed.nodeAt(["Resources", id, "Metadata", path]);
      if (!isScalar(node) || !node.range) continue;
      const origin = originOf(parsed, node, source);
      scripts.push({
        file: parsed.file,
        label: `the file ${path} of ${id}'s Metadata`,
        interpreter,
        script,
        position: (line, column) => ({
          line: origin.line + line - 1,
          column: column + origin.indent,
        }),
      });
    }
  }
  return scripts;
}

/** The script's text at `keys` of resource `id` (through Fn::Base64 and Fn::Sub), and its path. */
function scriptText(
  id: string,
  resource: JsonObject,
  keys: readonly string[],
): { text: string; sub: boolean; path: Path } | undefined {
  let value = valueAt(resource, keys);
  let at: Path = ["Resources", id, ...keys];
  if (intrinsicOf(value) === "Fn::Base64") {
    value = (value as JsonObject)["Fn::Base64"];
    at = [...at, "Fn::Base64"];
  }
  if (typeof value === "string") return { text: value, sub: false, path: at };
  if (intrinsicOf(value) !== "Fn::Sub") return undefined;
  const args = (value as JsonObject)["Fn::Sub"];
  if (typeof args === "string")
    return { text: args, sub: true, path: [...at, "Fn::Sub"] };
  if (Array.isArray(args) && typeof args[0] === "string")
    return { text: args[0], sub: true, path: [...at, "Fn::Sub", 0] };
  return undefined;
}

/** The template line of the script's first line, and the indentation of a block scalar. */
function originOf(
  parsed: ParsedFile,
  node: Scalar,
  source: string,
): { line: number; indent: number } {
  const start = parsed.positionOf(node.range![0]);
  const block =
    node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
  if (!block) return { line: start.line, indent: start.column - 1 };
  const firstLine = source.split("\n")[start.line] ?? "";
  return {
    line: start.line + 1,
    indent: firstLine.length - firstLine.trimStart().length,
  };
}

/** Scripts written with a quoted heredoc (`cat > f <<'EOF'`) that start with a shell shebang. */
function heredocScripts(outer: UserDataScript): UserDataScript[] {
  const lines = outer.script.split("\n");
  const scripts: UserDataScript[] = [];
  lines.forEach((line, index) => {
    const heredoc = /<<-?\s*(['"])(\w+)\1/.exec(line);
    if (!heredoc) return;
    const end = lines.findIndex(
      (candidate, after) => after > index && candidate.trim() === heredoc[2],
    );
    if (end < 0) return;
    const body = lines.slice(index + 1, end);
    const interpreter = shebangInterpreter(body[0] ?? "");
    if (!interpreter || !SHELLS.has(interpreter)) return;
    scripts.push({
      ...outer,
      label: `the script that ${outer.label} writes (heredoc ${heredoc[2]})`,
      interpreter,
      script: `${body.join("\n")}\n`,
      position: (line, column) => outer.position(index + 1 + line, column),
    });
  });
  return scripts;
}
