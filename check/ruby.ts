// Validators that need Ruby itself (syntax, ERB) run ONE ruby process over all their files: a
// script passed with -e reads a JSON request on stdin and writes JSON problems on stdout.
// The script lives in a TypeScript string because tsc copies no other file into dist/ and
// package.json ships only dist/core.
import { runTool } from "./tools.js";
import type { Problem, ValidatorContext } from "./types.js";

/**
 * Ruby helpers every script starts with. `$stdout` is pointed at stderr so that code the script
 * evaluates (ERB) cannot corrupt the JSON written on the real STDOUT. `located` turns Ruby's
 * "path:LINE: message" into a problem.
 */
const PRELUDE = String.raw`
require "json"
$stdout = $stderr

def located(path, message, line = nil)
  message = message.to_s.scrub
  match = /\A#{Regexp.escape(path)}:(\d+):\s*/.match(message)
  line = match[1].to_i if match
  { "file" => path, "line" => line, "message" => (match ? match.post_match : message).rstrip }
end
`;

/** Runs `script` with `input` as JSON on stdin; the script must print a JSON array of problems. */
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
  const result = await runTool(ruby, ["-e", PRELUDE + script], {
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
