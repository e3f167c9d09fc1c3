// The app's JavaScript (app/javascript/, the ES modules the import map serves) parsed as ES
// modules by `node --check --input-type=module`: syntax only, imports are not resolved (their
// bare names, such as "@rails/actioncable", exist only in the browser's import map). One node
// process per file, since --input-type applies to standard input only.
import type { RepoFile } from "../repo.js";
import { runTool } from "../tools.js";
import type { Problem, Validator } from "../types.js";

const MODULE_EXTENSIONS = new Set([".js", ".mjs"]);

export const javascript: Validator = {
  name: "javascript",
  tools: ["node"],
  appliesTo: isAppModule,
  async run(files, context) {
    const problems = await Promise.all(
      files.map(async (file) => {
        const result = await runTool(
          context.tools.node!,
          ["--check", "--input-type=module"],
          { cwd: context.root, env: context.env, input: file.contents },
        );
        return result.code === 0 ? [] : [toProblem(file.path, result.stderr)];
      }),
    );
    return problems.flat();
  },
};

function isAppModule(file: RepoFile): boolean {
  return (
    file.path.startsWith("app/javascript/") &&
    MODULE_EXTENSIONS.has(file.extension)
  );
}

/**
 * Node reports a syntax error as `[stdin]:<line>`, the source line, a caret under the column,
 * a blank line and `SyntaxError: <message>` (then its own stack).
 */
function toProblem(file: string, stderr: string): Problem {
  const lines = stderr.split("\n");
  const at = lines.findIndex((line) => /^\[stdin\]:\d+$/.test(line));
  const line =
    at >= 0 ? Number(lines[at]!.slice("[stdin]:".length)) : undefined;
  const caret = at >= 0 ? lines[at + 2]?.indexOf("^") : undefined;
  const error = lines.find((l) => /^[A-Za-z]*Error: /.test(l));
  return {
    file,
    ...(line !== undefined && { line }),
    ...(caret !== undefined && caret >= 0 && { column: caret + 1 }),
    message: error ?? (stderr.trim() || "node --check failed"),
  };
}
