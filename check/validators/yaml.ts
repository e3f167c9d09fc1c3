// Plain YAML (no ERB) must parse. Any local `!` tag is accepted: CloudFormation's short forms
// (!Ref, !Sub, !GetAtt, ...) and Psych's !ruby/... are valid YAML that only their consumer resolves.
import {
  type Document,
  LineCounter,
  parseAllDocuments,
  visit,
  type YAMLError,
} from "yaml";
import { hasErb, isYaml, type RepoFile } from "../repo.js";
import type { Problem, Validator } from "../types.js";

export const yaml: Validator = {
  name: "yaml",
  tools: [],
  appliesTo: (file) => isYaml(file) && !hasErb(file),
  run: async (files) => files.flatMap(yamlProblems),
};

function yamlProblems(file: RepoFile): Problem[] {
  const source = file.contents;
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source, {
    lineCounter,
    prettyErrors: false,
  });
  // An empty stream parses to an EmptyStream, which is a valid (empty) YAML file.
  const documents = Array.isArray(parsed) ? parsed : [];
  const problems: Problem[] = [];
  for (const document of documents) {
    const reported = [
      ...document.errors,
      ...document.warnings.filter((warning) => !isLocalTag(warning, source)),
    ];
    for (const error of reported) {
      problems.push(
        toProblem(file.path, error.message, lineCounter.linePos(error.pos[0])),
      );
    }
    if (document.errors.length === 0) {
      problems.push(...conversionProblems(file.path, document, lineCounter));
    }
  }
  return problems;
}

/**
 * Aliases are resolved only when the document is converted: look for an alias to a missing
 * anchor first, to give its line, then convert to catch the rest (e.g. a merge of a scalar).
 */
function conversionProblems(
  file: string,
  document: Document,
  lineCounter: LineCounter,
): Problem[] {
  const problems: Problem[] = [];
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) !== undefined) return;
      const message = `Unresolved alias: no anchor &${alias.source} before it`;
      problems.push(
        toProblem(file, message, lineCounter.linePos(alias.range?.[0] ?? 0)),
      );
    },
  });
  if (problems.length > 0) return problems;
  try {
    document.toJS({ maxAliasCount: -1 });
    return [];
  } catch (error) {
    return [{ file, message: (error as Error).message }];
  }
}

/** An unresolved `!Name` tag; `!!type` tags belong to YAML itself and must be known. */
function isLocalTag(warning: YAMLError, source: string): boolean {
  if (warning.code !== "TAG_RESOLVE_FAILED") return false;
  const tag = source.slice(warning.pos[0], warning.pos[1]);
  return tag.startsWith("!") && !tag.startsWith("!!");
}

function toProblem(
  file: string,
  message: string,
  position: { line: number; col: number },
): Problem {
  return { file, line: position.line, column: position.col, message };
}
