// Finding external tools and running them. Tools are found by a PATH lookup done once per name,
// not by spawning `which`, and run with a minimal environment so that the caller's variables
// cannot change what they report.
import { execFile } from "node:child_process";
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The absolute path of an executable `name` on `path` (a PATH-style list), or undefined. */
export function findTool(
  name: string,
  path: string = process.env.PATH ?? "",
): string | undefined {
  for (const dir of path.split(delimiter)) {
    // An empty PATH entry means the current folder; a checker must not run whatever is there.
    if (dir === "") continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

function isExecutableFile(candidate: string): boolean {
  try {
    accessSync(candidate, constants.X_OK);
    return statSync(candidate).isFile();
  } catch {
    return false;
  }
}

/** The Debian package that installs each tool a validator runs (what .ci/run installs). */
export const DEBIAN_PACKAGES: Record<string, string> = {
  ruby: "ruby",
  shellcheck: "shellcheck",
  "docker-compose": "docker-compose",
  cap: "capistrano",
  "systemd-analyze": "systemd",
  node: "nodejs",
};

/** The environment tools run with: enough to start and read UTF-8, nothing of the caller's else. */
export function toolEnv(path: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: path, LANG: "C.UTF-8" };
  // Some tools (docker-compose's Python, Ruby's Dir.home) want a home and a temp folder to exist.
  for (const name of ["HOME", "TMPDIR"]) {
    if (process.env[name]) env[name] = process.env[name];
  }
  return env;
}

export interface ToolResult {
  /** The exit code; tools report findings through it, so a non-zero code is not an exception. */
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Written to the tool's standard input. */
  input?: string;
}

const TIMEOUT_MS = 120_000;
const MAX_BUFFER = 64 * 1024 * 1024;

/**
 * Runs a tool to completion. Resolves with its exit code and output whatever the code;
 * rejects only when it could not be started, was killed, or timed out.
 */
export async function runTool(
  executable: string,
  args: readonly string[],
  options: RunOptions,
): Promise<ToolResult> {
  const running = execFileAsync(executable, args, {
    cwd: options.cwd,
    env: options.env,
    timeout: TIMEOUT_MS,
    maxBuffer: MAX_BUFFER,
    encoding: "utf8",
  });
  const stdin = running.child.stdin;
  // Without input, stdin is closed unwritten: a tool that would read it sees end of file, and
  // a tool done within milliseconds (systemd-analyze) exits before any write could fail.
  if (options.input === undefined) stdin?.destroy();
  else {
    // A tool may exit before reading its input: its closed pipe (EPIPE) is not an error of ours.
    stdin?.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
    stdin?.end(options.input);
  }
  try {
    const { stdout, stderr } = await running;
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (isExitFailure(error)) {
      return { code: error.code, stdout: error.stdout, stderr: error.stderr };
    }
    throw error;
  }
}

interface ExitFailure {
  code: number;
  stdout: string;
  stderr: string;
}

/** A tool that ran and exited non-zero (as opposed to ENOENT, a signal or a timeout). */
function isExitFailure(error: unknown): error is ExitFailure {
  const failure = error as Partial<ExitFailure> & { killed?: boolean };
  return typeof failure.code === "number" && !failure.killed;
}
