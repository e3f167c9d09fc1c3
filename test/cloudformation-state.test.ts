// Who owns the state that must outlive any stack operation: the release new instances install,
// the app's secret_key_base, the database. Read from what is generated for every answer set, and
// the boot's release lookup run against a stand-in for the AWS CLI.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { renderSub } from "../check/cloudformation/user-data.js";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo, tempDir, writeRepo } from "./helpers/repo.js";
import { STACKS, templateResources } from "./helpers/templates.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

describe("cloudformation part: state that stack updates and deletions never destroy", function () {
  this.timeout(120_000);
  const repos = new Map<string, string>();
  before(async () => {
    for (const name of Object.keys(answerSets))
      repos.set(name, await answerSetRepo(name));
  });

  it("leaves the current-release parameter to the deploy: no stack creates it, so no update puts a stack's value back", () => {
    for (const [name, repo] of repos)
      for (const stack of STACKS)
        for (const [id, resource] of Object.entries(
          templateResources(repo, stack),
        ))
          assert.ok(
            resource.Type !== "AWS::SSM::Parameter" ||
              resource.Properties?.Name !== "CurrentReleaseParameterName",
            `${name}: ${stack}.yml ${id} owns the current-release parameter`,
          );
  });

  it("keeps secret_key_base when the data stack is deleted or the secret replaced", () => {
    for (const [name, repo] of repos) {
      const secret = templateResources(repo, "data").SecretKeyBase!;
      assert.deepEqual(
        [secret.DeletionPolicy, secret.UpdateReplacePolicy],
        ["Retain", "Retain"],
        name,
      );
    }
  });

  it("snapshots the database and keeps the buckets, on deletion and on replacement", () => {
    for (const [name, repo] of repos)
      for (const stack of STACKS)
        for (const [id, resource] of Object.entries(
          templateResources(repo, stack),
        )) {
          const keep =
            resource.Type === "AWS::S3::Bucket"
              ? "Retain"
              : resource.Type === "AWS::RDS::DBInstance" &&
                  !resource.Properties?.SourceDBInstanceIdentifier
                ? "Snapshot"
                : undefined;
          if (!keep) continue;
          assert.deepEqual(
            [resource.DeletionPolicy, resource.UpdateReplacePolicy],
            [keep, keep],
            `${name}: ${stack}.yml ${id}`,
          );
        }
  });

  it("never protects the read replica from deletion, so that turning the replica off succeeds", () => {
    for (const [name, repo] of repos) {
      const replica = templateResources(repo, "data").ReadReplicaDatabase!;
      assert.equal(replica.Properties!.DeletionProtection, false, name);
    }
  });
});

/**
 * Stand-in for the AWS CLI, which cannot reach AWS here: `ssm get-parameter` answers as
 * $PARAMETER says: a value, the error AWS gives for a missing parameter, or a refusal.
 */
const FAKE_AWS = `#!/bin/bash
case "$PARAMETER" in
  missing) echo "An error occurred (ParameterNotFound) when calling the GetParameter operation: " >&2; exit 254 ;;
  denied) echo "An error occurred (AccessDeniedException) when calling the GetParameter operation: not authorized" >&2; exit 254 ;;
  *) echo "$PARAMETER" ;;
esac
`;

describe("cloudformation part: a new instance's lookup of the current release, with a stand-in for the AWS CLI", function () {
  this.timeout(60_000);
  let dir: string;
  let lookup: string;

  before(async function () {
    requireTool(this, "bash");
    const repo = await answerSetRepo("defaults");
    const userData = (
      templateResources(repo, "app").LaunchTemplate!.Properties!
        .LaunchTemplateData as { UserData: { "Fn::Base64": [string] } }
    ).UserData["Fn::Base64"][0];
    const script = renderSub(userData);
    const start = script.indexOf("current_release_pointer() {");
    assert.ok(start >= 0, "the user data defines current_release_pointer");
    lookup = script.slice(start, script.indexOf("\n}\n", start) + 3);
    dir = tempDir("release-lookup-");
    writeRepo(dir, { "bin/aws": FAKE_AWS });
    chmodSync(join(dir, "bin/aws"), 0o755);
  });

  async function lookUp(parameter: string) {
    try {
      const { stdout } = await execFileAsync(
        "bash",
        [
          "-c",
          `set -Eeuo pipefail; region=us-east-1\n${lookup}\npointer=$(current_release_pointer); echo "pointer=[$pointer]"`,
        ],
        {
          env: { PATH: `${dir}/bin:${process.env.PATH}`, PARAMETER: parameter },
        },
      );
      return { ok: true, stdout, stderr: "" };
    } catch (error) {
      const failed = error as { stdout: string; stderr: string };
      return { ok: false, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it("installs the release the parameter names", async () => {
    const pointer = JSON.stringify({
      release: "20260101000000",
      key: `releases/${"a".repeat(40)}-${"b".repeat(16)}.tar.gz`,
      sha256: "c".repeat(64),
      versionId: "v1",
    });
    const answer = await lookUp(pointer);
    assert.deepEqual(
      [answer.ok, answer.stdout.trim()],
      [true, `pointer=[${pointer}]`],
    );
  });

  it("boots without the app before the first deploy, when the parameter does not exist yet", async () => {
    const answer = await lookUp("missing");
    assert.deepEqual([answer.ok, answer.stdout.trim()], [true, "pointer=[]"]);
  });

  it("fails the boot, with AWS's message, on any other error (a refusal must not read as no release)", async () => {
    const answer = await lookUp("denied");
    assert.equal(answer.ok, false);
    assert.match(answer.stderr, /AccessDeniedException/);
  });
});
