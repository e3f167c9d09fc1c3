// The `rails-aws` command. Non-interactive runs use the core directly (fast: no Yeoman loaded);
// an interactive run hands over to the Yeoman app generator, which asks the questions.
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { givenAnswers, hasUnanswered } from "../core/answers.js";
import { filesToWrite, generate } from "../core/generate.js";
import { partNames } from "../core/parts.js";
import { packageRoot } from "../core/paths.js";
import { definitionOf, flagOf, settingNames } from "../core/settings.js";
import { readStoredAnswers } from "../core/state.js";
import { summarize } from "../core/summary.js";
import { writeFiles } from "../core/write.js";
import { helpText } from "./help.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  interactive: boolean;
}

const OPTIONS: ParseArgsConfig["options"] = {
  defaults: { type: "boolean" },
  answers: { type: "string" },
  force: { type: "boolean" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  ...Object.fromEntries(
    settingNames.map((name) => [
      flagOf(name),
      { type: definitionOf(name).kind === "boolean" ? "boolean" : "string" },
    ]),
  ),
};

class UsageError extends Error {}

const given = (values: Record<string, unknown>) =>
  givenAnswers(values, values.answers as string | undefined);

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `[command] [dir]`: a reserved word first is a command, anything else is the folder. */
function commandAndDir(positionals: string[]) {
  const reserved = [...partNames, "check"];
  const [first, ...rest] = positionals;
  const command = first && reserved.includes(first) ? first : undefined;
  const dirs = command ? rest : positionals;
  if (dirs.length > 1)
    throw new UsageError(`expected at most one folder, got ${dirs.join(" ")}`);
  return { command, dir: resolve(dirs[0] ?? ".") };
}

async function runYeoman(dir: string, argv: string[]): Promise<number> {
  const { createEnv } = await import("yeoman-environment");
  const env = createEnv({ cwd: dir });
  const namespace = "rails-aws:app";
  env.register(join(packageRoot, "dist/generators/app/index.js"), {
    namespace,
  });
  await env.run([namespace, ...argv.filter((arg) => resolve(arg) !== dir)]);
  return Number(process.exitCode ?? 0);
}

async function runGenerate(
  dir: string,
  parts: string[],
  values: Record<string, unknown>,
  io: Io,
): Promise<number> {
  const result = await generate({
    destination: dir,
    given: given(values),
    parts,
    force: Boolean(values.force),
  });
  if (!result.ok) {
    io.stderr(
      `rails-aws: invalid answers, nothing written:\n${result.problems.map((p) => `  ${p}`).join("\n")}\n`,
    );
    return 1;
  }
  writeFiles(dir, filesToWrite(result, dir));
  io.stdout(
    summarize(
      result.changes,
      result.context,
      relative(process.cwd(), dir) || ".",
    ),
  );
  return result.changes.some((change) => change.action === "conflict") ? 1 : 0;
}

async function runCheck(dir: string, io: Io): Promise<number> {
  const { checkRepo, formatReport } = await import(
    "../core/check/index.js" as string
  );
  const report = await checkRepo(dir);
  io.stdout(formatReport(report));
  return report.findings.length ? 1 : 0;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const parsed = parse(argv);
    const values = parsed.values as Record<string, unknown>;
    const positionals = parsed.positionals;
    if (values.help) {
      io.stdout(helpText());
      return 0;
    }
    if (values.version) {
      const pkg = JSON.parse(
        readFileSync(join(packageRoot, "package.json"), "utf8"),
      ) as { version: string };
      io.stdout(`${pkg.version}\n`);
      return 0;
    }
    const { command, dir } = commandAndDir(positionals);
    if (command === "check") return await runCheck(dir, io);
    if (command) return await runGenerate(dir, [command], values, io);
    const known = { ...readStoredAnswers(dir), ...given(values) };
    if (io.interactive && !values.defaults && hasUnanswered(known))
      return await runYeoman(dir, argv);
    return await runGenerate(dir, partNames, values, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    io.stderr(
      `rails-aws: ${(error as Error).message}\n${usage ? "Run rails-aws --help for the commands and options.\n" : ""}`,
    );
    return usage ? 2 : 1;
  }
}
