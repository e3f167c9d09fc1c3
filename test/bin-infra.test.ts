// bin/infra, run for real against test/fixtures/cloudformation/fake-aws.mjs standing in for the
// AWS CLI (AWS cannot be reached here), which answers each state and error a stack can be in: it
// waits out an operation however long it runs, reports what failed in this operation, stops on
// an error rather than taking it for a missing stack, and keeps the app stack's image unless told
// otherwise.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  cloudformationCalls,
  deployedStack,
  deployStack,
  fakeAccount,
  runInfra,
  stackKey,
  type AwsError,
  type FakeAwsState,
  type InfraRun,
} from "./helpers/fake-aws.js";
import { answerSetRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const PREFIX = "demo-staging";
const THROTTLED: AwsError = { code: "Throttling", message: "Rate exceeded" };
const EXPIRED: AwsError = {
  code: "ExpiredToken",
  message: "The security token included in the request is expired",
};

/** An account with staging's deploy stack, whose bucket bin/infra passes the other templates through. */
const stagingAccount = (changes: Partial<FakeAwsState> = {}): FakeAwsState =>
  fakeAccount({
    ...changes,
    stacks: { ...deployStack(PREFIX), ...changes.stacks },
  });

/** An account where staging's stack `stack` is in `status`, and its next operation looks as `looks`. */
function accountWith(
  stack: string,
  status: string,
  looks?: (string | AwsError)[],
  changes: Partial<FakeAwsState> = {},
): FakeAwsState {
  const name = `${PREFIX}-${stack}`;
  return stagingAccount({
    stacks: { [stackKey(name)]: deployedStack(status) },
    executions: looks ? { [name]: { looks } } : {},
    ...changes,
  });
}

describe("cloudformation part: bin/infra against a stand-in for the AWS CLI", function () {
  this.timeout(120_000);
  let repo: string;

  before(async function () {
    requireTool(this, ["bash", "jq", "openssl"]);
    repo = await answerSetRepo("defaults");
  });

  const infra = (state: FakeAwsState, ...args: string[]): InfraRun =>
    runInfra(repo, state, ["staging", ...args]);

  /** The looks at a stack's status the run took. */
  const looks = (run: InfraRun, stack: string) =>
    cloudformationCalls(run, "describe-stacks").filter(
      (call) =>
        call.includes(`--stack-name ${PREFIX}-${stack} `) &&
        call.includes("StackStatus"),
    ).length;

  // `aws cloudformation wait stack-update-complete` gives up after 120 looks, 30 s apart.
  it("waits out an update however long it runs: no fixed limit, one look at a time until it ends", () => {
    const run = infra(
      accountWith("network", "UPDATE_COMPLETE", [
        ...Array<string>(150).fill("UPDATE_IN_PROGRESS"),
        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
        "UPDATE_COMPLETE",
      ]),
      "network",
    );
    assert.equal(run.code, 0, run.stderr);
    // The plan's look, the apply's before executing, then the wait's.
    assert.equal(looks(run, "network"), 154);
    assert.match(
      run.stdout,
      /UPDATE_IN_PROGRESS\n\s+UPDATE_COMPLETE_CLEANUP_IN_PROGRESS\n\s+UPDATE_COMPLETE\n\s+done/,
    );
    assert.deepEqual(
      cloudformationCalls(run, "wait stack-update-complete"),
      [],
    );
  });

  it("fails a rolled-back update with the failures of this operation, the cause first, not older ones", () => {
    const name = `${PREFIX}-network`;
    const event = (id: string, status: string, reason = "") => ({
      LogicalResourceId: id,
      ResourceStatus: status,
      ResourceStatusReason: reason,
    });
    const run = infra(
      accountWith(
        "network",
        "UPDATE_COMPLETE",
        [
          "UPDATE_IN_PROGRESS",
          "UPDATE_ROLLBACK_IN_PROGRESS",
          "UPDATE_ROLLBACK_COMPLETE",
        ],
        {
          events: {
            // Newest first, as AWS lists them.
            [name]: [
              event(name, "UPDATE_ROLLBACK_COMPLETE"),
              event(
                "NatGatewayB",
                "UPDATE_FAILED",
                "Resource update cancelled",
              ),
              event("NatGatewayA", "UPDATE_FAILED", "The elastic IP is in use"),
              event(name, "UPDATE_IN_PROGRESS", "User Initiated"),
              event(name, "UPDATE_COMPLETE"),
              event("Vpc", "UPDATE_FAILED", "an earlier operation's failure"),
              event(name, "UPDATE_IN_PROGRESS", "User Initiated"),
            ],
          },
        },
      ),
      "network",
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /NatGatewayA UPDATE_FAILED: The elastic IP is in use\n\s+NatGatewayB UPDATE_FAILED: Resource update cancelled\n$/,
    );
    assert.doesNotMatch(run.stderr, /earlier operation/);
  });

  it("stops on an error reading a stack (expired credentials) instead of taking it for a missing stack and creating it", () => {
    const run = infra(
      accountWith("network", "UPDATE_COMPLETE", undefined, {
        failing: { "describe-stacks": EXPIRED },
      }),
      "network",
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Cannot read the state of .*-network[^]*ExpiredToken/,
    );
    assert.deepEqual(cloudformationCalls(run, "create-change-set"), []);
  });

  it("creates a stack that does not exist, and waits for its creation", () => {
    const run = infra(stagingAccount(), "network");
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      cloudformationCalls(run, "create-change-set").join("\n"),
      /--change-set-type CREATE/,
    );
    assert.match(run.stdout, /CREATE_COMPLETE\n\s+done/);
    assert.equal(
      run.state.stacks[stackKey(`${PREFIX}-network`)]!.StackStatus,
      "CREATE_COMPLETE",
    );
  });

  it("deploys the backup copies' vault in the copy region, before the data stack that copies to it", async () => {
    const copyRepo = await answerSetRepo("backup copy to another region");
    const run = runInfra(copyRepo, stagingAccount(), [
      "staging",
      "backup-vault",
      "data",
    ]);
    assert.equal(run.code, 0, run.stderr);
    const [vault, data] = cloudformationCalls(run, "create-change-set");
    // By body (no template bucket in that region), as the CloudFormation role.
    assert.match(
      vault!,
      /--region eu-west-1 --stack-name demo-staging-backup-vault .*--template-body file:\/\/infra\/cloudformation\/backup-vault\.yml [^]*--role-arn arn:aws:iam::\d+:role\/demo-staging-cloudformation/,
    );
    assert.match(data!, /--region us-east-1 --stack-name demo-staging-data /);
    assert.match(
      data!,
      /"ParameterKey": "BackupCopyRegion",\s*"ParameterValue": "eu-west-1"/,
    );
    assert.equal(
      run.state.stacks[`eu-west-1/${PREFIX}-backup-vault`]!.StackStatus,
      "CREATE_COMPLETE",
    );
  });

  it("refuses a busy stack, and one whose rollback failed, saying what to do", () => {
    const busy = infra(accountWith("network", "UPDATE_IN_PROGRESS"), "network");
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /busy \(UPDATE_IN_PROGRESS\): run again once/);
    const stuck = infra(
      accountWith("network", "UPDATE_ROLLBACK_FAILED"),
      "network",
    );
    assert.equal(stuck.code, 1);
    assert.match(stuck.stderr, /aws cloudformation continue-update-rollback/);
    for (const run of [busy, stuck])
      assert.deepEqual(cloudformationCalls(run, "create-change-set"), []);
  });

  it("retries a throttled look while waiting, and stops on any other error saying the operation carries on", () => {
    const throttled = infra(
      accountWith("network", "UPDATE_COMPLETE", [
        "UPDATE_IN_PROGRESS",
        THROTTLED,
        "UPDATE_COMPLETE",
      ]),
      "network",
    );
    assert.equal(throttled.code, 0, throttled.stderr);
    const expired = infra(
      accountWith("network", "UPDATE_COMPLETE", [
        "UPDATE_IN_PROGRESS",
        EXPIRED,
      ]),
      "network",
    );
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, /ExpiredToken[^]*operation carries on/);
  });

  it("ends every run with a warning while the alarm subscription is unconfirmed, and none once it is", () => {
    const topic = `arn:aws:sns:us-east-1:123456789012:${PREFIX}-app-AlertTopic-X`;
    const account = (subscription: string) =>
      stagingAccount({
        stacks: {
          [stackKey(`${PREFIX}-network`)]: deployedStack(),
          [stackKey(`${PREFIX}-app`)]: deployedStack("UPDATE_COMPLETE", {
            Outputs: [{ OutputKey: "AlertTopicArn", OutputValue: topic }],
          }),
        },
        subscriptions: { [topic]: [{ SubscriptionArn: subscription }] },
      });
    // A workflow's plan and an administrator's run alike.
    const runs = [["plan", "alarm-check", "network"], ["network"]];
    for (const args of runs) {
      const unconfirmed = infra(account("PendingConfirmation"), ...args);
      assert.equal(unconfirmed.code, 0, unconfirmed.stderr);
      assert.match(
        unconfirmed.stderr,
        /warning: .* has not confirmed the alarm subscription: no alarm reaches anyone/,
      );
      const confirmed = infra(account(`${topic}:0a1b2c`), ...args);
      assert.equal(confirmed.code, 0, confirmed.stderr);
      assert.doesNotMatch(confirmed.stderr, /alarm subscription/);
    }
  });

  it("keeps the app stack's image: an update passes the AMI it runs; a new stack, or --new-image, Canonical's current one", () => {
    const app = stackKey(`${PREFIX}-app`);
    const image = (state: FakeAwsState, ...args: string[]) => {
      const run = infra(state, "plan", "image-check", ...args, "app");
      assert.equal(run.code, 0, run.stderr);
      const parameters = JSON.parse(
        run.state.changeSets[`${app}/image-check`]!.request!.parameters!,
      ) as { ParameterKey: string; ParameterValue: string }[];
      return parameters.find((p) => p.ParameterKey === "ImageId")
        ?.ParameterValue;
    };
    const running = stagingAccount({
      stacks: {
        [app]: deployedStack("UPDATE_COMPLETE", {
          Parameters: [
            { ParameterKey: "ImageId", ParameterValue: "ami-0running" },
          ],
        }),
      },
    });
    assert.equal(image(running), "ami-0running");
    assert.equal(image(running, "--new-image"), "ami-0canonicalcurrent");
    assert.equal(image(stagingAccount()), "ami-0canonicalcurrent");
  });

  it("passes the app stack's template by S3 URL: uploaded once under its SHA-256, and a key holding another template is refused", () => {
    const template = readFileSync(join(repo, "infra/cloudformation/app.yml"));
    const sha256 = createHash("sha256").update(template);
    const bucket = `${PREFIX}-deploy-templatebucket-1a2b3c4d`;
    const object = `${bucket}/templates/app/${sha256.copy().digest("hex")}.yml`;
    const plan = (state: FakeAwsState) =>
      infra(state, "plan", "template-check", "app");

    const first = plan(stagingAccount());
    assert.equal(first.code, 0, first.stderr);
    const [created] = cloudformationCalls(first, "create-change-set");
    assert.match(
      created!,
      new RegExp(
        `--template-url https://${bucket}\\.s3\\.us-east-1\\.amazonaws\\.com/templates/app/[0-9a-f]{64}\\.yml`,
      ),
    );
    assert.doesNotMatch(created!, /--template-body/);
    assert.equal(
      first.state.changeSets[`${stackKey(`${PREFIX}-app`)}/template-check`]!
        .template,
      template.toString(),
      "the change set is made from the generated app.yml",
    );
    assert.deepEqual(Object.keys(first.state.objects!), [object]);

    // Planned again: the stored upload is this template, and is used.
    const again = plan(stagingAccount({ objects: first.state.objects! }));
    assert.equal(again.code, 0, again.stderr);
    assert.equal(cloudformationCalls(again, "create-change-set").length, 1);

    const planted = plan(
      stagingAccount({
        objects: {
          [object]: {
            Body: "Resources: {}\n",
            ChecksumSHA256: createHash("sha256")
              .update("Resources: {}\n")
              .digest("base64"),
          },
        },
      }),
    );
    assert.notEqual(planted.code, 0);
    assert.match(
      planted.stderr,
      /templates\/app\/[0-9a-f]{64}\.yml holds another template than infra\/cloudformation\/app\.yml/,
    );
    assert.deepEqual(cloudformationCalls(planted, "create-change-set"), []);
  });

  it("refuses to plan a stack passed by URL until the deploy stack has its template bucket, saying who deploys it", () => {
    const run = infra(fakeAccount(), "plan", "template-check", "network");
    assert.notEqual(run.code, 0);
    assert.match(
      run.stderr,
      /template bucket of demo-staging-deploy, which cannot be found: .*does not exist\nAn administrator deploys that stack first: bin\/infra staging deploy/,
    );
    assert.deepEqual(cloudformationCalls(run, "create-change-set"), []);
  });
});
