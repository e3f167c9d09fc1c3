// Capistrano config, loaded by Capistrano itself:
// - `cap -T` must load the Capfile, config/deploy.rb and the tasks, and list `deploy`;
// - `cap <stage> deploy --dry-run` must run to the end for every config/deploy/<stage>.rb, with
//   DEPLOY_HOSTS naming two instance ids, so that nothing looks hosts up and the rollout sees two.
// A non-zero exit, or anything on stderr (Capistrano's deprecation and re-invocation warnings
// go there), is a finding. cap runs in a copy of the Capistrano files, so that it writes
// nothing (its log/capistrano.log) into the checked repo. Plugins that are not installed here
// are replaced by the stand-ins of capistrano-stand-ins.ts; installed ones are used as they are.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { RepoFile } from "../repo.js";
import { runTool, type ToolResult } from "../tools.js";
import type { Problem, Validator, ValidatorContext } from "../types.js";
import { HOSTS_VARIABLE } from "../../deploy/capistrano.js";
import { BOOTSTRAP, STAND_INS } from "./capistrano-stand-ins.js";

/** Two well-formed instance ids: the deploy's hosts during a dry run. */
export const DRY_RUN_HOSTS = "i-0123456789abcdef0,i-0fedcba9876543210";

const STAGE = /^config\/deploy\/([^/]+)\.rb$/;

/** Where cap runs: a copy of the repo's Capistrano files, with the stand-ins on offer. */
interface Workspace {
  copy: string;
  env: NodeJS.ProcessEnv;
  files: readonly RepoFile[];
  cap: string;
}

export const capistrano: Validator = {
  name: "capistrano",
  tools: ["cap"],
  appliesTo: (file) =>
    file.path === "Capfile" ||
    file.path === "config/deploy.rb" ||
    file.path.startsWith("config/deploy/") ||
    file.path.startsWith("lib/capistrano/"),
  async run(files, context) {
    if (!files.some((file) => file.path === "Capfile")) return [];
    const work = await mkdtemp(join(tmpdir(), "rails-aws-capistrano-"));
    try {
      const workspace = await prepare(work, files, context);
      const stages = files
        .map((file) => STAGE.exec(file.path)?.[1])
        .filter((stage): stage is string => stage !== undefined);
      const runs = await Promise.all([
        listTasks(workspace),
        ...stages.map((stage) => dryRun(stage, workspace)),
      ]);
      return runs.flat();
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
};

async function prepare(
  work: string,
  files: readonly RepoFile[],
  context: ValidatorContext,
): Promise<Workspace> {
  const copy = join(work, "repo");
  for (const file of files) await write(join(copy, file.path), file.contents);
  const standIns = join(work, "stand-ins");
  for (const [gem, sources] of Object.entries(STAND_INS)) {
    for (const [path, source] of Object.entries(sources)) {
      await write(join(standIns, gem, path), source);
    }
  }
  const bootstrap = join(work, "bootstrap.rb");
  await write(bootstrap, BOOTSTRAP);
  return {
    copy,
    env: { ...context.env, STAND_INS_DIR: standIns, RUBYOPT: `-r${bootstrap}` },
    files,
    cap: context.tools.cap!,
  };
}

async function write(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, contents);
}

async function listTasks(workspace: Workspace): Promise<Problem[]> {
  const result = await runTool(workspace.cap, ["--backtrace", "-T"], {
    cwd: workspace.copy,
    env: workspace.env,
  });
  const problems = failures("cap -T", result, workspace, "Capfile");
  if (result.code === 0 && !/^cap deploy\s/m.test(result.stdout)) {
    problems.push({
      file: "Capfile",
      message: "cap -T does not list the deploy task",
    });
  }
  return problems;
}

async function dryRun(stage: string, workspace: Workspace): Promise<Problem[]> {
  const result = await runTool(
    workspace.cap,
    ["--backtrace", stage, "deploy", "--dry-run"],
    {
      cwd: workspace.copy,
      env: { ...workspace.env, [HOSTS_VARIABLE]: DRY_RUN_HOSTS },
    },
  );
  return failures(
    `${HOSTS_VARIABLE}=${DRY_RUN_HOSTS} cap ${stage} deploy --dry-run`,
    result,
    workspace,
    `config/deploy/${stage}.rb`,
  );
}

/** A failed run or any stderr, as one problem at the first repo file:line the output names. */
function failures(
  command: string,
  result: ToolResult,
  workspace: Workspace,
  fallback: string,
): Problem[] {
  const stderr = result.stderr.trim();
  if (result.code === 0 && stderr === "") return [];
  const paths = workspace.files.map((file) => escape(file.path)).join("|");
  const located = new RegExp(
    `(?:${escape(workspace.copy)}/)?(${paths}):(\\d+)`,
  ).exec(`${result.stderr}\n${result.stdout}`);
  const status =
    result.code === 0 ? "printed to stderr" : `exited with code ${result.code}`;
  return [
    {
      file: located ? located[1]! : fallback,
      ...(located ? { line: Number(located[2]) } : {}),
      message: `${command} ${status}: ${essence(stderr || result.stdout, workspace.copy)}`,
    },
  ];
}

/** cap's error without what repeats it: the framing lines, the backtrace and the log's tail. */
function essence(output: string, copy: string): string {
  return output
    .split("\n** DEPLOY FAILED")[0]!
    .split("\n")
    .filter((line) => !NOISE.some((noise) => noise.test(line)))
    .join("\n")
    .split(`${copy}/`)
    .join("")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const NOISE = [
  /^\(Backtrace restricted to imported tasks\)$/,
  /^cap aborted!$/,
  /^\(See full trace by running task with --trace\)$/,
  /^The deploy has failed with an error: /,
  /^\s*\S+:\d+:in /,
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
