// The `rails-aws` command. It uses the core directly and never loads Yeoman: an interactive run
// asks in the terminal itself (cli/prompts.ts), so its first question shows at once.
import {
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { givenAnswers, hasUnanswered, saveAnswers } from "../core/answers.js";
import { askSettings } from "../core/questions.js";
import { partNames } from "../core/parts/registry.js";
import { packageRoot } from "../core/paths.js";
import { RUN_OPTIONS, runFlags } from "../core/run-options.js";
import { definitionOf, flagOf, settingNames } from "../core/settings.js";
import type { RunOutcome } from "../core/run.js";
import {
  CANCELLED_EXIT_CODE,
  destinationLabel,
  isCancelled,
} from "../core/terminal.js";
import { readFacts, readStoredAnswers } from "../core/state.js";
import { CHECK_OPTIONS, commandNames } from "./commands.js";
import { didYouMean, oneSlipFrom, shortened } from "../core/suggest.js";
import { timedAsync } from "../core/timings.js";

// For the benchmark (bin/rails-aws.js): the phases of this module's run, not of another copy.
export { timings } from "../core/timings.js";
export { codeCacheUse, templatesCodeCache } from "../core/render.js";

/** The modules of a run beyond the command line's own, loaded when a run needs them. */
const loadRun = () => timedAsync("load", () => import("../core/run.js"));

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
      { type: option.type, ...("short" in option && { short: option.short }) },
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
  // A mistyped command alone becomes a new project's folder: the run says so, in case.
  const mistyped =
    !command &&
    operands.length === 1 &&
    oneSlipFrom(operands[0]!, commandNames);
  return {
    command,
    part,
    notice:
      mistyped &&
      !existsSync(resolve(operands[0]!)) &&
      `rails-aws: ${operands[0]} is taken as the folder of a new project; did you mean the command ${mistyped}?\n`,
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
 * Asks what is not known (or not valid), shows what will be written and asks to confirm (unless
 * --yes), then writes. A run that fails after asking keeps the answers in a file it names; one
 * cancelled at a prompt (Ctrl-C) leaves no folder of its own behind.
 */
async function runInteractive(
  dir: string,
  values: Values,
  io: Io,
): Promise<number> {
  const { askInTerminal, confirmInTerminal } = await import("./prompts.js");
  // The rest of a run loads while the person reads the first question.
  let loading: Promise<typeof import("../core/run.js")> | undefined;
  const preload = () => (loading ??= loadRun());
  const created = firstMissing(dir);
  const label = destinationLabel(dir);
  const stored = readStoredAnswers(dir);
  const givenNow = given(values);
  // With --ask-answered, stored answers are only the defaults of the questions.
  const askAnswered = Boolean(values["ask-answered"]);
  const known = { ...(askAnswered ? {} : stored), ...givenNow };
  const answers: Record<string, unknown> = { ...givenNow };
  try {
    Object.assign(
      answers,
      await askSettings(
        known,
        readFacts(dir),
        askInTerminal(io.stdout, preload),
        askAnswered ? stored : {},
      ),
    );
    const { runParts } = await preload();
    const outcome = await runParts({
      destination: dir,
      destinationLabel: label,
      given: answers,
      parts: partNames,
      ...runFlags(values),
      confirm: values.yes ? undefined : confirmInTerminal(io.stdout, label),
    });
    if (outcome.error) {
      const saved = saveAnswers({ ...known, ...answers }, process.cwd());
      outcome.error += `\nYour answers are kept in ${destinationLabel(saved)}; run again with: rails-aws ${label} --answers ${destinationLabel(saved)}`;
    }
    return finish(outcome, io);
  } catch (error) {
    if (!isCancelled(error)) throw error;
    io.stderr("\nCancelled, nothing written.\n");
    return CANCELLED_EXIT_CODE;
  } finally {
    if (created && existsSync(created) && onlyEmptyFolders(created))
      rmSync(created, { recursive: true });
  }
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
  const { runParts } = await loadRun();
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
  const { ejectParts } = await loadRun();
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
      const { helpText } = await import("./help.js");
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
    const { command, part, notice, dir, dirOperand } = route(
      parsed.positionals,
    );
    if (notice) io.stderr(notice);
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
    if (io.interactive && !values.defaults && ask)
      return await runInteractive(dir, values, io);
    return await runGenerate(dir, partNames, values, io);
  } catch (error) {
    const usage = error instanceof UsageError;
    io.stderr(
      `rails-aws: ${(error as Error).message}\n${usage ? "Run rails-aws --help for the commands and options.\n" : ""}`,
    );
    return usage ? 2 : 1;
  }
}
