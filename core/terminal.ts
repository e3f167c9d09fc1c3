// What a run shows the person at the terminal, for both adapters: a folder as they would type
// it, and how a prompt they cancelled ends. Light on purpose: the CLI needs it before its first
// question, long before the rest of a run is loaded.
import { isAbsolute, relative } from "node:path";

/** The exit code of a run cancelled at a prompt, as a shell reports Ctrl-C (128 + SIGINT). */
export const CANCELLED_EXIT_CODE = 130;

/** Ctrl-C at a prompt: inquirer rejects with an ExitPromptError. */
export const isCancelled = (error: unknown) =>
  error instanceof Error &&
  (error.name === "ExitPromptError" ||
    /force closed the prompt/.test(error.message));

/** A destination as the user should read it: relative when inside the current folder. */
export function destinationLabel(destination: string): string {
  const path = relative(process.cwd(), destination);
  if (path === "") return ".";
  return path.startsWith("..") || isAbsolute(path) ? destination : path;
}
