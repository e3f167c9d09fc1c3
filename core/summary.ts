// The report printed at the end of a run: what happened to each file, and what to do next.
import { writes, type Action, type Change } from "./changes.js";
import type { Context } from "./context.js";
import { lockPlatforms } from "./parts/capistrano/context.js";
import { labelOf } from "./answers.js";
import { diff } from "./lazy.js";
import { monthlyEstimate } from "./parts/docs/costs.js";
import { SECTIONS, type Answers, type Value } from "./settings.js";

const LABELS: Record<Action, string> = {
  create: "create",
  update: "update",
  unchanged: "identical",
  kept: "kept",
  merged: "merged",
  conflict: "conflict",
  overwrite: "overwrite",
  deleted: "deleted",
  removed: "removed",
  orphaned: "orphaned",
};

export interface SummaryOptions {
  /** Yeoman lists the files it writes itself: then only the others need a line here. */
  listWritten?: boolean;
  /** Nothing was written: say so and show each file's diff. */
  dryRun?: boolean;
  warnings?: string[];
}

function count(changes: Change[], ...actions: Action[]): number {
  return changes.filter((change) => actions.includes(change.action)).length;
}

function totals(changes: Change[]): string {
  const parts = [
    `${count(changes, "create")} created`,
    `${count(changes, "update", "overwrite", "merged")} changed`,
    `${count(changes, "unchanged")} unchanged`,
  ];
  const extras: [Action, string][] = [
    ["merged", "merged with your edits"],
    ["kept", "kept as you edited them"],
    ["deleted", "left deleted"],
    ["overwrite", "overwritten (--force)"],
    ["removed", "removed (no longer generated)"],
    ["orphaned", "no longer generated but edited by you: left as yours"],
    ["conflict", "in conflict"],
  ];
  for (const [action, words] of extras) {
    const n = count(changes, action);
    if (n) parts.push(`${n} ${words}`);
  }
  return parts.join(", ");
}

/** A folder as the user can paste it into a shell. */
const shellQuoted = (path: string) =>
  /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;

function nextSteps(
  context: Context,
  destinationLabel: string,
  newGemfile = false,
): string[] {
  const steps = [
    ...(destinationLabel === "."
      ? []
      : [`cd ${shellQuoted(destinationLabel)}`]),
    "cp .env.example .env",
    "docker compose up -d",
    // database.yml reads the database's address and credentials from .env; bin/dev loads it itself.
    "bundle install && (set -a; . ./.env; set +a; bin/rails db:prepare)",
    "bin/dev   # then open http://localhost:3000 in several tabs",
  ];
  // A new app has no Gemfile.lock, and a deploy refuses a commit without one (deploy:check).
  if (newGemfile)
    steps.push(
      `bundle lock --add-platform ${lockPlatforms(context)}   # then commit Gemfile.lock: the instances install gems in Bundler's deployment mode, which needs it`,
    );
  steps.push(
    `# once bin/infra has created an environment: follow the link AWS mails ${context.app.alertEmail}, or no alarm reaches anyone (bin/infra warns until then)`,
  );
  // Run from the project's folder, where the first step went.
  if (context.app.githubRepository.startsWith("your-org/"))
    steps.push(
      "name your GitHub repository: rails-aws . --github-repository OWNER/NAME",
    );
  return steps;
}

function diffOf(change: Change): string {
  const path = change.proposal ?? change.path;
  return diff().createTwoFilesPatch(
    `a/${path}`,
    `b/${path}`,
    change.previous ?? "",
    change.contents,
    undefined,
    undefined,
    { context: 2 },
  );
}

/** What onboarding found in the app and what it could not adapt to. */
function onboardingReport(context: Context): string[] {
  if (!context.onboarding) return [];
  const { detected, notAdapted } = context.onboarding;
  return [
    "Found in the app:",
    ...detected.map((line) => `  ${line}`),
    ...(notAdapted.length
      ? ["Not adapted to the app:", ...notAdapted.map((line) => `  - ${line}`)]
      : []),
    "",
  ];
}

export function summarize(
  changes: Change[],
  context: Context,
  destinationLabel: string,
  options: SummaryOptions = {},
): string {
  const warnings = (options.warnings ?? []).map((w) => `warning: ${w}`);
  const touched = changes.filter((change) => change.action !== "unchanged");
  if (touched.length === 0)
    return [
      ...onboardingReport(context),
      ...warnings,
      `rails-aws: nothing to write; all ${changes.length} files are up to date.`,
      "",
    ].join("\n");
  const listed =
    options.listWritten === false
      ? touched.filter((change) => !writes(change))
      : touched;
  const lines = [
    ...onboardingReport(context),
    ...listed.map(
      (change) =>
        `  ${LABELS[change.action].padEnd(9)} ${change.path}${change.proposal ? `: yours is untouched; rails-aws's version is in ${change.proposal}` : ""}`,
    ),
    ...(options.dryRun ? ["", ...touched.filter(writes).map(diffOf)] : []),
    "",
    ...warnings,
    `rails-aws${options.dryRun ? " (dry run: nothing was written)" : ""}: ${totals(changes)}.`,
  ];
  const gems = changes.find((change) => change.path === "Gemfile")?.addedNow;
  if (gems?.length)
    lines.push(
      `The Gemfile got ${gems.join(", ")}: run bundle install and commit Gemfile.lock (a deploy installs the locked gems only).`,
    );
  if (changes.some((change) => change.proposal && change.action === "conflict"))
    lines.push(
      "Files of your app that rails-aws would change are left as they are, with its version beside each (*.rails-aws-proposal):",
      "take what you want from it into your file, then delete the proposal. Until then each counts as a conflict.",
    );
  if (
    changes.some((change) => change.action === "conflict" && !change.proposal)
  )
    lines.push(
      "Files in conflict hold both versions between <<<<<<< yours and >>>>>>> rails-aws markers:",
      "keep what you want of each (the generator's version is the one after =======), delete the markers, and run again.",
    );
  if (!count(changes, "conflict") && !options.dryRun)
    lines.push(
      "",
      "Next steps:",
      ...nextSteps(
        context,
        destinationLabel,
        changes.some(
          (change) => change.path === "Gemfile" && change.action === "create",
        ),
      ).map((step, index) => `  ${index + 1}. ${step}`),
      "",
      "Estimated AWS cost:",
      ...monthlyEstimate(context)
        .split("\n")
        .map((line) => `  ${line}`),
    );
  return `${lines.join("\n")}\n`;
}

const shownValue = (value: Value) =>
  Array.isArray(value)
    ? value.join(", ")
    : typeof value === "boolean"
      ? value
        ? "yes"
        : "no"
      : String(value);

/** What a run is about to write, for the user to confirm: the answers by section, and the cost. */
export function preview(answers: Answers, context: Context): string {
  const lines: string[] = [];
  for (const section of SECTIONS) {
    const answered = section.settings.filter(
      (name) => answers[name] !== undefined,
    );
    if (answered.length === 0) continue;
    const width = Math.max(...answered.map((name) => labelOf(name).length));
    lines.push(
      section.title,
      ...answered.map(
        (name) =>
          `  ${labelOf(name).padEnd(width)}  ${shownValue(answers[name])}`,
      ),
    );
  }
  lines.push(
    "Estimated AWS cost",
    ...monthlyEstimate(context)
      .split("\n")
      .map((line) => `  ${line}`),
  );
  return `${lines.join("\n")}\n`;
}
