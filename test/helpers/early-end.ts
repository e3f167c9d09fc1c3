// For the tests that a run ending early leaves nothing behind: runs a script as a node process of
// its own, lets it start what it starts and report it, notes every process below it, then ends it
// as a run can end early, and says what of those processes still runs afterwards.
import { spawn } from "node:child_process";
import {
  descendants,
  processRunning,
  startTimeOf,
} from "../../e2e/harness/cleanup.js";

/** How the run ends: an uncaught exception, an unhandled rejection, or a signal from outside. */
export type EarlyEnd = "exception" | "rejection" | "SIGTERM" | "SIGINT";

export interface EndedRun<Report> {
  /** What the script printed as its first line (JSON): what it started. */
  report: Report;
  /** The processes below it once it had started everything (by id and start time). */
  started: { pid: number; startTime: string }[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Which of `started` still run after it ended. */
  leftovers: number[];
}

/**
 * Runs `script` (an ES module's body) with node; once it printed its report, it ends as `end`
 * says. The script's imports are absolute file URLs.
 */
export function endEarly<Report>(
  script: string,
  end: EarlyEnd,
): Promise<EndedRun<Report>> {
  // Told to end through its input, after the processes below it are noted.
  const ending = `
process.stdin.once("data", () => {
  if (process.env.END === "exception") throw new Error("a crash planted by the test");
  void Promise.reject(new Error("a rejection planted by the test"));
});`;
  const child = spawn(
    process.execPath,
    ["--input-type=module", "-e", `${script}\n${ending}`],
    { env: { ...process.env, END: end }, stdio: ["pipe", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    let report: Report | undefined;
    let started: EndedRun<Report>["started"] = [];
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (report !== undefined || !stdout.includes("\n")) return;
      report = JSON.parse(stdout.split("\n")[0]!) as Report;
      started = descendants(child.pid!).flatMap((pid) => {
        const startTime = startTimeOf(pid);
        return startTime ? [{ pid, startTime }] : [];
      });
      if (end.startsWith("SIG")) child.kill(end as NodeJS.Signals);
      else child.stdin.write("end\n");
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (report === undefined)
        return reject(
          new Error(`the script ended before its report:\n${stderr}`),
        );
      resolve({
        report,
        started,
        code,
        signal,
        stderr,
        leftovers: started
          .filter(({ pid, startTime }) => processRunning(pid, startTime))
          .map(({ pid }) => pid),
      });
    });
  });
}
