// Capistrano config, loaded by Capistrano itself:
// - `cap -T` must load the Capfile, config/deploy.rb and the tasks, and list `deploy`;
// - `cap <stage> deploy --dry-run` must run to the end for every config/deploy/<stage>.rb, with
//   DEPLOY_HOSTS naming two instance ids, so that nothing looks hosts up and the rollout sees two.
// A non-zero exit, or anything on stderr (Capistrano's deprecation and re-invocation warnings
// go there), is a finding. cap runs in a copy of the Capistrano files, so that it writes
// nothing (its log/capistrano.log) into the checked repo. Plugins that are not installed here
// are replaced by the stand-ins of ruby/capistrano/; installed ones are used as they are.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RepoFile } from "../repo.js";
import { RUBY_DIR } from "../ruby.js";
import { withScratchDir } from "../scratch.js";
import { runTool, type ToolResult } from "../tools.js";
import type { Problem, Validator, ValidatorContext } from "../types.js";

/**
 * What makes cap load ruby/capistrano/rails_aws_stand_ins.rb first: by name from RUBYLIB, as a
 * path in RUBYOPT would break on a space in the package's path.
 */
export const STAND_INS_ENV = {
  RUBYLIB: join(RUBY_DIR, "capistrano"),
  RUBYOPT: "-rrails_aws_stand_ins",
};

/** Where a generated deploy takes its hosts from (not HOSTS: that is Capistrano's own filter). */
const HOSTS_VARIABLE = "DEPLOY_HOSTS";

/** Two well-formed instance ids: the deploy's hosts during a dry run. */
const DRY_RUN_HOSTS = "i-0123456789abcdef0,i-0fedcba9876543210";

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
    return withScratchDir("capistrano", async (copy) => {
      const workspace = await prepare(copy, files, context);
      const stages = files
        .map((file) => STAGE.exec(file.path)?.[1])
        .filter((stage): stage is string => stage !== undefined);
      const runs = await Promise.all([
        listTasks(workspace),
        ...stages.map((stage) => dryRun(stage, workspace)),
      ]);
      return runs.flat();
    });
  },
};

async function prepare(
  copy: string,
  files: readonly RepoFile[],
  context: ValidatorContext,
): Promise<Workspace> {
  for (const file of files) {
    const path = join(copy, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents);
  }
  return {
    copy,
    env: { ...context.env, ...STAND_INS_ENV },
    files,
    cap: context.tools.cap!,
  };
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
