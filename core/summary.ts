// The report printed at the end of a run: what happened to each file, and what to do next.
import { WRITES, type Action, type Change } from "./changes.js";
import type { Context } from "./context.js";

const LABELS: Record<Action, string> = {
  create: "create",
  update: "update",
  unchanged: "identical",
  kept: "kept",
  conflict: "conflict",
  overwrite: "overwrite",
};

function count(changes: Change[], action: Action): number {
  return changes.filter((change) => change.action === action).length;
}

function totals(changes: Change[]): string {
  const created = count(changes, "create");
  const changed = count(changes, "update") + count(changes, "overwrite");
  const unchanged = count(changes, "unchanged");
  const parts = [
    `${created} created`,
    `${changed} changed`,
    `${unchanged} unchanged`,
  ];
  const kept = count(changes, "kept");
  if (kept) parts.push(`${kept} kept with your edits`);
  const conflicts = count(changes, "conflict");
  if (conflicts) parts.push(`${conflicts} in conflict`);
  return parts.join(", ");
}

export function nextSteps(
  context: Context,
  destinationLabel: string,
): string[] {
  const steps = [
    ...(destinationLabel === "." ? [] : [`cd ${destinationLabel}`]),
    "cp .env.example .env",
    "docker compose up -d",
    "bundle install && bin/rails db:prepare",
    "bin/dev   # then open http://localhost:3000 in several tabs",
  ];
  if (context.app.githubRepository.startsWith("your-org/"))
    steps.push(
      "set githubRepository to your real owner/name: rerun with --github-repository owner/name",
    );
  return steps;
}

export function summarize(
  changes: Change[],
  context: Context,
  destinationLabel: string,
  options: { listWritten: boolean } = { listWritten: true },
): string {
  const touched = changes.filter((change) => change.action !== "unchanged");
  if (touched.length === 0)
    return `rails-aws: nothing to write; all ${changes.length} files are up to date.\n`;
  // Yeoman lists the files it writes itself: then only the files left alone need a line here.
  const listed = options.listWritten
    ? touched
    : touched.filter((change) => !WRITES.has(change.action));
  const lines = [
    ...listed.map(
      (change) => `  ${LABELS[change.action].padEnd(9)} ${change.path}`,
    ),
    "",
    `rails-aws: ${totals(changes)}.`,
  ];
  const conflicts = changes.filter((change) => change.action === "conflict");
  if (conflicts.length)
    lines.push(
      "Files in conflict were edited since the generator wrote them and its output changed too;",
      "they were left as they are. Rerun with --force to replace them with the generator's output.",
    );
  else
    lines.push(
      "",
      "Next steps:",
      ...nextSteps(context, destinationLabel).map(
        (step, index) => `  ${index + 1}. ${step}`,
      ),
    );
  return `${lines.join("\n")}\n`;
}
