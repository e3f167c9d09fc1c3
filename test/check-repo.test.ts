import assert from "node:assert/strict";
import { chmod, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkRepo, isClean } from "../check/check.js";
import { parseEnvFile } from "../check/env-file.js";
import { validators } from "../check/registry.js";
import { formatReport } from "../check/report.js";
import { listRepoFiles, shebangInterpreter } from "../check/repo.js";
import { withScratchDir } from "../check/scratch.js";
import { findTool } from "../check/tools.js";
import type { Validator } from "../check/types.js";
import { checkFiles } from "./helpers/check.js";
import {
  copyOfAnswerSetRepo,
  runCli,
  tempDir,
  writeRepo,
} from "./helpers/repo.js";
import conflictPlant from "./plants/conflicts.js";
import { requireTool } from "./helpers/tools.js";

/** A repo with files for ruby-syntax (2) and docker-compose (1). */
const SMALL_REPO = {
  Gemfile: 'source "https://rubygems.org"\n',
  "config/routes.rb": "Rails.application.routes.draw do\nend\n",
  "docker-compose.yml": "services:\n  db:\n    image: postgres:17\n",
};

/** A validator that needs no tool and reports what it is given. */
function fake(name: string, run: Validator["run"]): Validator {
  return {
    name,
    tools: [],
    appliesTo: (file) => file.extension === ".txt",
    run,
  };
}

describe("check: checkRepo", function () {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "check-repo-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("lists validators whose tools are not on PATH as not run, with why and how many files", async () => {
    const report = await checkFiles(SMALL_REPO, validators, { path: "" });
    const needsNoTool = validators.filter((v) => v.tools.length === 0);
    const needsTools = validators.filter((v) => v.tools.length > 0);
    assert.deepEqual(
      report.ran.map((v) => v.name),
      needsNoTool.map((v) => v.name),
    );
    assert.deepEqual(
      report.notRun.map(({ name, missing }) => ({ name, missing })),
      needsTools.map(({ name, tools }) => ({ name, missing: [...tools] })),
    );
    const ruby = report.notRun.find((v) => v.name === "ruby-syntax")!;
    assert.equal(ruby.reason, "ruby not found on PATH");
    assert.equal(ruby.files, 2);
    assert.ok(
      !isClean(report),
      "files a validator could not check fail the check: no false green",
    );
    assert.match(
      formatReport(report),
      /unchecked for want of a tool \(install: apt-get install .*ruby.*\)\.$/m,
    );
    assert.match(
      formatReport(report),
      /^Not run: docker-compose: docker-compose not found on PATH \(1 file unchecked\)$/m,
    );
  });

  it("runs exactly the validators whose tools the given PATH has", async function () {
    requireTool(this, "ruby");
    await symlink(findTool("ruby")!, join(dir, "ruby"));
    const report = await checkFiles(SMALL_REPO, validators, { path: dir });
    const runnable = (v: { tools: readonly string[] }) =>
      v.tools.every((tool) => tool === "ruby");
    assert.deepEqual(
      report.ran.map((v) => v.name),
      validators.filter(runnable).map((v) => v.name),
    );
    assert.deepEqual(
      report.notRun.map((v) => v.name),
      validators.filter((v) => !runnable(v)).map((v) => v.name),
    );
  });

  it("skips .git and node_modules anywhere, and tmp, log, vendor and .rails-aws at the top", async () => {
    const bad = "a: [\n";
    writeRepo(dir, {
      ".git/config.yml": bad,
      "node_modules/pkg/node_modules/x.yml": bad,
      "app/node_modules/x.yml": bad,
      "tmp/x.yml": bad,
      "log/x.yml": bad,
      "vendor/bundle/x.yml": bad,
      ".rails-aws/templates/x.yml": bad,
      "app/models/log/kept.yml": bad,
      "config/kept.yml": bad,
    });
    assert.deepEqual(
      (await listRepoFiles(dir)).map((file) => file.path),
      ["app/models/log/kept.yml", "config/kept.yml"],
    );
  });

  it("stamps findings with their validator, sorts them and groups them per file", async () => {
    const report = await checkFiles({ "b.txt": "", "a.txt": "" }, [
      fake("second", async (files) =>
        files.map((f) => ({ file: f.path, line: 2, message: "late" })),
      ),
      fake("first", async (files) => [
        {
          file: files[0]!.path,
          line: 1,
          column: 4,
          message: "early\nwith an excerpt",
        },
        { file: files[1]!.path, message: "whole file" },
      ]),
    ]);
    assert.deepEqual(
      report.findings.map(({ file, line, validator }) => [
        file,
        line,
        validator,
      ]),
      [
        ["a.txt", 1, "first"],
        ["a.txt", 2, "second"],
        ["b.txt", undefined, "first"],
        ["b.txt", 2, "second"],
      ],
    );
    assert.ok(!isClean(report));
    assert.equal(
      formatReport(report),
      [
        "a.txt",
        "  1:4: first: early",
        "      with an excerpt",
        "  2: second: late",
        "",
        "b.txt",
        "  first: whole file",
        "  2: second: late",
        "",
        "Checked: second (2 files), first (2 files)",
        "4 findings in 2 files.",
        "",
      ].join("\n"),
    );
  });

  it("reports a validator that breaks as failed, which is not clean", async () => {
    writeRepo(dir, { "a.txt": "" });
    const report = await checkRepo(dir, {
      validators: [
        fake("broken", async () => {
          throw new Error("tool crashed");
        }),
      ],
    });
    assert.deepEqual(report.failed, [
      { name: "broken", files: 1, error: "tool crashed" },
    ]);
    assert.ok(!isClean(report));
    assert.match(formatReport(report), /^Failed: broken: tool crashed$/m);
    assert.match(formatReport(report), /^1 validator failed\.$/m);
  });

  it("does not run a validator that no file applies to", async () => {
    let called = false;
    const report = await checkFiles({}, [
      fake("idle", async () => {
        called = true;
        return [];
      }),
    ]);
    assert.equal(called, false);
    assert.deepEqual(
      report.ran.map(({ name, files }) => ({ name, files })),
      [{ name: "idle", files: 0 }],
    );
    assert.equal(
      formatReport(report),
      "Checked: idle (0 files)\nNothing was checked: no file here is one that a validator reads. Is this the repo's folder?\n",
    );
    assert.ok(!isClean(report), "an empty check is no pass");
  });
});

describe("check: helpers", () => {
  it("reads the interpreter from a shebang, through env and its options", () => {
    assert.equal(shebangInterpreter("#!/bin/sh"), "sh");
    assert.equal(shebangInterpreter("#!/bin/bash -e"), "bash");
    assert.equal(shebangInterpreter("#! /usr/bin/env bash"), "bash");
    assert.equal(shebangInterpreter("#!/usr/bin/env -S ruby --yjit"), "ruby");
    assert.equal(shebangInterpreter("#!/usr/bin/env RUBYOPT=-W0 ruby"), "ruby");
    assert.equal(shebangInterpreter("# a comment"), undefined);
    assert.equal(shebangInterpreter(""), undefined);
  });

  it("parses a dotenv file", () => {
    assert.deepEqual(
      parseEnvFile(
        [
          "# comment",
          "",
          "A=1",
          "export B = two",
          'C="quoted # not a comment"',
          "D='single'",
          "E=value # a comment",
          "F=",
          "not a variable",
        ].join("\n"),
      ),
      {
        A: "1",
        B: "two",
        C: "quoted # not a comment",
        D: "single",
        E: "value",
        F: "",
      },
    );
  });

  it("finds tools on a given PATH only, and only executable files", async () => {
    await withScratchDir("test", async (dir) => {
      await writeFile(join(dir, "plain"), "");
      await writeFile(join(dir, "runnable"), "#!/bin/sh\n");
      await chmod(join(dir, "runnable"), 0o755);
      assert.equal(
        findTool("runnable", `/nonexistent:${dir}`),
        join(dir, "runnable"),
      );
      assert.equal(findTool("plain", dir), undefined);
      assert.equal(findTool("runnable", ""), undefined);
    });
  });
});

describe("test helper: requireTool", () => {
  const missing = "rails-aws-no-such-tool";

  it("fails on CI when a tool is missing", function () {
    assert.throws(
      () => requireTool(this, missing, { ci: true }),
      /rails-aws-no-such-tool not found on PATH: CI must install it/,
    );
  });

  it("warns and skips elsewhere", function () {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (message: string) => warnings.push(message);
    const skipped = new Error("skipped");
    const context = Object.create(this, {
      skip: {
        value: () => {
          throw skipped;
        },
      },
    }) as Mocha.Context;
    try {
      assert.throws(
        () => requireTool(context, [missing, "sh"], { ci: false }),
        skipped,
      );
    } finally {
      console.warn = warn;
    }
    assert.equal(warnings.length, 1);
    assert.match(
      warnings[0]!,
      /SKIPPED .*rails-aws-no-such-tool not found on PATH/,
    );
  });

  it("returns when the tools are there", function () {
    requireTool(this, "sh", { ci: true });
  });

  it("rails-aws check fails on an empty folder and names a missing one, instead of a false green or a raw error", async () => {
    const dir = tempDir();
    const empty = await runCli(["check", dir]);
    assert.equal(empty.code, 1);
    assert.match(empty.stdout, /^Nothing was checked/m);
    const missing = await runCli(["check", join(dir, "nope")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /check: .*nope is not a folder/);
    assert.doesNotMatch(missing.stderr, /ENOENT/);
  });
});

describe("check: scope and conflicts in a repo the generator wrote into", function () {
  before(function () {
    requireTool(this, ["ruby"]);
  });

  /** A generated repo holding an app file of the user's that does not parse, and a conflict. */
  async function onboardedRepo(): Promise<string> {
    const dir = await copyOfAnswerSetRepo("defaults");
    writeRepo(dir, { "app/models/legacy.rb": "class Legacy\n  def a(\nend\n" });
    conflictPlant(dir);
    return dir;
  }

  it("checks only the files rails-aws wrote by default, and reports a conflict as a conflict", async () => {
    const dir = await onboardedRepo();
    const run = await runCli(["check", dir]);
    assert.equal(run.code, 1, run.stdout);
    assert.doesNotMatch(run.stdout, /legacy\.rb/);
    assert.match(
      run.stdout,
      /^config\/cable\.yml\n {2}1: conflicts: unresolved conflict \(lines 1-5\)/m,
    );
    // The markers make it invalid YAML, which would only hide what is wrong.
    assert.doesNotMatch(run.stdout, /cable\.yml\n.*\n.*yaml:/);
    assert.match(
      run.stdout,
      /^Scope: the files rails-aws wrote \(\.rails-aws\/manifest\.json\); rails-aws check --all checks every file\.$/m,
    );
  });

  it("checks the app's own files too with --all", async () => {
    const dir = await onboardedRepo();
    const report = await checkRepo(dir, {
      scope: "all",
      validators: validators.filter((v) => v.name === "ruby-syntax"),
    });
    assert.deepEqual(
      report.findings.map((finding) => finding.file),
      ["app/models/legacy.rb"],
    );
    assert.match(
      (await runCli(["docker", dir, "--all"])).stderr,
      /--all is an option of check: rails-aws check .* --all/,
    );
  });

  it("names the way out when the manifest cannot be read", async () => {
    const dir = await copyOfAnswerSetRepo("defaults");
    writeRepo(dir, { ".rails-aws/manifest.json": '{"files": ' });
    const run = await runCli(["check", dir]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /manifest\.json cannot be read.*--repair.*rails-aws check --all/,
    );
  });
});
