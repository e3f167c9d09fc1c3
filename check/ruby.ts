// Validators that need Ruby itself (syntax, ERB) run ONE ruby process over all their files: a
// script of ruby/ reads a JSON request on stdin and writes JSON problems on stdout (see
// ruby/protocol.rb).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runTool } from "./tools.js";
import type { Problem, ValidatorContext } from "./types.js";

/** The checker's Ruby files. tsc copies none of them into dist/: found from the package root. */
export const RUBY_DIR = fileURLToPath(
  new URL("../../check/ruby/", import.meta.url),
);

/** Runs ruby/<script>.rb with `input` as JSON on stdin; it prints a JSON array of problems. */
export async function runRubyScript<P extends Problem = Problem>(
  script: string,
  input: unknown,
  context: ValidatorContext,
): Promise<P[]> {
  const ruby = context.tools.ruby;
  if (!ruby)
    throw new Error(
      "runRubyScript needs a validator that declares the ruby tool",
    );
  const result = await runTool(ruby, [join(RUBY_DIR, `${script}.rb`)], {
    cwd: context.root,
    env: context.env,
    input: JSON.stringify(input),
  });
  if (result.code !== 0) {
    throw new Error(
      `ruby exited with code ${result.code}: ${result.stderr.trim()}`,
    );
  }
  return (JSON.parse(result.stdout) as P[]).map(withoutNullLine);
}

/** Ruby's nil line arrives as null: drop it so a problem without a line has no `line` key. */
function withoutNullLine<P extends Problem>(problem: P): P {
  if (problem.line === null) delete problem.line;
  return problem;
}
