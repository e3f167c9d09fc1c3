// CloudFormation templates and parameter files as the cloudformation validators see them: plain
// values in which the short forms (!Ref, !Sub, !GetAtt, ...) are spelt out as their long forms
// ({ Ref: x }, { "Fn::Sub": x }), and a way back from a path in those values to a line.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
} from "yaml";
import type { RepoFile } from "../repo.js";
import type { Problem } from "../types.js";
import {
  FUNCTIONS,
  isObject,
  type Json,
  type JsonObject,
  type Path,
} from "./json.js";

/** `!Ref` → Ref, `!Condition` → Condition, `!Sub` → Fn::Sub. */
function longForm(tag: string): string | undefined {
  const name = tag.slice(1);
  const key = name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
  return FUNCTIONS.has(key) ? key : undefined;
}

interface Position {
  line: number;
  column: number;
}

export interface ParsedFile {
  file: string;
  /** undefined when the file does not parse (syntaxErrors say why). */
  body: Json;
  /** The YAML parser's errors, which the yaml validator reports for .yml files. */
  syntaxErrors: Problem[];
  /** What CloudFormation rejects although it is valid YAML: aliases, unknown tags. */
  problems: Problem[];
  /** Where the value at `path` is (the key's position for a map entry), as near as it exists. */
  locate(path: Path): Position;
  /** The YAML node at `path`, when it exists. */
  nodeAt(path: Path): Node | undefined;
  /** The line and column of an offset in the file. */
  positionOf(offset: number): Position;
}

/** Each file parsed once: the three cloudformation validators of a check run share its files. */
const parsedFiles = new WeakMap<RepoFile, ParsedFile>();

/** A template or parameter file (YAML, or JSON, which is YAML), parsed on the first call. */
export function parseCloudFormationFile(file: RepoFile): ParsedFile {
  let parsed = parsedFiles.get(file);
  if (!parsed) {
    parsed = parse(file);
    parsedFiles.set(file, parsed);
  }
  return parsed;
}

function parse(file: RepoFile): ParsedFile {
  const lineCounter = new LineCounter();
  const document = parseDocument(file.contents, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const position = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const syntaxErrors: Problem[] = document.errors.map((error) => ({
    file: file.path,
    ...position(error.pos[0]),
    message: error.message,
  }));
  const problems: Problem[] = [];
  const body =
    syntaxErrors.length === 0
      ? toValue(document.contents as Node | null, (node, message) =>
          problems.push({
            file: file.path,
            ...position(node.range?.[0] ?? 0),
            message,
          }),
        )
      : undefined;
  return {
    file: file.path,
    body,
    syntaxErrors,
    problems,
    locate: (path) => position(walk(document, path).offset),
    nodeAt: (path) => walk(document, path).node,
    positionOf: position,
  };
}

type Report = (node: Node, message: string) => void;

function toValue(node: Node | null, report: Report): Json {
  if (node === null) return null;
  if (isAlias(node)) {
    report(node, "CloudFormation does not accept YAML aliases (*name)");
    return null;
  }
  let value: Json;
  if (isScalar(node)) value = node.value;
  else if (isSeq(node))
    value = node.items.map((item) => toValue(item as Node, report));
  else if (isMap(node)) {
    const object: JsonObject = {};
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : "";
      object[key] = toValue(pair.value as Node | null, report);
    }
    value = object;
  } else return null;
  return wrapTagged(node, value, report);
}

/** `!GetAtt A.B` → { "Fn::GetAtt": ["A", "B"] }; `!Sub x` → { "Fn::Sub": x }. */
function wrapTagged(node: Node, value: Json, report: Report): Json {
  const tag = node.tag;
  if (!tag || tag.startsWith("tag:yaml.org,2002:")) return value;
  const key = longForm(tag);
  if (!key) {
    report(node, `Unknown tag ${tag}: not a CloudFormation function`);
    return value;
  }
  if (key === "Fn::GetAtt" && typeof value === "string") {
    const dot = value.indexOf(".");
    return {
      [key]: dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)],
    };
  }
  return { [key]: value };
}

/** Follows `path` through the YAML nodes; a tagged node stands for its intrinsic's key too. */
function walk(
  document: Document,
  path: Path,
): { node: Node | undefined; offset: number } {
  let node = document.contents as Node | null;
  let offset = node?.range?.[0] ?? 0;
  for (const segment of path) {
    if (!node) break;
    if (node.tag && longForm(node.tag) === segment) continue;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === segment,
      );
      if (!pair) return { node: undefined, offset };
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value as Node | null;
    } else if (isSeq(node) && typeof segment === "number") {
      node = (node.items[segment] as Node | undefined) ?? null;
      if (!node) return { node: undefined, offset };
      offset = node.range?.[0] ?? offset;
    } else return { node: undefined, offset };
  }
  return { node: node ?? undefined, offset };
}

/** Template files: infra/cloudformation/*.yml, .yaml or .json. */
export function isTemplate(file: RepoFile): boolean {
  return /^infra\/cloudformation\/[^/]+\.(ya?ml|json)$/.test(file.path);
}

/** Parameter files: infra/parameters/<env>/<stack>.json. */
export function isParameterFile(file: RepoFile): boolean {
  return /^infra\/parameters\/(?:.+\/)?[^/]+\.json$/.test(file.path);
}

/** The stack a template or parameter file is for: its base name (app.yml, production/app.json → app). */
export function stackOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1).replace(/\.[^.]+$/, "");
}

/** The environment of a parameter file: its folder (infra/parameters/production/app.json → production). */
export function environmentOf(path: string): string | undefined {
  return /^infra\/parameters\/(.+)\/[^/]+\.json$/.exec(path)?.[1];
}

/** A problem at a path of a parsed file. */
export function problemAt(
  parsed: ParsedFile,
  path: Path,
  message: string,
): Problem {
  return { file: parsed.file, ...parsed.locate(path), message };
}

/** The template's section `name` (Resources, Parameters, ...) as an object, or {}. */
export function section(body: Json, name: string): JsonObject {
  const value = isObject(body) ? body[name] : undefined;
  return isObject(value) ? value : {};
}
