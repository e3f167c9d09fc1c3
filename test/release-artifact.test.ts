// The release artifact as a deploy builds it and a new instance installs it: cap builds it once
// from the commit (lib/capistrano/scm/git_archive.rb), and the launch template's user data
// installs only the bytes the release pointer names. The AWS CLI is the stand-in the deploy tests
// and the e2e hosts use (test/fixtures/ssh-hosts/aws: SSM and versioned S3 objects as files), the
// instance metadata service the e2e suite's (e2e/stand-ins/bin/curl); the user data's own bash
// does the checking.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { STAND_INS_ENV } from "../check/validators/capistrano.js";
import { packageRoot } from "../core/paths.js";
import { generateRepo, tempDir } from "./helpers/repo.js";
import { commit, releaseBootScript, toyApp } from "./helpers/ssh-hosts.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

const BUCKET = "demo-releases";
const VALUES = {
  "AWS::Region": "us-east-1",
  "AWS::StackName": "demo-production-app",
  CurrentReleaseParameterName: "/demo/production/current-release",
  ReleaseBucketParameterName: "/demo/production/release-bucket",
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function bash(script: string, env: Record<string, string>): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync("bash", ["-c", script], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Run;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("release artifact: built once from the commit, refused at boot unless it is what the deploy published", function () {
  this.timeout(120_000);
  let repo: string;
  let appYml: string;
  let state: string;
  /** A folder holding the two stand-ins as `aws` and `curl`, for PATH. */
  let standIns: string;

  before(async function () {
    requireTool(this, ["cap", "bundle", "git", "jq", "openssl"]);
    standIns = tempDir("stand-ins-");
    symlinkSync(
      join(packageRoot, "test/fixtures/ssh-hosts/aws"),
      join(standIns, "aws"),
    );
    symlinkSync(
      join(packageRoot, "e2e/stand-ins/bin/curl"),
      join(standIns, "curl"),
    );
    repo = await toyApp(await generateRepo());
    appYml = readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8");
  });

  beforeEach(() => {
    state = tempDir("aws-state-");
  });

  /**
   * Builds the release artifact of HEAD as a deploy does, or takes the one CI built
   * (CI_ARTIFACT_FILE), as CI's artifact job runs it (no hosts): its SHA-256 and path.
   */
  async function build(
    env: Record<string, string> = {},
  ): Promise<{ sha256: string; path: string }> {
    const { stdout } = await execFileAsync(
      "cap",
      ["production", "git_archive:build"],
      {
        cwd: repo,
        // Capistrano's Rails and Bundler plugins as the check runs them (not in Debian).
        env: { ...process.env, ...STAND_INS_ENV, DEPLOY_HOSTS: "", ...env },
      },
    );
    const built = /^([0-9a-f]{64}) {2}(\S+)$/m.exec(stdout);
    assert.ok(built, stdout);
    return { sha256: built[1]!, path: join(repo, built[2]!) };
  }

  /** Stores the artifact through the stand-in, as release:publish does, and points to it. */
  async function publish(
    artifact: { sha256: string; path: string },
    release: string,
  ): Promise<Record<string, string>> {
    const commitId = (
      await execFileAsync("git", ["rev-parse", "HEAD"], { cwd: repo })
    ).stdout.trim();
    const key = `releases/${commitId}-${artifact.sha256.slice(0, 16)}.tar.gz`;
    const put = await bash(
      `aws s3api put-object --bucket ${BUCKET} --key ${key} --body ${artifact.path} --if-none-match '*' --query VersionId --output text`,
      {
        PATH: `${standIns}:${process.env.PATH}`,
        AWS_STAND_IN_DIR: state,
        E2E_INSTANCE_ID: "i-0e2e0test",
      },
    );
    assert.equal(put.code, 0, put.stderr);
    const pointer = {
      release,
      key,
      sha256: artifact.sha256,
      versionId: put.stdout.trim(),
    };
    setPointer(JSON.stringify(pointer));
    writeFileSync(parameter(VALUES.ReleaseBucketParameterName), BUCKET);
    return pointer;
  }

  function setPointer(value: string): void {
    writeFileSync(parameter(VALUES.CurrentReleaseParameterName), value);
  }

  /** Where the stand-in keeps a parameter: parameters/<name, its slashes as %>. */
  function parameter(name: string): string {
    mkdirSync(join(state, "parameters"), { recursive: true });
    return join(state, "parameters", name.slice(1).replaceAll("/", "%"));
  }

  /** The user data's release steps on a stand-in instance whose release tree is `appRoot`. */
  function boot(appRoot: string): Promise<Run> {
    const script = releaseBootScript(
      appYml,
      VALUES,
      `${standIns}:${process.env.PATH}`,
    ).replace(/^app_root=.*$/m, `app_root=${appRoot}`);
    return bash(script, {
      AWS_STAND_IN_DIR: state,
      E2E_INSTANCE_ID: "i-0e2e0test",
    });
  }

  const signals = () =>
    existsSync(join(state, "signals"))
      ? readFileSync(join(state, "signals"), "utf8")
      : "";

  it("builds the same bytes from the same commit: its tree, REVISION and the gems in vendor/cache", async () => {
    await commit(repo, { "app/NEW": "release 1\n" }, "release 1");
    const first = await build();
    const again = await build();
    assert.equal(again.sha256, first.sha256);
    assert.equal(
      createHash("sha256").update(readFileSync(first.path)).digest("hex"),
      first.sha256,
    );
    const { stdout: listing } = await execFileAsync("tar", [
      "-tzf",
      first.path,
    ]);
    const entries = listing.split("\n");
    for (const path of ["REVISION", "Gemfile.lock", "app/NEW", "Capfile"])
      assert.ok(entries.includes(path), `${path} in the artifact`);
    assert.ok(
      entries.some((entry) => /^vendor\/cache\/rake-[\d.]+\.gem$/.test(entry)),
      "the bundle's gems in vendor/cache",
    );
    const { stdout: revision } = await execFileAsync("tar", [
      "-xzOf",
      first.path,
      "REVISION",
    ]);
    const head = (
      await execFileAsync("git", ["rev-parse", "HEAD"], { cwd: repo })
    ).stdout;
    assert.equal(revision, head);
  });

  it("deploys the artifact CI built as it is, and refuses one of another commit", async () => {
    await commit(repo, { "app/NEW": "release ci\n" }, "release ci");
    const head = (
      await execFileAsync("git", ["rev-parse", "HEAD"], { cwd: repo })
    ).stdout.trim();
    // Not what cap would build here: its bytes show which artifact was taken.
    const ciBuilt = join(tempDir("ci-artifact-"), `${head}.tar.gz`);
    const tree = tempDir("ci-tree-");
    writeFileSync(join(tree, "REVISION"), `${head}\n`);
    writeFileSync(join(tree, "BUILT_BY_CI"), "");
    await execFileAsync("tar", [
      "-czf",
      ciBuilt,
      "-C",
      tree,
      "REVISION",
      "BUILT_BY_CI",
    ]);
    const taken = await build({ CI_ARTIFACT_FILE: ciBuilt });
    assert.equal(
      taken.sha256,
      createHash("sha256").update(readFileSync(ciBuilt)).digest("hex"),
    );
    await commit(repo, { "app/NEW": "release after ci\n" }, "release after ci");
    await assert.rejects(
      build({ CI_ARTIFACT_FILE: ciBuilt }),
      new RegExp(
        `is the release artifact of "${head}", not of [0-9a-f]{40}, the commit to deploy`,
      ),
    );
  });

  it("downloads the artifact the pointer names when its bytes match, and refuses a tampered one before unpacking anything", async () => {
    await commit(repo, { "app/NEW": "release 2\n" }, "release 2");
    const artifact = await build();
    const pointer = await publish(artifact, "20260101000000");
    const appRoot = tempDir("app-root-");
    mkdirSync(join(appRoot, "releases"));

    // The untampered artifact passes the user data's check, byte for byte: its functions (all
    // that comes before it reads the pointer), then its download.
    const downloaded = join(tempDir("download-"), "release.tar.gz");
    const functions = releaseBootScript(
      appYml,
      VALUES,
      `${standIns}:${process.env.PATH}`,
    ).split("\npointer=$(")[0];
    const good = await bash(
      `${functions}\ndownload_release '${JSON.stringify(pointer)}' ${BUCKET} ${downloaded}`,
      { AWS_STAND_IN_DIR: state, E2E_INSTANCE_ID: "i-0e2e0test" },
    );
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(readFileSync(downloaded), readFileSync(artifact.path));

    // Someone with write access swaps the object's bytes: one file of the release changed.
    const object = join(state, "s3", BUCKET, pointer.key!);
    const unpacked = tempDir("tampered-");
    await execFileAsync("tar", ["-xzf", object, "-C", unpacked]);
    writeFileSync(join(unpacked, "app/NEW"), "not what was deployed\n");
    await execFileAsync("tar", ["-czf", object, "-C", unpacked, "."]);
    const tampered = createHash("sha256")
      .update(readFileSync(object))
      .digest("hex");

    const refused = await boot(appRoot);
    assert.notEqual(refused.code, 0);
    assert.equal(
      refused.stderr.trim().split("\n").at(-1),
      `Refusing the release: s3://${BUCKET}/${pointer.key} (version ${pointer.versionId}) has SHA-256 ${tampered}, ` +
        `not the ${artifact.sha256} its deploy published.`,
    );
    assert.deepEqual(readdirSync(join(appRoot, "releases")), []);
    assert.ok(!existsSync(join(appRoot, "current")));
    assert.match(signals(), /^FAILURE i-\S+ WebGroup$/m);
  });

  it("refuses a pointer that names another version of the object, or is a bare key", async () => {
    await commit(repo, { "app/NEW": "release 3\n" }, "release 3");
    const pointer = await publish(await build(), "20260101000001");
    const appRoot = tempDir("app-root-");
    mkdirSync(join(appRoot, "releases"));

    setPointer(JSON.stringify({ ...pointer, versionId: "an-older-version" }));
    const otherVersion = await boot(appRoot);
    assert.notEqual(otherVersion.code, 0);
    assert.match(
      otherVersion.stderr,
      new RegExp(
        `Refusing the release: s3://${BUCKET}/${pointer.key} has no version an-older-version\\.`,
      ),
    );

    setPointer(pointer.key!);
    const bareKey = await boot(appRoot);
    assert.notEqual(bareKey.code, 0);
    assert.match(
      bareKey.stderr,
      /Refusing the release: the pointer is not the JSON a deploy writes: releases\//,
    );
    assert.deepEqual(readdirSync(join(appRoot, "releases")), []);
    assert.equal(signals().match(/^FAILURE /gm)?.length, 2);
  });
});
