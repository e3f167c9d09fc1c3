// Running shellcheck, for every validator that checks shell: the repo's scripts, CloudFormation
// user data and workflows' run: blocks. One process over all the scripts, JSON out.
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { withScratchDir } from "./scratch.js";
import { runTool } from "./tools.js";

/** The shells shellcheck understands, as a shebang names them. */
export const SHELLS = new Set(["sh", "bash", "dash", "ksh"]);

export interface ShellcheckComment {
  file: string;
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

/** shellcheck's wording of a comment, as a finding's message; `where` names an extracted script. */
export const describeComment = (comment: ShellcheckComment, where?: string) =>
  `SC${comment.code} (${comment.level})${where ? ` in ${where}` : ""}: ${comment.message}`;

export async function shellcheckFiles(
  tool: string,
  args: string[],
  paths: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ShellcheckComment[]> {
  const result = await runTool(
    tool,
    ["--format=json1", ...args, "--", ...paths],
    options,
  );
  // 0: clean, 1: comments; anything else is shellcheck failing, not the scripts.
  if (result.code > 1)
    throw new Error(
      `shellcheck exited with code ${result.code}: ${result.stderr.trim()}`,
    );
  return (
    JSON.parse(result.stdout) as { comments: ShellcheckComment[] }
  ).comments.filter((comment) => !isOneArgumentSlice(comment, options.cwd));
}

/**
 * SC2198 ("arrays don't work as operands in [ ]") is wrong for a slice of one argument,
 * `[ "${@: -1:1}" == server ]`, which is one word: Rails' own bin/docker-entrypoint tests its
 * command that way.
 */
function isOneArgumentSlice(comment: ShellcheckComment, cwd: string): boolean {
  if (comment.code !== 2198) return false;
  const line = readFileSync(join(cwd, comment.file), "utf8").split("\n")[
    comment.line - 1
  ];
  return /^"?\$\{@: *-?\d+:1\}/.test(line?.slice(comment.column - 1) ?? "");
}

/**
 * Checks scripts that are not files of the repo (extracted from templates or workflows): each is
 * written to a scratch file; each comment comes back with the index of its script.
 */
export async function shellcheckScripts(
  tool: string,
  args: string[],
  scripts: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ script: number; comment: ShellcheckComment }[]> {
  return withScratchDir("shellcheck", async (dir) => {
    const names = scripts.map((_, index) => `${index}.sh`);
    await Promise.all(
      scripts.map((script, index) =>
        writeFile(join(dir, names[index]!), script),
      ),
    );
    const comments = await shellcheckFiles(tool, ["--norc", ...args], names, {
      cwd: dir,
      env,
    });
    return comments.map((comment) => ({
      script: Number(basename(comment.file, ".sh")),
      comment,
    }));
  });
}
