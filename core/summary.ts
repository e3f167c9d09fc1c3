// The report printed at the end of a run: what happened to each file, and what to do next.
import { createTwoFilesPatch } from "diff";
import { writes, type Action, type Change } from "./changes.js";
import type { Context } from "./context.js";
import { lockPlatforms } from "./parts/capistrano/context.js";
import { monthlyEstimate } from "./parts/docs/costs.js";

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
  if (context.app.githubRepository.startsWith("your-org/"))
    steps.push(
      `name your GitHub repository: rails-aws ${destinationLabel === "." ? "" : `${shellQuoted(destinationLabel)} `}--github-repository OWNER/NAME`,
    );
  return steps;
}

function diffOf(change: Change): string {
  return createTwoFilesPatch(
    `a/${change.path}`,
    `b/${change.path}`,
    change.previous ?? "",
    change.contents,
    undefined,
    undefined,
    { context: 2 },
  );
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
      ...warnings,
      `rails-aws: nothing to write; all ${changes.length} files are up to date.`,
      "",
    ].join("\n");
  const listed =
    options.listWritten === false
      ? touched.filter((change) => !writes(change))
      : touched;
  const lines = [
    ...listed.map(
      (change) => `  ${LABELS[change.action].padEnd(9)} ${change.path}`,
    ),
    ...(options.dryRun ? ["", ...touched.filter(writes).map(diffOf)] : []),
    "",
    ...warnings,
    `rails-aws${options.dryRun ? " (dry run: nothing was written)" : ""}: ${totals(changes)}.`,
  ];
  if (count(changes, "conflict"))
    lines.push(
      "Files in conflict hold both versions between <<<<<<< yours and >>>>>>> rails-aws markers:",
      "keep what you want, delete the markers, and run again. --force replaces them by the generator's output.",
    );
  else if (!options.dryRun)
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
