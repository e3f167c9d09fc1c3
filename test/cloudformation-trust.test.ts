// Which GitHub tokens the generated roles trust, from the answers, and the generated bin/infra
// refusing, before it changes anything, to deploy a trust of no real repository or an
// environment into an account other than its own.
import assert from "node:assert/strict";
import { parseCloudFormationFile } from "../check/cloudformation/template.js";
import { RepoFile } from "../check/repo.js";
import { fakeAccount, runInfra } from "./helpers/fake-aws.js";
import { join } from "node:path";
import {
  answerSetRepo,
  generateRepo,
  runCli,
  tempDir,
} from "./helpers/repo.js";
const IDS = ["--github-owner-id", "1111", "--github-repository-id", "2222"];
const REPOSITORY = ["--github-repository", "acme/board"];

/** The conditions of a deploy-stack role's trust. */
function trustConditions(repo: string, role: string): unknown {
  const body = parseCloudFormationFile(
    new RepoFile(repo, "infra/cloudformation/deploy.yml"),
  ).body as Record<string, Record<string, Record<string, any>>>;
  return body.Resources![role]!.Properties.AssumeRolePolicyDocument.Statement[0]
    .Condition;
}

/**
 * Runs the generated bin/infra against the AWS CLI stand-in, in an account with no hosted zone
 * (a run that gets that far stops there), and returns the AWS calls it made.
 */
function infraCalls(repo: string, args: string[], account = "111122223333") {
  const run = runInfra(repo, fakeAccount({ account, hostedZones: [] }), args);
  return { ...run, awsCalls: run.state.calls };
}

describe("cloudformation part: the roles' GitHub trust, and bin/infra's refusals", function () {
  this.timeout(120_000);

  /** A real repository with both IDs, each environment in an account of its own. */
  let withIds: string;
  before(async () => {
    withIds = await generateRepo([
      ...REPOSITORY,
      ...IDS,
      ...["--production-account-id", "111111111111"],
      ...["--staging-account-id", "222222222222"],
    ]);
  });

  it("trusts the immutable subject with both IDs, and checks the ID claims too", () => {
    const repo = withIds;
    assert.deepEqual(trustConditions(repo, "DeployRole"), {
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": {
          "Fn::Sub":
            "repo:acme@1111/board@2222:environment:${GitHubEnvironment}",
        },
        "token.actions.githubusercontent.com:repository_owner_id": "1111",
        "token.actions.githubusercontent.com:repository_id": "2222",
      },
    });
    assert.deepEqual(trustConditions(repo, "PlanRole"), {
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": [
          "repo:acme@1111/board@2222:pull_request",
          "repo:acme@1111/board@2222:ref:refs/heads/main",
        ],
        "token.actions.githubusercontent.com:repository_owner_id": "1111",
        "token.actions.githubusercontent.com:repository_id": "2222",
      },
    });
  });

  it("trusts the legacy subject only when asked, keeping the ID claims when they are known", async () => {
    const repo = await generateRepo([
      ...REPOSITORY,
      ...IDS,
      ...["--github-oidc-subject", "legacy"],
    ]);
    const conditions = trustConditions(repo, "DeployRole") as {
      StringEquals: Record<string, unknown>;
    };
    assert.deepEqual(
      conditions.StringEquals["token.actions.githubusercontent.com:sub"],
      { "Fn::Sub": "repo:acme/board:environment:${GitHubEnvironment}" },
    );
    assert.equal(
      conditions.StringEquals[
        "token.actions.githubusercontent.com:repository_id"
      ],
      "2222",
    );
  });

  it("refuses one ID without the other, and IDs without a repository, naming the flags", async () => {
    const dir = join(tempDir(), "demo");
    const oneId = await runCli([
      dir,
      ...["--domain", "example.com", ...REPOSITORY],
      ...["--github-owner-id", "1111"],
    ]);
    assert.equal(oneId.code, 1);
    assert.match(oneId.stderr, /--github-repository-id.*both IDs or neither/);
    const noRepository = await runCli([dir, "--domain", "example.com", ...IDS]);
    assert.equal(noRepository.code, 1);
    assert.match(
      noRepository.stderr,
      /--github-owner-id.*set --github-repository too/,
    );
  });

  it("bin/infra refuses to deploy a trust of a placeholder, saying how to set the repository, before any AWS call", async () => {
    const placeholder = await answerSetRepo("defaults");
    const run = infraCalls(placeholder, ["production", "deploy"]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /trust your-org\/demo, a placeholder/);
    assert.match(
      run.stderr,
      /--github-repository OWNER\/NAME --github-owner-id ID/,
    );
    assert.deepEqual(run.awsCalls, []);

    const noIds = await generateRepo(REPOSITORY);
    const withoutIds = infraCalls(noIds, ["staging"]);
    assert.equal(withoutIds.code, 1);
    assert.match(
      withoutIds.stderr,
      /gh api repos\/acme\/board --jq '\.owner\.id, \.id'/,
    );
    assert.match(withoutIds.stderr, /--github-oidc-subject legacy/);
    assert.deepEqual(withoutIds.awsCalls, []);
  });

  it("bin/infra deploys an environment only into its own account", async () => {
    const repo = withIds;
    const wrong = infraCalls(repo, ["production"], "222222222222");
    assert.equal(wrong.code, 1);
    assert.match(
      wrong.stderr,
      /production lives in AWS account 111111111111, but these credentials are of account 222222222222/,
    );
    assert.deepEqual(wrong.awsCalls, [
      "sts get-caller-identity --query Account --output text",
    ]);
    // In its own account it goes on to look the hosted zone up (and, here, finds none).
    const right = infraCalls(repo, ["staging"], "222222222222");
    assert.ok(
      right.awsCalls.some((call) => call.startsWith("route53 ")),
      right.stderr,
    );
  });
});
