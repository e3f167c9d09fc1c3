// The text `rails-aws check` prints: findings grouped per file, then what was checked, what
// could not be checked and why, and a one-line verdict.
import {
  checkedFiles,
  unchecked,
  type CheckReport,
  type CheckScope,
  type ValidatorRun,
} from "./check.js";
import { DEBIAN_PACKAGES } from "./tools.js";
import type { Finding } from "./types.js";

export function formatReport(report: CheckReport): string {
  const sections = [
    ...findingsByFile(report.findings),
    ...scopeLines(report.scope),
    checkedLine(report.ran),
    ...report.notRun.map(
      (v) =>
        `Not run: ${v.name}: ${v.reason} (${plural(v.files, "file")} unchecked)`,
    ),
    ...report.failed.map((v) => `Failed: ${v.name}: ${indent(v.error)}`),
    verdict(report),
  ];
  return sections.join("\n") + "\n";
}

function findingsByFile(findings: readonly Finding[]): string[] {
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) {
    byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  }
  return [...byFile].map(
    ([file, found]) => `${file}\n${found.map(findingLine).join("\n")}\n`,
  );
}

function findingLine(finding: Finding): string {
  const position = [finding.line, finding.column]
    .filter((n) => n !== undefined)
    .join(":");
  const where = position ? `${position}: ` : "";
  return `  ${where}${finding.validator}: ${indent(finding.message)}`;
}

/** Continuation lines of a multi-line message (a tool's excerpt of the source) stay under it. */
function indent(message: string): string {
  return message.replace(/\n(?=.)/g, "\n      ");
}

/** Said only when the scope is not simply the whole repo that was asked for. */
function scopeLines(scope: CheckScope): string[] {
  if (scope.kind === "owned")
    return [
      `Scope: the files rails-aws wrote (${scope.manifest}); rails-aws check --all checks every file.`,
    ];
  return scope.reason ? [`Scope: every file (${scope.reason}).`] : [];
}

function checkedLine(ran: readonly ValidatorRun[]): string {
  const list = ran
    .map((v) => `${v.name} (${plural(v.files, "file")})`)
    .join(", ");
  return `Checked: ${list || "nothing"}`;
}

function verdict(report: CheckReport): string {
  const { findings, failed } = report;
  const missing = unchecked(report);
  if (checkedFiles(report) === 0 && missing.length === 0 && failed.length === 0)
    return "Nothing was checked: no file here is one that a validator reads. Is this the repo's folder?";
  const parts = [];
  if (findings.length > 0 || (failed.length === 0 && missing.length === 0)) {
    const files = new Set(findings.map((finding) => finding.file)).size;
    parts.push(
      findings.length === 0
        ? "No findings"
        : `${plural(findings.length, "finding")} in ${plural(files, "file")}`,
    );
  }
  if (failed.length > 0)
    parts.push(`${plural(failed.length, "validator")} failed`);
  if (missing.length > 0) {
    const packages = [
      ...new Set(
        missing.flatMap((v) =>
          v.missing.map((tool) => DEBIAN_PACKAGES[tool] ?? tool),
        ),
      ),
    ];
    parts.push(
      `${plural(
        missing.reduce((sum, v) => sum + v.files, 0),
        "file",
      )} unchecked for want of a tool (install: apt-get install ${packages.join(" ")})`,
    );
  }
  return `${parts.join(", ")}.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
