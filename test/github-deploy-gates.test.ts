// The deploy workflow's gates, run as GitHub runs a step (bash -eo pipefail) in a real git
// repository, with a stand-in for the `gh` CLI that answers GitHub's API from canned responses:
// production deploys only a commit of main whose CI passed; staging skips a commit older than
// one it already runs; every deploy takes the release artifact CI built, only when its bytes are
// those GitHub recorded the digest of.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

interface GateRun {
  code: number | null;
  stdout: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  output: string;
  /** What the step wrote to $GITHUB_ENV. */
  env: string;
  /** The arguments of each `gh` call. */
  gh: string[];
}

/** main: first → second → third; a branch: first → feature. */
function history(): { dir: string; commits: Record<string, string> } {
  const dir = tempDir();
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();
  git("init", "--quiet", "--initial-branch=main");
  const commit = (message: string) => {
    git(
      "-c",
      "user.name=Test",
      "-c",
      "user.email=test@example.com",
      "commit",
      "--quiet",
      "--allow-empty",
      "-m",
      message,
    );
    return git("rev-parse", "HEAD");
  };
  const first = commit("first");
  git("checkout", "--quiet", "-b", "feature");
  const feature = commit("feature");
  git("checkout", "--quiet", "main");
  const second = commit("second");
  const third = commit("third");
  // What actions/checkout with fetch-depth 0 leaves: the remote's branches.
  git("update-ref", "refs/remotes/origin/main", third);
  git("update-ref", "refs/remotes/origin/feature", feature);
  return { dir, commits: { first, feature, second, third } };
}

describe("deploy workflow gates, run in a git repository", function () {
  let steps: Record<string, Step>;
  let repo: { dir: string; commits: Record<string, string> };
  let bin: string;

  before(async function () {
    requireTool(this, ["git", "jq"]);
    const workflow = parse(
      readFileSync(
        join(await answerSetRepo("defaults"), ".github/workflows/deploy.yml"),
        "utf8",
      ),
    ) as { jobs: Record<string, { steps: Step[] }> };
    const named = (job: string, name: string) =>
      workflow.jobs[job]!.steps.find((step) => step.name === name)!;
    steps = {
      production: named(
        "production",
        "Check that the commit is on main and passed CI",
      ),
      staging: named(
        "staging",
        "Skip a commit older than the one staging runs",
      ),
      fetch: named(
        "production",
        "Fetch the release artifact CI built from this commit, by its digest",
      ),
    };
    repo = history();
    bin = tempDir();
    // Stand-in for the gh CLI: GitHub's API is not reachable from tests. It answers a call from
    // the first of GH_ROUTES ([pattern, body]) whose pattern it matches, else GH_RESPONSE; a body
    // "@<file>" is that file's bytes. --jq filters as gh does (jq, raw strings).
    writeFileSync(
      join(bin, "gh"),
      `#!/usr/bin/env node
const { appendFileSync, readFileSync } = require("node:fs");
const { execFileSync } = require("node:child_process");
const args = process.argv.slice(2);
appendFileSync(process.env.GH_CALLS, args.join(" ") + "\\n");
const route = JSON.parse(process.env.GH_ROUTES || "[]").find(([pattern]) => new RegExp(pattern).test(args.join(" ")));
const body = route ? route[1] : JSON.parse(process.env.GH_RESPONSE);
if (typeof body === "string" && body.startsWith("@")) process.stdout.write(readFileSync(body.slice(1)));
else if (args.includes("--jq"))
  process.stdout.write(execFileSync("jq", ["-r", args[args.indexOf("--jq") + 1]], { input: JSON.stringify(body) }));
else process.stdout.write(JSON.stringify(body) + "\\n");
`,
      { mode: 0o755 },
    );
  });

  function gate(
    step: Step,
    revision: string,
    response: unknown,
    routes: [string, unknown][] = [],
    env: Record<string, string> = {},
  ): GateRun {
    const scratch = tempDir();
    const output = join(scratch, "output");
    const calls = join(scratch, "gh-calls");
    writeFileSync(output, "");
    writeFileSync(calls, "");
    // The step's own environment, but for the token (an expression GitHub fills in).
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).filter(
        ([, value]) => !String(value).includes("${{"),
      ),
    );
    const run = spawnSync(
      "bash",
      ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!],
      {
        cwd: repo.dir,
        encoding: "utf8",
        env: {
          ...process.env,
          ...stepEnv,
          PATH: `${bin}:${process.env.PATH}`,
          REVISION: revision,
          GITHUB_REPOSITORY: "acme/demo",
          GITHUB_OUTPUT: output,
          GH_TOKEN: "stand-in",
          GH_CALLS: calls,
          GH_RESPONSE: JSON.stringify(response),
          GH_ROUTES: JSON.stringify(routes),
          RUNNER_TEMP: scratch,
          GITHUB_ENV: join(scratch, "env"),
          ...env,
        },
      },
    );
    return {
      code: run.status,
      stdout: run.stdout + run.stderr,
      output: readFileSync(output, "utf8"),
      env: existsSync(join(scratch, "env"))
        ? readFileSync(join(scratch, "env"), "utf8")
        : "",
      gh: readFileSync(calls, "utf8").split("\n").filter(Boolean),
    };
  }

  const ciRuns = (count: number) => ({ total_count: count, workflow_runs: [] });
  const deployments = (...nodes: [string, string][]) => ({
    data: {
      repository: {
        deployments: {
          nodes: nodes.map(([commitOid, state]) => ({ commitOid, state })),
        },
      },
    },
  });

  it("production deploys a commit of main whose CI passed on main", () => {
    const { second } = repo.commits;
    const run = gate(steps.production!, second!, ciRuns(1));
    assert.equal(run.code, 0, run.stdout);
    assert.deepEqual(run.gh, [
      `api repos/acme/demo/actions/workflows/ci.yml/runs?head_sha=${second}&branch=main&event=push&status=success`,
    ]);
  });

  it("production refuses a commit that is not on main, before asking GitHub anything", () => {
    const { feature } = repo.commits;
    const run = gate(steps.production!, feature!, ciRuns(1));
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      new RegExp(
        `::error::${feature} is not on main: production runs only commits of main`,
      ),
    );
    assert.deepEqual(run.gh, []);
  });

  it("production refuses a commit of main whose CI has not passed", () => {
    const run = gate(steps.production!, repo.commits.third!, ciRuns(0));
    assert.equal(run.code, 1);
    assert.match(run.stdout, /::error::CI has not passed on \w+ on main/);
  });

  it("staging skips a commit older than one it runs, with a notice", () => {
    const { second, third } = repo.commits;
    const run = gate(
      steps.staging!,
      second!,
      // Staging went back to the feature branch by hand since third, which stays newer.
      deployments([repo.commits.feature!, "ACTIVE"], [third!, "INACTIVE"]),
    );
    assert.equal(run.code, 0, run.stdout);
    assert.equal(run.output, "skip=true\n");
    assert.match(
      run.stdout,
      new RegExp(
        `::notice::Not deployed: staging already runs ${third}, which is newer than ${second}`,
      ),
    );
    assert.match(
      run.gh[0]!,
      /^api graphql -f owner=acme -f name=demo -f environment=staging -f query=query\(/,
    );
  });

  for (const [title, revision, nodes] of [
    [
      "a newer commit",
      "third",
      [
        ["second", "ACTIVE"],
        ["first", "INACTIVE"],
      ],
    ],
    ["the commit it runs again", "third", [["third", "ACTIVE"]]],
    [
      "a commit whose newer successor failed to deploy",
      "second",
      [
        ["third", "FAILURE"],
        ["first", "ACTIVE"],
      ],
    ],
    [
      "a commit when the deployed one is unknown here",
      "second",
      [["0123456789abcdef0123456789abcdef01234567", "ACTIVE"]],
    ],
    ["a commit when it has deployed none yet", "first", []],
  ] as const) {
    it(`staging deploys ${title}`, () => {
      const sha = (name: string) => repo.commits[name] ?? name;
      const run = gate(
        steps.staging!,
        sha(revision),
        deployments(
          ...nodes.map(([name, state]): [string, string] => [sha(name), state]),
        ),
      );
      assert.equal(run.code, 0, run.stdout);
      assert.equal(run.output, "");
    });
  }

  describe("the release artifact", () => {
    const RUN_ID = 4242;
    /** CI's artifact of the commit, zipped as GitHub stores it: the zip and its SHA-256. */
    function stored(revision: string) {
      const dir = tempDir();
      writeFileSync(join(dir, `${revision}.tar.gz`), "the artifact's bytes");
      execFileSync("zip", ["-q", "artifact.zip", `${revision}.tar.gz`], {
        cwd: dir,
      });
      const zip = join(dir, "artifact.zip");
      return {
        zip,
        digest: createHash("sha256").update(readFileSync(zip)).digest("hex"),
      };
    }
    const routes = (
      revision: string,
      zip: string,
      digest: string,
      artifacts = [{ id: 7, digest: `sha256:${digest}`, expired: false }],
    ): [string, unknown][] => [
      ["ci\\.yml/runs\\?", { workflow_runs: [{ id: RUN_ID }] }],
      [`runs/${RUN_ID}/artifacts\\?name=release-${revision} `, { artifacts }],
      ["artifacts/7/zip", `@${zip}`],
    ];

    it("takes the artifact CI's run of the commit built, when its bytes match GitHub's digest, and names it for cap", () => {
      const { third } = repo.commits;
      const { zip, digest } = stored(third!);
      const run = gate(steps.fetch!, third!, {}, routes(third!, zip, digest));
      assert.equal(run.code, 0, run.stdout);
      const path = /^CI_ARTIFACT_FILE=(.*)$/m.exec(run.env)?.[1];
      assert.ok(path?.endsWith(`/release/${third}.tar.gz`), run.env);
      assert.equal(readFileSync(path!, "utf8"), "the artifact's bytes");
      assert.deepEqual(run.gh, [
        `api repos/acme/demo/actions/workflows/ci.yml/runs?head_sha=${third}&event=push&status=success --jq .workflow_runs[0].id // empty`,
        `api repos/acme/demo/actions/runs/${RUN_ID}/artifacts?name=release-${third} --jq .artifacts[0] | select(. != null and (.expired | not)) | "\\(.id) \\(.digest)"`,
        "api repos/acme/demo/actions/artifacts/7/zip",
      ]);
    });

    it("refuses bytes that are not those GitHub recorded, and sets no artifact", () => {
      const { third } = repo.commits;
      const { zip } = stored(third!);
      const other = createHash("sha256").update("other").digest("hex");
      const run = gate(steps.fetch!, third!, {}, routes(third!, zip, other));
      assert.notEqual(run.code, 0);
      assert.match(run.stdout, /FAILED/);
      assert.equal(run.env, "");
    });

    it("refuses a commit CI built no artifact for (or one expired), saying what to deploy", () => {
      const { third } = repo.commits;
      const { zip, digest } = stored(third!);
      for (const artifacts of [
        [],
        [{ id: 7, digest: `sha256:${digest}`, expired: true }],
      ]) {
        const run = gate(
          steps.fetch!,
          third!,
          {},
          routes(third!, zip, digest, artifacts),
        );
        assert.equal(run.code, 1);
        assert.match(
          run.stdout,
          /::error::No release artifact release-\w+: CI builds one for each commit pushed to main/,
        );
        assert.equal(run.env, "");
      }
    });

    it("staging takes the artifact of the CI run that triggered it, without looking for another", () => {
      const { second } = repo.commits;
      const { zip, digest } = stored(second!);
      const run = gate(
        steps.fetch!,
        second!,
        {},
        routes(second!, zip, digest),
        { CI_RUN_ID: String(RUN_ID) },
      );
      assert.equal(run.code, 0, run.stdout);
      assert.ok(!run.gh.some((call) => call.includes("ci.yml/runs")));
    });
  });
});
