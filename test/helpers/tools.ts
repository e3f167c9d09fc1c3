// Tests that need an external tool (ruby, shellcheck, docker-compose, ...) call requireTool
// first. On CI a missing tool is a failure: .ci/run must install it, and a validator that
// silently stops running would pass everything. Elsewhere the test is skipped, loudly.
import { findTool } from "../../check/tools.js";

export interface RequireToolOptions {
  /** Where to look, PATH-style; defaults to process.env.PATH. */
  path?: string;
  /** Whether this is CI; defaults to process.env.CI === "true". */
  ci?: boolean;
}

/** Returns when every tool is on PATH; otherwise fails on CI, or warns and skips the test or suite. */
export function requireTool(
  context: Mocha.Context,
  tools: string | readonly string[],
  options: RequireToolOptions = {},
): void {
  const missing = [tools]
    .flat()
    .filter((tool) => !findTool(tool, options.path));
  if (missing.length === 0) return;
  const what = `${missing.join(", ")} not found on PATH`;
  const title = titleOf(context);
  if (options.ci ?? process.env.CI === "true") {
    throw new Error(
      `${what}: CI must install it (see .ci/run) to run "${title}"`,
    );
  }
  console.warn(
    `\n    SKIPPED "${title}": ${what}; install it to run this check.\n`,
  );
  context.skip();
}

/** The test's title, or the suite's when called from a hook (which then skips the whole suite). */
function titleOf(context: Mocha.Context): string {
  const runnable = context.test;
  // @types/mocha leaves `type` off Runnable; mocha sets it to "hook" or "test".
  if ((runnable as { type?: string } | undefined)?.type === "hook")
    return runnable?.parent?.fullTitle() ?? "this suite";
  return runnable?.fullTitle() ?? "this test";
}
