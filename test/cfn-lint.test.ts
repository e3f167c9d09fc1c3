// The real cfn-lint over the CloudFormation templates of every answer set, run as the generated
// CI's lint step runs it (its version, regions and exit-code policy): zero errors and zero
// warnings, so that CI is green on the day the repo is generated. Findings the linter's own data
// gets wrong are ignored only through data/cfn-lint.json, for the versions each was verified with.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";
import { resolveAnswers } from "../core/answers.js";
import { deriveContext } from "../core/context.js";
import { cfnLint } from "../core/data.js";
import { cloudformationContext } from "../core/parts/cloudformation/context.js";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

/** What the generated CI runs, after `pipx run --spec cfn-lint==<version> cfn-lint`. */
interface CiLintStep {
  version: string;
  args: string[];
}

/** The cfn-lint command of the generated ci.yml's infra job. */
function ciLintStep(repo: string): CiLintStep {
  const ci = parse(
    readFileSync(join(repo, ".github/workflows/ci.yml"), "utf8"),
  );
  const steps = ci.jobs.infra.steps as { run?: string; env?: object }[];
  const step = steps.find((candidate) => candidate.run?.includes("cfn-lint"));
  assert.ok(step?.run, "ci.yml's infra job has no cfn-lint step");
  // The command's words, line continuations and the last newline left out.
  const words = step.run
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "\\");
  // The last `cfn-lint` is the command; the one before it is in the --spec's grep.
  const args = words.slice(words.lastIndexOf("cfn-lint") + 1);
  // The version is pinned where Dependabot updates it, and the step reads it there.
  assert.match(step.run, /\.github\/linters\/requirements\.txt/);
  const pinned = /^cfn-lint==(\S+)$/m.exec(
    readFileSync(join(repo, ".github/linters/requirements.txt"), "utf8"),
  );
  return {
    version: pinned![1]!,
    args: args.map((arg) => arg.replace(/^'(.*)'$/, "$1")),
  };
}

interface Finding {
  Filename: string;
  Level: string;
  Message: string;
  Rule: { Id: string };
  Location: { Start: { LineNumber: number }; Path: (string | number)[] };
}

interface LintRun {
  code: number;
  findings: Finding[];
}

/** One cfn-lint process over many templates (start-up takes seconds), reporting JSON. */
async function lint(args: string[]): Promise<LintRun> {
  try {
    const { stdout } = await execFileAsync(
      "cfn-lint",
      ["--format", "json", ...args],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return { code: 0, findings: JSON.parse(stdout || "[]") as Finding[] };
  } catch (error) {
    const failure = error as { code?: unknown; stdout?: string };
    if (typeof failure.code !== "number") throw error;
    return {
      code: failure.code,
      findings: JSON.parse(failure.stdout || "[]") as Finding[],
    };
  }
}

/** CloudFront's certificate is issued there, whatever the environments' regions. */
const EDGE_REGION = "us-east-1";

/** The regions of the environments the repo was generated with, as .yo-rc.json records them. */
function regionsOf(repo: string): string[] {
  const answers = JSON.parse(readFileSync(join(repo, ".yo-rc.json"), "utf8"))[
    "generator-rails-aws"
  ] as Record<string, unknown>;
  return (answers.environments as string[]).flatMap((env) => [
    String(answers[`${env}Region`]),
    // The backup-vault stack's, where the database's backups are copied.
    ...[String(answers[`${env}BackupCopyRegion`] ?? "none")].filter(
      (copy) => copy !== "none",
    ),
  ]);
}

/** A finding as `<answer set>: <file>:<line> <rule> (<level>) <message>`. */
function describeFinding(finding: Finding, repos: Map<string, string>) {
  const [name, repo] = [...repos].find(([, dir]) =>
    finding.Filename.startsWith(`${dir}/`),
  ) ?? ["", ""];
  const file = repo
    ? finding.Filename.slice(repo.length + 1)
    : finding.Filename;
  return `${name}: ${file}:${finding.Location.Start.LineNumber} ${finding.Rule.Id} (${finding.Level}) ${finding.Message}`;
}

/** A template without the ignore Metadata the data template renders on `resource`. */
function withoutIgnore(template: string, resource: string): string {
  const metadata = new RegExp(
    `(^ {2}${resource}:\\n {4}Type: \\S+\\n(?: {4}#.*\\n)*) {4}Metadata:\\n {6}cfn-lint:\\n {8}config:\\n {10}ignore_checks: \\[[^\\]\\n]*\\]\\n`,
    "m",
  );
  const stripped = template.replace(metadata, "$1");
  assert.notEqual(stripped, template, `no ignore Metadata on ${resource}`);
  return stripped;
}

/** The options of a CI lint step, without its `-- <pattern>`: steps with equal options share a process. */
const optionsOf = (step: CiLintStep) => step.args.slice(0, -2).join(" ");

describe("cfn-lint (the real linter) over the templates of every answer set", function () {
  this.timeout(240_000);
  let version: string;
  const steps = new Map<string, CiLintStep>();
  const runs = new Map<string, LintRun>();
  const repoDirs = new Map<string, string>();
  /** Each ignore's template with the ignore removed, linted with the answer sets. */
  const withoutIgnores: string[] = [];

  before(async function () {
    requireTool(this, "cfn-lint");
    version = (await execFileAsync("cfn-lint", ["--version"])).stdout
      .trim()
      .replace(/^cfn-lint /, "");
    const repos = await Promise.all(
      Object.keys(answerSets).map(
        async (name) => [name, await answerSetRepo(name)] as const,
      ),
    );
    // One process per distinct command: answer sets whose CI lints for the same regions share one.
    const groups = new Map<string, string[]>();
    for (const [name, repo] of repos) {
      repoDirs.set(name, repo);
      const step = ciLintStep(repo);
      steps.set(name, step);
      const options = optionsOf(step);
      groups.set(options, [
        ...(groups.get(options) ?? []),
        join(repo, step.args.at(-1)!),
      ]);
    }
    const defaults = repoDirs.get("defaults")!;
    const dir = tempDir("cfn-lint-");
    for (const ignore of cfnLint.ignores) {
      const template = `infra/cloudformation/${ignore.template}.yml`;
      const path = join(dir, `${ignore.rule}-${ignore.resource}`, template);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(
        path,
        withoutIgnore(
          readFileSync(join(defaults, template), "utf8"),
          ignore.resource,
        ),
      );
      withoutIgnores.push(path);
    }
    groups.get(optionsOf(steps.get("defaults")!))!.push(...withoutIgnores);
    const started = Date.now();
    await Promise.all(
      [...groups].map(async ([options, files]) =>
        runs.set(options, await lint([...options.split(" "), "--", ...files])),
      ),
    );
    console.log(
      `      cfn-lint ${version}: ${[...groups.values()].flat().length} patterns in ${groups.size} processes, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it("is the version the generated CI pins, and each ignore was verified with it", () => {
    assert.equal(
      version,
      cfnLint.version,
      `this machine's cfn-lint is ${version}, the generated CI pins ${cfnLint.version} (data/cfn-lint.json): its zero findings prove nothing about the other`,
    );
    for (const [name, step] of steps)
      assert.equal(step.version, cfnLint.version, name);
    for (const ignore of cfnLint.ignores)
      assert.ok(
        ignore.cfnLintVersions.includes(version),
        `${ignore.rule} on ${ignore.resource} was verified with cfn-lint ${ignore.cfnLintVersions.join(", ")}, not ${version}: lint without it, and re-verify its evidence`,
      );
  });

  it("lints as the generated CI does: every template, for the regions the set deploys to (backup copies' included) and the CDN certificate's, failing on warnings", () => {
    for (const [name, step] of steps) {
      const deployedTo = new Set(
        [...regionsOf(repoDirs.get(name)!), EDGE_REGION].sort(),
      );
      assert.deepEqual(
        step.args,
        [
          "--non-zero-exit-code",
          "warning",
          "--regions",
          ...step.args.slice(3, -2),
          "--",
          "infra/cloudformation/**/*.yml",
        ],
        name,
      );
      assert.deepEqual(
        new Set(step.args.slice(3, -2).sort()),
        deployedTo,
        name,
      );
    }
  });

  it("finds no error and no warning in any answer set", () => {
    const findings = [...runs.values()]
      .flatMap((run) => run.findings)
      .filter((finding) => !withoutIgnores.includes(finding.Filename));
    assert.deepEqual(
      findings.map((finding) => describeFinding(finding, repoDirs)),
      [],
    );
  });

  it("still needs each ignore: without it, the linter reports that rule on that resource alone", () => {
    for (const [index, ignore] of cfnLint.ignores.entries()) {
      const findings = [...runs.values()]
        .flatMap((run) => run.findings)
        .filter((finding) => finding.Filename === withoutIgnores[index]);
      assert.deepEqual(
        findings.map((finding) => [
          finding.Rule.Id,
          finding.Location.Path.slice(0, 2).join("/"),
        ]),
        [[ignore.rule, `Resources/${ignore.resource}`]],
        findings
          .map((finding) => describeFinding(finding, repoDirs))
          .join("\n"),
      );
    }
  });
});

describe("cfn-lint ignores in the generated templates", () => {
  it("renders an ignore only where the generated CI runs a version it was verified with", () => {
    const resolution = resolveAnswers(
      { domain: "example.com" },
      { folderName: "demo" },
    );
    assert.ok(resolution.ok);
    const context = deriveContext(resolution.answers);
    const ignores = (cfnLintVersion: string) =>
      cloudformationContext({ ...context, cfnLintVersion }).databaseLintIgnores;
    assert.equal(context.cfnLintVersion, cfnLint.version);
    assert.deepEqual(ignores(cfnLint.version), {
      rules: "W3691",
      comment: cfnLint.ignores[0]!.comment,
    });
    assert.equal(ignores("1.58.0"), false);
  });
});
