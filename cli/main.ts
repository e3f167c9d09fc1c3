// The `rails-aws` command. Non-interactive runs use the core directly (fast: no Yeoman loaded);
// an interactive run hands over to the Yeoman app generator, which asks the questions.
import { existsSync, readFileSync } from "node:fs";
import { createTwoFilesPatch } from "diff";
import { join, relative, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { givenAnswers, hasUnanswered } from "../core/answers.js";
import { ejectPart } from "../core/eject.js";
import { filesToWrite, generate } from "../core/generate.js";
import { partNames } from "../core/parts.js";
import { packageRoot } from "../core/paths.js";
import { RUN_OPTIONS } from "../core/run-options.js";
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
  ...Object.fromEntries(
    Object.entries(RUN_OPTIONS).map(([name, option]) => [
      name,
      { type: option.type },
    ]),
  ),
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
  ...Object.fromEntries(
    settingNames.map((name) => [
      flagOf(name),
      { type: definitionOf(name).kind === "boolean" ? "boolean" : "string" },
    ]),
  ),
};

export const COMMANDS = ["check", "eject"] as const;

class UsageError extends Error {}

type Values = Record<string, unknown>;

const given = (values: Values) =>
  givenAnswers(values, values.answers as string | undefined);

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: OPTIONS,
      allowPositionals: true,
      allowNegative: true,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** `[command] [part] [dir]`: reserved words first are commands, anything else is the folder. */
function route(positionals: string[]) {
  const [first, ...rest] = positionals;
  const reserved: readonly string[] = [...partNames, ...COMMANDS];
  const command = first && reserved.includes(first) ? first : undefined;
  let operands = command ? rest : positionals;
  let part: string | undefined;
  if (command === "eject") {
    part = operands[0];
    if (!part || !partNames.includes(part))
      throw new UsageError(
        `eject needs a part: one of ${partNames.join(", ")}`,
      );
    operands = operands.slice(1);
  }
  if (operands.length > 1)
    throw new UsageError(
      `expected at most one folder, got ${operands.join(" ")}`,
    );
  return {
    command,
    part,
    dirOperand: operands[0],
    dir: resolve(operands[0] ?? "."),
  };
}

/** Yeoman takes the folder as its working directory: the rest of argv is its options. */
async function runYeoman(dir: string, options: string[]): Promise<number> {
  const { createEnv } = await import("yeoman-environment");
  const env = createEnv({ cwd: dir });
  const namespace = "rails-aws:app";
  env.register(join(packageRoot, "dist/generators/app/index.js"), {
    namespace,
  });
  await env.run([namespace, ...options]);
  return Number(process.exitCode ?? 0);
}

const label = (dir: string) => relative(process.cwd(), dir) || ".";

async function runGenerate(
  dir: string,
  parts: string[],
  values: Values,
  io: Io,
): Promise<number> {
  const result = await generate({
    destination: dir,
    given: given(values),
    parts,
    force: Boolean(values.force),
    restoreDeleted: Boolean(values["restore-deleted"]),
  });
  if (!result.ok) {
    io.stderr(
      `rails-aws: invalid answers, nothing written:\n${result.problems.map((p) => `  ${p}`).join("\n")}\n`,
    );
    return 1;
  }
  const dryRun = Boolean(values["dry-run"]);
  if (!dryRun) writeFiles(dir, filesToWrite(result, dir));
  io.stdout(
    summarize(result.changes, result.context, label(dir), {
      dryRun,
      warnings: result.warnings,
    }),
  );
  return result.changes.some((change) => change.action === "conflict") ? 1 : 0;
}

function runEject(dir: string, part: string, values: Values, io: Io): number {
  const ejection = ejectPart(dir, part, { force: Boolean(values.force) });
  if (!values["dry-run"]) writeFiles(dir, ejection.files);
  const copies = ejection.files.filter((file) => file.path.endsWith(".hbs"));
  // A dry run shows how each existing copy differs from the built-in template.
  const diffs = values["dry-run"]
    ? copies.flatMap((file) => {
        const path = join(dir, file.path);
        const previous = existsSync(path) ? readFileSync(path, "utf8") : "";
        return previous && previous !== file.contents
          ? [
              createTwoFilesPatch(
                `yours/${file.path}`,
                `built-in/${file.path}`,
                previous,
                file.contents,
              ),
            ]
          : [];
      })
    : [];
  io.stdout(
    [
      ...copies.map((file) => `  eject     ${file.path}`),
      ...diffs,
      ...ejection.kept.map(
        (path) => `  kept      ${path} (yours, changed: --force replaces it)`,
      ),
      "",
      `rails-aws${values["dry-run"] ? " (dry run: nothing was written)" : ""}: ${copies.length} templates of ${part} ejected to ${label(dir)}/.rails-aws/templates/${part}/; later runs use them.`,
      "",
    ].join("\n"),
  );
  return 0;
}

async function runCheck(dir: string, io: Io): Promise<number> {
  const { checkRepo, formatReport, isClean } =
    await import("../check/index.js");
  const report = await checkRepo(dir);
  io.stdout(formatReport(report));
  return isClean(report) ? 0 : 1;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const parsed = parse(argv);
    const values = parsed.values as Values;
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
    const { command, part, dir, dirOperand } = route(parsed.positionals);
    if (command === "check") return await runCheck(dir, io);
    if (command === "eject") return runEject(dir, part!, values, io);
    if (command) return await runGenerate(dir, [command], values, io);
    const known = { ...readStoredAnswers(dir), ...given(values) };
    const ask = values["ask-answered"] || hasUnanswered(known);
    if (io.interactive && !values.defaults && ask) {
      // The folder's own place in argv, not an option value that happens to be spelt the same.
      const dirIndex = parsed.tokens.find(
        (token) => token.kind === "positional" && token.value === dirOperand,
      )?.index;
      return await runYeoman(
        dir,
        argv.filter((_, index) => index !== dirIndex),
      );
    }
    return await runGenerate(dir, partNames, values, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    io.stderr(
      `rails-aws: ${(error as Error).message}\n${usage ? "Run rails-aws --help for the commands and options.\n" : ""}`,
    );
    return usage ? 2 : 1;
  }
}
