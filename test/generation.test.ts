import assert from "node:assert/strict";
import { packageRoot } from "../core/paths.js";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  generateRepo,
  read,
  readTree,
  runCli,
  tempDir,
} from "./helpers/repo.js";

describe("generation", () => {
  it("is deterministic: the same answers give the same bytes", async () => {
    const first = await generateRepo(["--cable-adapter", "redis"]);
    const second = await generateRepo(["--cable-adapter", "redis"]);
    assert.deepEqual(readTree(second), readTree(first));
  });

  it("is idempotent: a second run writes nothing and says so", async () => {
    const dir = await generateRepo();
    const before = readTree(dir);
    const run = await runCli([dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /nothing to write; all \d+ files are up to date/);
    assert.deepEqual(readTree(dir), before);
  });

  it("ends with a summary of the files created, changed and unchanged, and the next steps", async () => {
    const dir = join(tempDir(), "demo");
    const first = await runCli([dir, "--domain", "example.com"]);
    assert.match(first.stdout, /^ {2}create {4}docker-compose\.yml$/m);
    assert.match(
      first.stdout,
      /rails-aws: \d+ created, 0 changed, 0 unchanged\./,
    );
    assert.match(
      first.stdout,
      /Next steps:\n {2}1\. cd .*demo\n {2}2\. cp \.env\.example \.env/,
    );
    assert.match(
      first.stdout,
      /^ {2}\d\. bundle lock --add-platform x86_64-linux {3}# then commit Gemfile\.lock: the instances install gems in Bundler's deployment mode, which needs it$/m,
    );
    assert.match(
      first.stdout,
      /Estimated AWS cost:\n {2}production: \$\d+–\$\d+ a month \(2–10 instances\)/,
    );
    // Each step is a command a shell takes as it is, the database's with .env loaded.
    const steps = [...first.stdout.matchAll(/^ {2}\d+\. (.*)$/gm)].map(
      (match) => match[1]!,
    );
    assert.ok(
      steps.includes(
        "bundle install && (set -a; . ./.env; set +a; bin/rails db:prepare)",
      ),
    );
    assert.ok(
      steps.some((step) =>
        // In the folder the first step went into.
        /^name your GitHub repository: rails-aws \. --github-repository OWNER\/NAME$/.test(
          step,
        ),
      ),
    );
    for (const step of steps.filter((step) => !step.startsWith("name ")))
      assert.equal(
        spawnSync("sh", ["-n", "-c", step]).status,
        0,
        `sh cannot parse: ${step}`,
      );
    const second = await runCli([dir, "--cable-adapter", "redis"]);
    assert.doesNotMatch(second.stdout, /bundle lock/);
    assert.match(second.stdout, /^ {2}update {4}docker-compose\.yml$/m);
    assert.match(
      second.stdout,
      /rails-aws: 0 created, [1-9]\d* changed, [1-9]\d* unchanged[.,]/,
    );
  });

  it("reuses the answers stored in .yo-rc.json, and a changed answer is stored for the next run", async () => {
    const dir = await generateRepo(["--app-name", "board"]);
    const changed = await runCli([dir, "--cable-adapter", "redis"]);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(read(dir, "docker-compose.yml"), /redis/);
    const stored = JSON.parse(read(dir, ".yo-rc.json"))["generator-rails-aws"];
    assert.equal(stored.appName, "board");
    assert.equal(stored.cableAdapter, "redis");
    // One part alone, with no flags at all, keeps every stored answer.
    const part = await runCli(["docker", dir]);
    assert.equal(part.code, 0, part.stderr);
    assert.match(part.stdout, /nothing to write/);
  });

  it("regenerating one part writes only that part's files", async () => {
    const dir = await generateRepo();
    // Changed where the answers are stored: a flag would regenerate every part it affects.
    const yoRc = JSON.parse(read(dir, ".yo-rc.json"));
    yoRc["generator-rails-aws"].cableAdapter = "redis";
    writeFileSync(join(dir, ".yo-rc.json"), JSON.stringify(yoRc));
    const run = await runCli(["rails", dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(read(dir, "config/cable.yml"), /adapter: redis/);
    assert.doesNotMatch(
      read(dir, "docker-compose.yml"),
      /redis/,
      "the docker part was not regenerated",
    );
  });

  it("uses a user's template at .rails-aws/templates/<part>/<path>.hbs instead of the built-in one", async () => {
    const dir = await generateRepo();
    mkdirSync(join(dir, ".rails-aws/templates/docker"), { recursive: true });
    writeFileSync(
      join(dir, ".rails-aws/templates/docker/Procfile.dev.hbs"),
      "web: bin/rails server -p 4000 # {{app.name}}\n",
    );
    const run = await runCli(["docker", dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      read(dir, "Procfile.dev"),
      "web: bin/rails server -p 4000 # demo\n",
    );
  });

  for (const { what, template, reason } of [
    {
      what: "a template value that does not exist",
      template: "web: {{app.nmae}}\n",
      reason: /Procfile\.dev\.hbs: "nmae" not defined/,
    },
    {
      what: "a helper that does not exist, listing those that do",
      template: "web: {{shout app.name}}\n",
      reason:
        /Procfile\.dev\.hbs: line 1, column 6: "shout" is not a helper\. A template may call each, if, unless, log, lookup, with, and, .*, indent\./,
    },
    {
      what: "a mistyped helper, suggesting the one meant",
      template: "web: {{mdcode app.name}}\n",
      reason: /"mdcode" is not a helper; did you mean mdCode\?/,
    },
  ])
    it(`fails on ${what}, naming the template, and writes nothing`, async () => {
      const dir = await generateRepo();
      const before = readTree(dir);
      mkdirSync(join(dir, ".rails-aws/templates/docker"), { recursive: true });
      writeFileSync(
        join(dir, ".rails-aws/templates/docker/Procfile.dev.hbs"),
        template,
      );
      const run = await runCli(["docker", dir]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, reason);
      before.set(
        ".rails-aws/templates/docker/Procfile.dev.hbs",
        `644\n${template}`,
      );
      assert.deepEqual(readTree(dir), before);
    });

  it("writes bin/dev executable", async () => {
    const dir = await generateRepo();
    assert.match(readTree(dir).get("bin/dev")!, /^755\n/);
  });

  /** The command line as a process of its own, in an environment of the test's, as git sees it. */
  const generateIn = (env: NodeJS.ProcessEnv, dir: string, ...args: string[]) =>
    spawnSync(
      process.execPath,
      [
        join(packageRoot, "bin/rails-aws.js"),
        dir,
        "--domain",
        "example.com",
        ...args,
      ],
      { encoding: "utf8", env },
    );
  const git = (dir: string, ...args: string[]) =>
    spawnSync("git", args, { cwd: dir, encoding: "utf8" }).stdout;

  it("makes a new project a git repository with the generated files as its first commit, unless --skip-git", () => {
    const identity = {
      GIT_AUTHOR_NAME: "Test",
      GIT_AUTHOR_EMAIL: "test@example.com",
      GIT_COMMITTER_NAME: "Test",
      GIT_COMMITTER_EMAIL: "test@example.com",
    };
    const generate = (dir: string, ...args: string[]) =>
      generateIn({ ...process.env, ...identity }, dir, ...args);
    const dir = join(tempDir(), "demo");
    const first = generate(dir);
    assert.equal(first.status, 0, first.stderr);
    assert.match(
      first.stdout,
      /git: a new repository, with the generated files as its first commit/,
    );
    assert.equal(git(dir, "rev-list", "--count", "HEAD").trim(), "1");
    assert.equal(
      git(dir, "status", "--porcelain"),
      "",
      "everything generated is committed",
    );
    // Written as one fast-import stream: a sound repository, scripts committed executable.
    assert.equal(
      spawnSync("git", ["fsck", "--strict"], { cwd: dir }).status,
      0,
      "git fsck",
    );
    assert.match(git(dir, "ls-files", "--stage", "bin/dev"), /^100755 /);
    assert.match(
      git(dir, "log", "-1", "--format=%an <%ae>"),
      /^Test <test@example\.com>$/m,
    );
    const again = generate(dir, "--cable-adapter", "redis");
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stdout, /git:/);
    assert.match(git(dir, "status", "--porcelain"), /config\/cable\.yml/);
    const skipped = join(tempDir(), "demo");
    assert.equal(generate(skipped, "--skip-git").status, 0);
    assert.ok(!existsSync(join(skipped, ".git")));
  });

  it("without a git identity stages the files, inside a repository leaves the folder to it, and without git says so", () => {
    // No identity: git told to use only its configuration, which names nobody.
    const nobody = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith("GIT_")),
    );
    const unknown = join(tempDir(), "demo");
    const staged = generateIn(
      {
        ...nobody,
        HOME: tempDir(),
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_CONFIG_COUNT: "1",
        GIT_CONFIG_KEY_0: "user.useConfigOnly",
        GIT_CONFIG_VALUE_0: "true",
      },
      unknown,
    );
    assert.equal(staged.status, 0, staged.stderr);
    assert.match(
      staged.stdout,
      /git: a new repository with the generated files staged; commit them once git knows who you are/,
    );
    assert.equal(git(unknown, "rev-list", "--all"), "", "no commit");
    const status = git(unknown, "status", "--porcelain");
    assert.match(status, /^A {2}bin\/dev$/m);
    assert.doesNotMatch(status, /^\?\?|run\.lock/m, "all staged, the lock not");

    const outer = tempDir();
    spawnSync("git", ["init", "--quiet"], { cwd: outer });
    const inside = generateIn(process.env, join(outer, "demo"));
    assert.equal(inside.status, 0, inside.stderr);
    assert.doesNotMatch(inside.stdout, /git:/);
    assert.ok(!existsSync(join(outer, "demo", ".git")));

    // Without git on PATH (node is started by its full path).
    const noGit = join(tempDir(), "demo");
    const missing = generateIn({ ...process.env, PATH: tempDir() }, noGit);
    assert.equal(missing.status, 0, missing.stderr);
    assert.match(
      missing.stdout,
      /git: not installed, so the project is not a repository yet\./,
    );
    assert.ok(!existsSync(join(noGit, ".git")));
  });
  it("removes, after a run that could not write, only a repository it began: a .git folder it found stays", () => {
    const dir = tempDir();
    // Not a repository git recognises (so the run makes one), yet the user's.
    mkdirSync(join(dir, ".git"));
    writeFileSync(join(dir, ".git", "notes"), "mine\n");
    // A file where the generator needs a folder: the run stops before writing.
    writeFileSync(join(dir, "bin"), "mine\n");
    const run = generateIn(process.env, dir, "--into-existing");
    assert.equal(run.status, 1, run.stdout);
    assert.match(
      run.stderr,
      /bin is a file where the generator needs a folder/,
    );
    assert.equal(readFileSync(join(dir, ".git", "notes"), "utf8"), "mine\n");
  });
});
