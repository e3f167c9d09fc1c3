import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import helpers from "yeoman-test";
import { packageRoot } from "../core/paths.js";
import { flagOf, settingNames, type SettingName } from "../core/settings.js";
import { readTree, runCli, tempDir } from "./helpers/repo.js";
import { settingExamples } from "./helpers/setting-examples.js";

const generatorPath = (name: string) =>
  join(packageRoot, "dist", "generators", name, "index.js");

const runGenerator = (name: string, options: Record<string, unknown> = {}) =>
  helpers
    .run(generatorPath(name), { namespace: `rails-aws:${name}` })
    // The generators' own options are not in yeoman-test's types.
    .withOptions(options as never);

describe("the Yeoman generators", () => {
  it("yo rails-aws and the rails-aws command write the same bytes for the same answers", async () => {
    const answers = {
      "app-name": "board",
      domain: "example.com",
      "cable-adapter": "redis",
    };
    const yo = await runGenerator("app", { defaults: true, ...answers });
    const cliDir = join(tempDir(), "board");
    const cli = await runCli([
      cliDir,
      "--defaults",
      ...Object.entries(answers).flatMap(([k, v]) => [`--${k}`, v]),
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    const fromYo = readTree(yo.cwd);
    const fromCli = readTree(cliDir);
    assert.ok(fromCli.size > 3, "the run wrote files");
    assert.deepEqual([...fromYo.keys()].sort(), [...fromCli.keys()].sort());
    for (const [path, contents] of fromCli)
      assert.equal(fromYo.get(path), contents, path);
  });

  it("yo rails-aws, the real command, prints the generator's report and none of Yeoman's install notes", () => {
    // The generator found as `npm link` leaves it. As root, yo runs as an unprivileged user, who
    // needs a home of its own and folders it may write.
    const root = tempDir();
    mkdirSync(join(root, "node_modules"));
    symlinkSync(packageRoot, join(root, "node_modules", "generator-rails-aws"));
    const [home, app] = ["home", "app"].map((name) => join(root, name));
    for (const dir of [home!, app!]) mkdirSync(dir);
    chmodSync(dirname(root), 0o711);
    for (const dir of [root, home!, app!]) chmodSync(dir, 0o777);
    const yo = spawnSync(
      process.execPath,
      [
        join(packageRoot, "node_modules", "yo", "lib", "cli.js"),
        "rails-aws",
        "--defaults",
        "--domain",
        "example.com",
        "--no-insight",
      ],
      { cwd: app, encoding: "utf8", env: { ...process.env, HOME: home } },
    );
    assert.equal(yo.status, 0, yo.stderr);
    assert.match(yo.stdout + yo.stderr, /Estimated AWS cost/);
    assert.ok(existsSync(join(app!, "config", "cable.yml")));
    assert.doesNotMatch(
      yo.stdout + yo.stderr,
      /package\.json was detected|package manager install/,
    );
  });

  it("asks for every setting that applies, with its validation, then confirms, and stores the answers", async () => {
    const asked: string[] = [];
    const answers: Record<string, unknown> = {
      domain: "example.com",
      environments: ["production", "staging"],
      cableAdapter: "redis",
    };
    // An example that needs other answers than this run's cannot be tried here.
    const applicable = (name: SettingName) =>
      Object.entries(settingExamples[name].with ?? {}).every(
        ([key, value]) => answers[key] === value,
      );
    const run = await runGenerator("app").withAnswers(answers, {
      callback(answer, { question }) {
        const name = question.name as SettingName;
        asked.push(name);
        // The confirmation after the settings: "Write N files to DIR?"
        if (!settingNames.includes(name)) {
          assert.match(String(question.message), /^Write \d+ files to /);
          return answer;
        }
        const { validate } = question as unknown as {
          validate: (raw: unknown) => true | string;
        };
        const example = settingExamples[name];
        if (applicable(name)) {
          // Inquirer asks again while validate returns a message; the message says why.
          const message = validate(example.invalid);
          assert.equal(
            typeof message,
            "string",
            `${name} rejects ${String(example.invalid)}`,
          );
          assert.ok(
            String(message).includes(example.allowed),
            `${name}: ${String(message)}`,
          );
        }
        assert.equal(
          validate(answer),
          true,
          `${name} accepts ${String(answer)}`,
        );
        return answer;
      },
    });
    assert.deepEqual(
      asked,
      [...settingNames, "write"],
      "both environments and redis: every setting is asked, then the confirmation",
    );
    const stored = JSON.parse(
      readFileSync(join(run.cwd, ".yo-rc.json"), "utf8"),
    )["generator-rails-aws"];
    assert.equal(stored.domain, "example.com");
    assert.equal(stored.productionRedisNodeType, "cache.t4g.small");
  });

  it("does not ask again for answers stored in .yo-rc.json", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, ".yo-rc.json"),
      JSON.stringify({
        "generator-rails-aws": {
          domain: "example.org",
          environments: ["staging"],
        },
      }),
    );
    const asked: string[] = [];
    await runGenerator("app")
      .cd(dir)
      .withAnswers(
        {},
        {
          callback: (answer, { question }) => (
            asked.push(String(question.name)),
            answer
          ),
        },
      );
    assert.ok(
      asked.length > 0 &&
        !asked.includes("domain") &&
        !asked.includes("environments"),
      asked.join(", "),
    );
    assert.ok(
      !asked.some((name) => name.startsWith("production")),
      "production is not chosen",
    );
  });

  it("--ask-answered asks again for stored answers, offering each as the default", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, ".yo-rc.json"),
      JSON.stringify({
        "generator-rails-aws": { domain: "example.org", cpuTarget: 55 },
      }),
    );
    const defaults = new Map<string, unknown>();
    await runGenerator("app", { "ask-answered": true })
      .cd(dir)
      .withAnswers(
        { cpuTarget: "60" },
        {
          callback: (answer, { question }) => {
            defaults.set(String(question.name), question.default);
            return answer;
          },
        },
      );
    assert.equal(defaults.get("domain"), "example.org");
    assert.equal(defaults.get("cpuTarget"), "55");
    const stored = JSON.parse(readFileSync(join(dir, ".yo-rc.json"), "utf8"));
    assert.equal(stored["generator-rails-aws"].cpuTarget, 60);
  });

  it("fails with every problem and writes nothing when an option is invalid", async () => {
    const dir = tempDir();
    await assert.rejects(
      runGenerator("app", {
        defaults: true,
        domain: "example.com",
        [flagOf("productionAsgMin")]: "0",
      }).cd(dir),
      /Minimum instances for production \(--production-asg-min\): got "0"; allowed: a whole number from 1 to 100/,
    );
    assert.deepEqual([...readTree(dir).keys()], []);
  });

  it("yo rails-aws:docker regenerates one part from the stored answers", async () => {
    const dir = join(tempDir(), "board");
    assert.equal(
      (await runCli([dir, "--defaults", "--domain", "example.com"])).code,
      0,
    );
    const before = readTree(dir);
    const run = await runGenerator("docker", { force: false }).cd(dir);
    assert.equal(run.cwd, dir);
    assert.deepEqual(
      readTree(dir),
      before,
      "same answers, same bytes: nothing changes",
    );
    assert.ok(existsSync(join(dir, "docker-compose.yml")));
  });

  it("yo rails-aws:eject <part> copies the part's templates into an existing repo without asking", async () => {
    const dir = join(tempDir(), "board");
    assert.equal(
      (await runCli([dir, "--defaults", "--domain", "example.com"])).code,
      0,
    );
    await helpers
      .run(generatorPath("eject"), { namespace: "rails-aws:eject" })
      .withArguments(["docker"])
      .cd(dir);
    assert.ok(
      existsSync(join(dir, ".rails-aws/templates/docker/Procfile.dev.hbs")),
    );
    const manifest = JSON.parse(
      readFileSync(join(dir, ".rails-aws/manifest.json"), "utf8"),
    );
    assert.ok(manifest.ejected["docker/Procfile.dev.hbs"]);
  });
});
