// Helpers for tests that run the generator and look at what landed on disk.
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, sep } from "node:path";
import { main } from "../../cli/main.js";
import { Resources } from "../../e2e/harness/cleanup.js";
import { answerSets } from "./answer-sets.js";

let runRoot: string | undefined;
/** The run's folder: removed at the run's end, or on exit when the run dies first. */
const runFolder = new Resources();

/** A new folder for one test, inside the run's own folder, which the run removes at its end. */
export function tempDir(name = "rails-aws-test-"): string {
  runRoot ??= runFolder.tempFolder(join(tmpdir(), "rails-aws-tests-"));
  return mkdtempSync(join(runRoot, name));
}

/** Removes every folder tempDir made (a root hook of the suite: test/helpers/hooks.ts). */
export function removeTempDirs(): void {
  runFolder.release();
  runRoot = undefined;
}

/** Writes files (path → contents) below dir, creating folders. */
export function writeRepo(dir: string, files: Record<string, string>): void {
  for (const [path, contents] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), contents);
  }
}

/** A file of a repo, as text. */
export function read(dir: string, path: string): string {
  return readFileSync(join(dir, path), "utf8");
}

/** Whether a repo has a file or folder at path. */
export function has(dir: string, path: string): boolean {
  return existsSync(join(dir, path));
}

/** The answers a run stored in the repo's .yo-rc.json. */
export function storedAnswers(dir: string): Record<string, unknown> {
  return JSON.parse(read(dir, ".yo-rc.json"))["generator-rails-aws"];
}

/** Every file below dir (but .git/) with its bytes and mode, keyed by relative path. */
export function readTree(dir: string): Map<string, string> {
  const tree = new Map<string, string>();
  for (const entry of readdirSync(dir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    // A new project's git repository is git's, not the generator's output.
    if (relative(dir, path).split(sep)[0] === ".git") continue;
    const mode = (statSync(path).mode & 0o777).toString(8);
    tree.set(
      relative(dir, path).split(sep).join("/"),
      `${mode}\n${readFileSync(path, "utf8")}`,
    );
  }
  return tree;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the rails-aws command in this process, non-interactively. */
export async function runCli(argv: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    interactive: false,
  });
  return { code, stdout, stderr };
}

/** Generates a whole repo into a new folder named `name` and returns its path. */
export async function generateRepo(
  args: string[] = [],
  name = "demo",
): Promise<string> {
  const dir = join(tempDir(), name);
  const run = await runCli([dir, "--domain", "example.com", ...args]);
  if (run.code !== 0)
    throw new Error(
      `generation failed (${run.code}): ${run.stderr}${run.stdout}`,
    );
  return dir;
}

const answerSetRepos = new Map<string, Promise<string>>();

/**
 * The repo generated for an answer set of the matrix, generated once per run and shared by every
 * test file: a test must only read it (generateRepo gives a repo of its own to change).
 */
export function answerSetRepo(name: string): Promise<string> {
  const args = answerSets[name];
  if (!args) throw new Error(`no answer set named "${name}"`);
  let repo = answerSetRepos.get(name);
  if (!repo) {
    repo = generateRepo(args);
    answerSetRepos.set(name, repo);
  }
  return repo;
}

/** A copy of an answer set's shared repo, for a test that changes what it checks. */
export async function copyOfAnswerSetRepo(name: string): Promise<string> {
  const copy = join(tempDir(), "demo");
  cpSync(await answerSetRepo(name), copy, { recursive: true });
  return copy;
}
