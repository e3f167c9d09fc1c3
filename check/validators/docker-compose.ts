// docker-compose files, through Debian's docker-compose 1.29 `config -q`, which needs no engine.
// It prints nothing for a valid file: any output (a warning about an unset variable included)
// or a non-zero exit is a finding. It runs in the repo, as a developer would, with a minimal
// environment, so that variables set in the caller's shell cannot hide an unset one.
import type { RepoFile } from "../repo.js";
import { runTool } from "../tools.js";
import type { Problem, Validator, ValidatorContext } from "../types.js";

const COMPOSE_FILES = new Set([
  "docker-compose.yml",
  "docker-compose.yaml",
  "compose.yml",
  "compose.yaml",
]);

export const dockerCompose: Validator = {
  name: "docker-compose",
  tools: ["docker-compose"],
  appliesTo: (file) => COMPOSE_FILES.has(file.name),
  // Several -f options would merge the files into one project: run one process per file.
  run: async (files, context) =>
    (
      await Promise.all(files.map((file) => composeProblems(file, context)))
    ).flat(),
};

async function composeProblems(
  file: RepoFile,
  context: ValidatorContext,
): Promise<Problem[]> {
  const result = await runTool(
    context.tools["docker-compose"]!,
    ["-f", file.path, "config", "-q"],
    { cwd: context.root, env: context.env },
  );
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.code === 0 && output === "") return [];
  const message = output || `docker-compose exited with code ${result.code}`;
  const line = lastLineNumber(message);
  return [{ file: file.path, ...(line ? { line } : {}), message }];
}

/** PyYAML's errors name the start of the construct, then the mark where it failed: keep the last. */
function lastLineNumber(output: string): number | undefined {
  const lines = [...output.matchAll(/\bline (\d+)/g)];
  const last = lines.at(-1);
  return last ? Number(last[1]) : undefined;
}
