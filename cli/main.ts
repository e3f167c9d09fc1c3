// The `rails-aws` command. Non-interactive runs use the core directly (fast: no Yeoman loaded);
// an interactive run hands over to the Yeoman app generator, which asks the questions.
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { givenAnswers, hasUnanswered } from "../core/answers.js";
import { partNames } from "../core/parts/registry.js";
import { packageRoot } from "../core/paths.js";
import { RUN_OPTIONS, runFlags } from "../core/run-options.js";
import { definitionOf, flagOf, settingNames } from "../core/settings.js";
import {
  CANCELLED_EXIT_CODE,
  destinationLabel,
  ejectParts,
  isCancelled,
  runParts,
  type RunOutcome,
} from "../core/run.js";
import { readStoredAnswers } from "../core/state.js";
import { CHECK_OPTIONS, commandNames } from "./commands.js";
import { didYouMean, shortened } from "../core/suggest.js";
import { helpText } from "./help.js";

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  interactive: boolean;
  /** The terminal's width, when output goes to one: --help wraps to it. */
  columns?: number;
}

const OPTIONS: ParseArgsConfig["options"] = {
  ...Object.fromEntries(
    Object.entries(RUN_OPTIONS).map(([name, option]) => [
      name,
      { type: option.type },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(CHECK_OPTIONS).map(([name, option]) => [
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
    throw new UsageError(parseProblem(error as NodeJS.ErrnoException));
  }
}

/** Every option as typed on the command line, for "did you mean". */
const KNOWN_OPTIONS = Object.entries(OPTIONS!).flatMap(([name, option]) => [
  `--${name}`,
  ...(option.type === "boolean" ? [`--no-${name}`] : []),
]);

/** node:util's parse errors, in the words of this command. */
function parseProblem(error: NodeJS.ErrnoException): string {
  const option = error.message.match(/'(-[^' ]+)/)?.[1];
  if (error.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION" && option)
    return `unknown option ${shortened(option)}${didYouMean(option, KNOWN_OPTIONS)}`;
  if (error.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && option)
    return error.message.includes("argument missing")
      ? `${option} needs a value: ${option} VALUE`
      : `${option} takes no value: write ${option} or --no-${option.replace(/^--/, "")}`;
  return shortened(error.message, 300);
}

/** `[command] [part] [dir]`: reserved words first are commands, anything else is the folder. */
function route(positionals: string[]) {
  const [first, ...rest] = positionals;
  const command = first && commandNames.includes(first) ? first : undefined;
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
      `expected at most one folder, got ${operands.join(" ")}${command ? "" : didYouMean(operands[0]!, commandNames).replace("; did you mean", "; is the first a command? did you mean")}`,
    );
  return {
    command,
    part,
    dirOperand: operands[0],
    dir: resolve(operands[0] ?? "."),
  };
}

/** The first folder of path that does not exist yet: what a run creates to get there. */
function firstMissing(path: string): string | undefined {
  if (existsSync(path)) return undefined;
  let missing = path;
  while (!existsSync(dirname(missing))) missing = dirname(missing);
  return missing;
}

/** Whether a folder holds nothing but empty folders. */
const onlyEmptyFolders = (path: string): boolean =>
  readdirSync(path, { withFileTypes: true }).every(
    (entry) => entry.isDirectory() && onlyEmptyFolders(join(path, entry.name)),
  );

/**
 * Yeoman takes the folder as its working directory: the rest of argv is its options. A run
 * cancelled at a prompt (Ctrl-C) leaves no folder of its own behind.
 */
async function runYeoman(
  dir: string,
  options: string[],
  io: Io,
): Promise<number> {
  const created = firstMissing(dir);
  const { createEnv } = await import("yeoman-environment");
  const env = createEnv({ cwd: dir });
  const namespace = "rails-aws:app";
  env.register(join(packageRoot, "dist/generators/app/index.js"), {
    namespace,
  });
  try {
    await env.run([namespace, ...options]);
  } catch (error) {
    if (!isCancelled(error)) throw error;
    io.stderr("\nCancelled, nothing written.\n");
    process.exitCode = CANCELLED_EXIT_CODE;
  } finally {
    if (created && existsSync(created) && onlyEmptyFolders(created))
      rmSync(created, { recursive: true });
  }
  return Number(process.exitCode ?? 0);
}

function finish(outcome: RunOutcome, io: Io): number {
  if (outcome.error) io.stderr(`rails-aws: ${outcome.error}\n`);
  io.stdout(outcome.report);
  return outcome.exitCode;
}

async function runGenerate(
  dir: string,
  parts: string[],
  values: Values,
  io: Io,
): Promise<number> {
  const outcome = await runParts({
    destination: dir,
    destinationLabel: destinationLabel(dir),
    given: given(values),
    parts,
    ...runFlags(values),
  });
  return finish(outcome, io);
}

async function eject(
  dir: string,
  part: string,
  values: Values,
  io: Io,
): Promise<number> {
  const outcome = await ejectParts({
    destination: dir,
    destinationLabel: destinationLabel(dir),
    part,
    force: Boolean(values.force),
    dryRun: Boolean(values["dry-run"]),
  });
  return finish(outcome, io);
}

async function runCheck(dir: string, values: Values, io: Io): Promise<number> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UsageError(
      `check: ${dir} is not a folder; give the repo's folder`,
    );
  const { checkRepo, formatReport, isClean } =
    await import("../check/index.js");
  const report = await checkRepo(dir, {
    scope: values.all ? "all" : "owned",
  });
  io.stdout(formatReport(report));
  return isClean(report) ? 0 : 1;
}

export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const parsed = parse(argv);
    const values = parsed.values as Values;
    if (values.help) {
      const [first] = parsed.positionals;
      io.stdout(helpText(first, io.columns));
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
    if (command === "check") return await runCheck(dir, values, io);
    for (const name of Object.keys(CHECK_OPTIONS))
      if (values[name] !== undefined)
        throw new UsageError(
          `--${name} is an option of check: rails-aws check ${dirOperand ?? "."} --${name}`,
        );
    if (command === "eject") return await eject(dir, part!, values, io);
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
        io,
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
