import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { labelOf, resolveAnswers } from "../core/answers.js";
import {
  definitionOf,
  flagOf,
  settingNames,
  type SettingName,
} from "../core/settings.js";
import { generateRepo, readTree, runCli, tempDir } from "./helpers/repo.js";
import { settingExamples } from "./helpers/setting-examples.js";

const facts = { folderName: "demo" };
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The problem as the user reads it: the prompt's label and the flag, never the internal name. */
const problemLine = (name: SettingName, value: unknown, allowed: string) =>
  new RegExp(
    `^  ${escape(labelOf(name))} \\(--${flagOf(name)}\\): got ${escape(typeof value === "number" ? String(value) : JSON.stringify(value))}; allowed: .*${escape(allowed)}`,
    "m",
  );

describe("settings validation", () => {
  it("has a valid and an invalid example for every setting", () => {
    assert.deepEqual(
      Object.keys(settingExamples).sort(),
      [...settingNames].sort(),
    );
  });

  for (const name of settingNames) {
    const example = settingExamples[name];
    describe(name, () => {
      it("accepts a valid value", () => {
        const result = resolveAnswers(
          { domain: "example.com", ...example.with, [name]: example.valid },
          facts,
        );
        assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
      });

      it("rejects an invalid value from an answers file, naming the setting, the value and what is allowed, and writes nothing", async () => {
        const dir = join(tempDir(), "demo");
        const answers = join(tempDir(), "answers.json");
        writeFileSync(
          answers,
          JSON.stringify({
            domain: "example.com",
            ...example.with,
            [name]: example.invalid,
          }),
        );
        const run = await runCli([dir, "--answers", answers]);
        assert.equal(run.code, 1);
        assert.match(
          run.stderr,
          problemLine(name, example.invalid, example.allowed),
        );
        assert.equal(existsSync(dir), false, "nothing is written on an error");
      });

      // A boolean flag takes no value (--x or --no-x): its invalid values come from files.
      if (
        typeof example.invalid === "string" &&
        definitionOf(name).kind !== "boolean"
      )
        it("rejects an invalid value given as a flag", async () => {
          const dir = join(tempDir(), "demo");
          const withFlags = Object.entries({
            domain: "example.com",
            ...example.with,
          }).flatMap(([key, value]) => [`--${flagOf(key)}`, String(value)]);
          const run = await runCli([
            dir,
            ...withFlags,
            `--${flagOf(name)}`,
            String(example.invalid),
          ]);
          assert.equal(run.code, 1);
          assert.match(
            run.stderr,
            problemLine(name, example.invalid, example.allowed),
          );
          assert.equal(existsSync(dir), false);
        });
    });
  }

  it("reports every problem at once, one line each", async () => {
    const dir = join(tempDir(), "demo");
    const run = await runCli([
      dir,
      "--domain",
      "x",
      "--cpu-target",
      "5",
      "--production-asg-min",
      "0",
    ]);
    assert.equal(run.code, 1);
    const lines = run.stderr.trim().split("\n").slice(1);
    assert.equal(lines.length, 3, run.stderr);
  });

  it("rejects a Ruby version that was never released, and those before 3.2", () => {
    for (const rubyVersion of ["3.4.58", "3.1.6", "3.3.99", "4.9.0"]) {
      const result = resolveAnswers(
        { domain: "example.com", rubyVersion },
        facts,
      );
      assert.equal(result.ok, false, rubyVersion);
      if (!result.ok)
        assert.match(result.problems.join("\n"), /data\/ruby-versions\.json/);
    }
  });

  it("requires a domain", async () => {
    const run = await runCli([join(tempDir(), "demo"), "--defaults"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Domain the app is served on \(--domain\): got nothing; allowed: .*\(required\)/,
    );
  });

  it("names an unknown key of an answers file", async () => {
    const answers = join(tempDir(), "answers.yml");
    writeFileSync(answers, "domain: example.com\ninstanceType: t3.medium\n");
    const run = await runCli([join(tempDir(), "demo"), "--answers", answers]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /unknown setting "instanceType"; did you mean productionInstanceType or stagingInstanceType\?/,
    );
  });

  it("accepts a YAML answers file and lets flags override it", async () => {
    const answers = join(tempDir(), "answers.yml");
    writeFileSync(
      answers,
      "domain: example.com\nenvironments: [staging]\ncableAdapter: redis\n",
    );
    const dir = join(tempDir(), "demo");
    const run = await runCli([
      dir,
      "--answers",
      answers,
      "--app-name",
      "board",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const stored = JSON.parse(
      readTree(dir).get(".yo-rc.json")!.split("\n").slice(1).join("\n"),
    );
    assert.equal(stored["generator-rails-aws"].appName, "board");
    assert.deepEqual(stored["generator-rails-aws"].environments, ["staging"]);
    assert.equal(
      stored["generator-rails-aws"].productionRegion,
      undefined,
      "settings of an environment not chosen are not stored",
    );
  });

  it("leaves an existing repo byte-for-byte as it was when answers are invalid", async () => {
    const dir = await generateRepo();
    const before = readTree(dir);
    const run = await runCli([dir, "--production-asg-max", "1"]);
    assert.equal(run.code, 1);
    assert.deepEqual(readTree(dir), before);
  });
});
