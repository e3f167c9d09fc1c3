// Runs a command to completion with a deadline, and says what it printed when it fails.
import { spawn } from "node:child_process";
import { Resources } from "./cleanup.js";

/** The commands running now: a run that ends early kills them (by process id). */
const running = new Resources();

export interface RunOptions {
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Exit codes that count as success; [0] by default. */
  okCodes?: readonly number[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    running.child(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      // By its own process id: this child only.
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if ((options.okCodes ?? [0]).includes(result.code)) resolve(result);
      else {
        const why = signal
          ? `killed by ${signal}${signal === "SIGKILL" ? ` after ${timeoutMs} ms` : ""}`
          : `exit ${code}`;
        reject(
          new Error(
            `${command} ${args.join(" ")}: ${why}\n${tail(stdout)}\n${tail(stderr)}`,
          ),
        );
      }
    });
    // A command that exits without reading its input must not fail the run with EPIPE.
    child.stdin.on("error", () => {});
    child.stdin.end(options.input ?? "");
  });
}

/** The end of a long output, where the error usually is. */
function tail(text: string, lines = 40): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export const sleep = (ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, ms));
