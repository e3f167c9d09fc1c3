// Mistakes are answered in the user's terms: the prompt's label and the flag, what was typed
// (shortened when huge), what is allowed, and a suggestion; values that mean the same are taken.
import assert from "node:assert/strict";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { helpText } from "../cli/help.js";
import {
  generateRepo,
  readTree,
  runCli,
  storedAnswers as stored,
  tempDir,
} from "./helpers/repo.js";

/** Runs rails-aws on a new folder with these arguments; the folder and the run. */
async function run(...args: string[]) {
  const dir = join(tempDir(), "demo");
  return { dir, ...(await runCli([dir, ...args])) };
}

function answersFile(name: string, text: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, text);
  return path;
}

describe("messages in the user's terms", () => {
  it("an invalid app name names the prompt and the flag, and suggests a valid one", async () => {
    const { code, stderr } = await run(
      "--domain",
      "example.com",
      "--app-name",
      "My App!",
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      /Application name \(--app-name\): got "My App!"; allowed: .*; try "my-app"/,
    );
    assert.doesNotMatch(stderr, /appName/);
  });

  it("a mistyped flag, answers-file key or command gets a did-you-mean", async () => {
    assert.match(
      (await run("--domian", "example.com")).stderr,
      /unknown option --domian; did you mean --domain\?/,
    );
    const file = answersFile(
      "answers.yml",
      "domain: example.com\nappname: shop\n",
    );
    assert.match(
      (await run("--answers", file)).stderr,
      /unknown setting "appname"; did you mean appName\?/,
    );
    assert.match(
      (await runCli(["chek", join(tempDir(), "demo")])).stderr,
      /did you mean check\?/,
    );
  });

  it("a mistyped command given alone is taken as a new project's folder, and the run says which command it may have meant", () => {
    const here = tempDir();
    const typo = spawnSync(
      process.execPath,
      [join(packageRoot, "bin/rails-aws.js"), "chekc"],
      { cwd: here, encoding: "utf8" },
    );
    assert.match(
      typo.stderr,
      /^rails-aws: chekc is taken as the folder of a new project; did you mean the command check\?\n/,
    );
    // Nothing was written: the run also lacked its domain.
    assert.equal(typo.status, 1);
    assert.deepEqual(readdirSync(here), []);
    // A folder of that name that exists is the folder, and a name far from every command is quiet.
    mkdirSync(join(here, "chekc"));
    for (const folder of ["chekc", "shop"])
      assert.doesNotMatch(
        spawnSync(
          process.execPath,
          [join(packageRoot, "bin/rails-aws.js"), folder],
          { cwd: here, encoding: "utf8" },
        ).stderr,
        /did you mean/,
      );
  });

  it("an answers file that is missing, a folder, commented JSON or tagged YAML gets a clean error naming it", async () => {
    const missing = join(tempDir(), "nope.yml");
    for (const [path, expected] of [
      [
        missing,
        /answers file \(--answers\) .*nope\.yml: no such file; check the path/,
      ],
      [tempDir(), /answers file \(--answers\) .*: is a folder/],
      [
        answersFile("a.json", '{ "domain": "example.com" // mine\n}'),
        /a\.json: not JSON: .*; JSON has no comments: .*YAML/,
      ],
      [
        answersFile("a.yml", "domain: example.com\nappName: !Ref myapp\n"),
        /a\.yml: .*!Ref.*answers are plain values/,
      ],
    ] as const) {
      const { code, stderr, dir } = await run("--answers", path);
      assert.equal(code, 1, stderr);
      assert.match(stderr, expected);
      assert.doesNotMatch(stderr, /ENOENT|EISDIR|\n\s+at /);
      assert.throws(() => readFileSync(join(dir, ".yo-rc.json")));
    }
  });

  it("shows a huge unknown key or flag shortened", async () => {
    const key = "k".repeat(100_000);
    const file = answersFile(
      "huge-key.json",
      JSON.stringify({ domain: "example.com", [key]: 1 }),
    );
    const byKey = await run("--answers", file);
    assert.match(
      byKey.stderr,
      /unknown setting "k{60}…" \(100000 characters\)/,
    );
    const byFlag = await run("--domain", "example.com", `--${key}`);
    assert.match(
      byFlag.stderr,
      /unknown option --k{58}… \(100002 characters\)/,
    );
    for (const { stderr } of [byKey, byFlag])
      assert.ok(stderr.length < 1000, `${stderr.length} characters`);
  });

  it("a folder where the generator keeps or writes a file is named, with what to do, and nothing is written", async () => {
    for (const path of [
      ".yo-rc.json",
      ".rails-aws/manifest.json",
      "README.md",
    ]) {
      const dir = await generateRepo();
      rmSync(join(dir, path));
      mkdirSync(join(dir, path));
      const before = readTree(dir);
      const { code, stderr } = await runCli(["docker", dir]);
      assert.equal(code, 1, path);
      assert.match(
        stderr,
        new RegExp(`${path.replaceAll(".", "\\.")} is a folder.*move it away`),
      );
      assert.doesNotMatch(stderr, /EISDIR/);
      assert.deepEqual(readTree(dir), before);
    }
  });

  it("shows a huge value shortened, and a YAML infinity as what it is", async () => {
    const huge = await run("--domain", `${"a".repeat(100_000)}.com`);
    assert.match(huge.stderr, /got "a{60}…" \(100004 characters\)/);
    assert.ok(huge.stderr.length < 1000, `${huge.stderr.length} characters`);
    const file = answersFile(
      "inf.yml",
      "domain: example.com\npumaThreads: .inf\n",
    );
    assert.match((await run("--answers", file)).stderr, /got Infinity/);
  });

  it("names .yo-rc.json when the stored answers are damaged or hold an unknown key", async () => {
    const dir = await generateRepo();
    const path = join(dir, ".yo-rc.json");
    const answers = JSON.parse(readFileSync(path, "utf8"));
    answers["generator-rails-aws"].appname = "shop";
    writeFileSync(path, JSON.stringify(answers));
    assert.match(
      (await runCli([dir])).stderr,
      /unknown setting in \.yo-rc\.json "appname"; did you mean appName\?/,
    );
    writeFileSync(path, "null\n");
    const damaged = await runCli([dir]);
    assert.equal(damaged.code, 1);
    assert.match(damaged.stderr, /\.yo-rc\.json: expected an object .*Mend it/);
  });

  it("--help has one help per command, no '?.' endings, and fits the terminal", () => {
    assert.doesNotMatch(helpText(), /\?\./);
    const check = helpText("check");
    assert.match(check, /^Usage: rails-aws check \[dir\]/);
    assert.doesNotMatch(check, /--domain|Settings/);
    for (const line of helpText(undefined, 60).split("\n"))
      assert.ok(line.length <= 60 || !line.trim().includes(" "), line);
  });
});

describe("output cut short", () => {
  it("ends quietly when the reader stops early, as `| head -1` does to a dry run's diffs", () => {
    const dir = join(tempDir(), "demo");
    const cut = spawnSync(
      "bash",
      [
        "-c",
        `node ${join(packageRoot, "bin/rails-aws.js")} ${dir} --defaults --domain example.com --dry-run | head -1`,
      ],
      { encoding: "utf8" },
    );
    assert.equal(cut.stdout, "  create    .env.example\n");
    assert.equal(cut.stderr, "");
  });
});

describe("values that mean the same are taken as such", () => {
  it("trims and lowercases a domain, and takes a GitHub URL or SSH remote as owner/name", async () => {
    for (const repository of [
      "https://github.com/me/myapp",
      "git@github.com:me/myapp.git",
    ]) {
      const { code, stderr, dir } = await run(
        "--domain",
        " Example.COM ",
        "--github-repository",
        repository,
      );
      assert.equal(code, 0, stderr);
      assert.equal(stored(dir).domain, "example.com");
      assert.equal(stored(dir).githubRepository, "me/myapp");
    }
  });

  it("a one-letter folder gets a valid default app name", async () => {
    const dir = join(tempDir(), "a");
    mkdirSync(dir);
    const { code, stderr } = await runCli([dir, "--domain", "example.com"]);
    assert.equal(code, 0, stderr);
    assert.equal(stored(dir).appName, "a-app");
  });
});

describe("answers are data, never structure", () => {
  it("refuses an alert email that would carry code or YAML syntax, or is too long", async () => {
    for (const email of [
      "<%=`touch${IFS}pwned`%>@example.com",
      "#x@example.com",
      "&x@example.com",
      "a\u0085b@example.com",
      `${"a".repeat(65)}@example.com`,
      `a@${Array(5).fill("b".repeat(60)).join(".")}.com`,
    ]) {
      const { code, stderr } = await run(
        "--domain",
        "example.com",
        "--alert-email",
        email,
      );
      assert.equal(code, 1, email);
      assert.match(
        stderr,
        /Email address for CloudWatch alarms \(--alert-email\)/,
      );
    }
    const ok = await run(
      "--domain",
      "example.com",
      "--alert-email",
      "ops+alarms@Example.com",
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(stored(ok.dir).alertEmail, "ops+alarms@example.com");
  });
});
