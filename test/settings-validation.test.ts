import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { labelOf, resolveAnswers } from "../core/answers.js";
import { memoryNeededMiB } from "../core/capacity.js";
import { processMemory } from "../core/data.js";
import {
  connectionsPerInstance,
  definitionOf,
  flagOf,
  replacementCron,
  settingNames,
  settings,
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
  it("asks, resolves and lists every setting: each is in one section", () => {
    assert.deepEqual([...settingNames].sort(), Object.keys(settings).sort());
    assert.equal(new Set(settingNames).size, settingNames.length);
  });

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

  it("rejects a Ruby version that was never released, or whose source checksum it lacks, and those before 3.2, offering the newest of the series", () => {
    for (const [rubyVersion, offered] of [
      ["3.4.58", "3.4.7"],
      ["3.1.6", undefined],
      ["3.3.99", "3.3.11"],
      ["4.9.0", undefined],
    ] as const) {
      const result = resolveAnswers(
        { domain: "example.com", rubyVersion },
        facts,
      );
      assert.equal(result.ok, false, rubyVersion);
      if (result.ok) continue;
      const message = result.problems.join("\n");
      assert.match(message, /whose source checksum the generator knows/);
      if (offered) assert.ok(message.endsWith(`try "${offered}"`), message);
      else assert.doesNotMatch(message, /try/);
    }
  });

  it("takes the instance replacement as a weekday and a UTC time, or off, offering the form it wants", () => {
    const resolved = (instanceReplacement: string) =>
      resolveAnswers({ domain: "example.com", instanceReplacement }, facts);
    for (const [given, stored, cron] of [
      ["tue 09:30", "tue 09:30", "30 9 * * 2"],
      ["SUN  00:00", "sun 00:00", "0 0 * * 0"],
      ["sat 23:59", "sat 23:59", "59 23 * * 6"],
      ["off", "off", false],
    ] as const) {
      const result = resolved(given);
      assert.ok(result.ok, result.ok ? "" : result.problems.join("\n"));
      assert.equal(result.answers.instanceReplacement, stored);
      assert.equal(replacementCron(stored), cron);
    }
    for (const [given, offered] of [
      ["Tuesday 9:30", "tue 09:30"],
      ["never", "off"],
      ["tue 24:00", undefined],
      ["daily 09:30", undefined],
      ["tue", undefined],
    ] as const) {
      const result = resolved(given);
      assert.equal(result.ok, false, given);
      if (result.ok) continue;
      const message = result.problems.join("\n");
      assert.match(message, /allowed: off, or a weekday \(mon to sun\)/);
      if (offered) assert.ok(message.endsWith(`try "${offered}"`), message);
      else assert.doesNotMatch(message, /try/);
    }
    // Weekly unless turned off: a default that replaces nothing would leave kernels unpatched.
    assert.equal(
      replacementCron(String(settings.instanceReplacement.default({}, facts))),
      "30 9 * * 2",
    );
  });

  it("refuses app names rails new refuses, and offers one it accepts; a folder so named gives that one by default", () => {
    for (const [appName, module] of [
      ["test", "Test"],
      ["rails", "Rails"],
      ["object", "Object"],
      ["i-o", "IO"],
      ["data", "Data"],
    ]) {
      const result = resolveAnswers({ domain: "example.com", appName }, facts);
      assert.equal(result.ok, false, appName);
      if (!result.ok)
        assert.match(
          result.problems.join("\n"),
          new RegExp(`module \\(${module}\\).*try "${appName}-app"`),
        );
      const byFolder = resolveAnswers(
        { domain: "example.com" },
        { folderName: appName },
      );
      assert.ok(byFolder.ok && byFolder.answers.appName === `${appName}-app`);
    }
  });

  it("holds AWS's and GitHub's length and character rules for names", () => {
    const refused = {
      // The longest AWS name made of it must fit in 64 characters.
      appName: "a".repeat(31),
      // staging.<domain> names a certificate: at most 64 characters.
      domain: `${"a".repeat(49)}.example`,
      githubRepository: [
        "a--b/x",
        "a-/x",
        "-a/x",
        `${"a".repeat(40)}/x`,
        "a/..",
        "a/.",
      ],
      alertEmail: [
        `${"a".repeat(65)}@example.com`,
        "a#b@example.com",
        "a..b@example.com",
      ],
    };
    for (const [name, values] of Object.entries(refused))
      for (const value of [values].flat()) {
        const result = resolveAnswers(
          { domain: "example.com", [name]: value },
          facts,
        );
        assert.equal(result.ok, false, `${name} ${value}`);
      }
    const accepted = resolveAnswers(
      {
        appName: "a".repeat(30),
        domain: `${"a".repeat(48)}.example`,
        githubRepository: `${"a".repeat(39)}/.github`,
      },
      facts,
    );
    assert.ok(accepted.ok, JSON.stringify(accepted));
  });

  it("budgets every pool: Puma's, the job worker's threads + 2, Solid Queue's other processes and a one-off process, at the group's largest size", () => {
    // 2 workers x 3 threads x 4 databases + (3 + 2) x 4 + 3 processes x 2 + 4 = 54.
    assert.equal(
      connectionsPerInstance({ pumaWorkers: 2, pumaThreads: 3, jobThreads: 3 }),
      54,
    );
    const problem = (given: Record<string, unknown>) => {
      const result = resolveAnswers({ domain: "example.com", ...given }, facts);
      return result.ok ? "" : result.problems.join("\n");
    };
    // 10 instances x 54 = 540: the 405 of a db.t4g.medium, enough when only threads were
    // counted (360), no longer are.
    assert.match(
      problem({ productionDbClass: "db.t4g.medium" }),
      /holds 540 connections \(the group's largest size \(--production-asg-max.*\(job threads \+ 2\).*supervisor, dispatcher and scheduler.*, such as db\.t3\.large/,
    );
    // A fixed-size group of one holds two instances during a rolling update: 108 > 101.
    assert.match(
      problem({ stagingDbClass: "db.t4g.micro" }),
      /holds 108 connections/,
    );
    assert.equal(problem({}), "", "the defaults hold their own budget");
  });

  it("an instance type must hold the Puma workers in memory beside Puma's master, the job processes and the system", () => {
    const problem = (given: Record<string, unknown>) => {
      const result = resolveAnswers({ domain: "example.com", ...given }, facts);
      return result.ok ? "" : result.problems.join("\n");
    };
    // 4 workers on 2 vCPUs pass the vCPU rule (2 per vCPU); their memory does not fit 2 GiB.
    const needed = memoryNeededMiB(4);
    assert.ok(needed > 2048 && needed <= 4096, `${needed} MiB`);
    assert.equal(
      needed,
      processMemory.systemMiB +
        processMemory.pumaMasterMiB +
        4 * processMemory.pumaWorkerMiB +
        processMemory.jobsWorkerMiB +
        processMemory.jobsSupportProcesses *
          processMemory.jobsSupportProcessMiB,
    );
    assert.match(
      problem({
        environments: ["production"],
        pumaWorkers: 4,
        productionInstanceType: "t3.small",
      }),
      /EC2 instance type for production \(--production-instance-type\): got "t3\.small"; allowed: a type with at least 2\.\d GiB of memory for 4 Puma workers \(--puma-workers; t3\.small has 2 GiB\): about 4 x \d+ MiB for the workers.*; such as t3\.medium, .*; or fewer workers/,
    );
    // The defaults fit: 2 workers on staging's 2 GiB t3.small.
    assert.equal(problem({ pumaWorkers: 2 }), "");
    assert.match(
      problem({ pumaWorkers: 1, stagingInstanceType: "t3.micro" }),
      /t3\.micro has 1 GiB/,
    );
  });

  it("requires a domain", async () => {
    const run = await runCli([join(tempDir(), "demo"), "--defaults"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Domain the app is served on \(--domain\): got nothing; allowed: .*\(required\)/,
    );
  });

  it("takes an answers file's empty value as a missing one: a default that fails only for want of the domain is not reported", () => {
    const resolution = resolveAnswers(
      { alertEmail: null, githubRepository: null },
      { folderName: "demo" },
    );
    assert.ok(!resolution.ok);
    assert.equal(resolution.problems.length, 1, resolution.problems.join("\n"));
    assert.match(resolution.problems[0]!, /--domain\): got nothing/);
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
