// bin/infra, run for real against a stand-in for the AWS CLI (AWS cannot be reached here) that
// answers each state and error a stack can be in: it waits out an operation however long it
// runs, reports what failed in this operation, stops on an error rather than taking it for a
// missing stack, and keeps the app stack's image unless told otherwise.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { copyOfAnswerSetRepo, tempDir, writeRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const execFileAsync = promisify(execFile);

/**
 * Stands in for the AWS CLI v2. A stack's statuses are the lines of $STATE/status/<stack>: each
 * look takes the first, and the last repeats. `absent` is AWS's answer for a missing stack,
 * `error:<message>` any other error. Every call is logged to $STATE/calls; a change set's
 * parameters are kept in $STATE/parameters/<stack>.
 */
const FAKE_AWS = `#!/bin/bash
set -euo pipefail
echo "$*" >>"$STATE/calls"
declare -A opt=()
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do
  [[ \${args[i]} == --* ]] && opt[\${args[i]#--}]=\${args[i + 1]-}
done
stack=\${opt[stack-name]:-}
case "$1 $2" in
  "sts get-caller-identity") echo 123456789012 ;;
  "route53 list-hosted-zones-by-name") echo /hostedzone/Z0000000000 ;;
  "ssm get-parameter") echo ami-0canonicalcurrent ;;
  "cloudformation describe-stacks")
    case "\${opt[query]}" in
      *StackStatus*)
        file="$STATE/status/$stack"
        [ -f "$file" ] || { echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $stack does not exist" >&2; exit 254; }
        status=$(head -n 1 "$file")
        [ "$(wc -l <"$file")" -gt 1 ] && sed -i 1d "$file"
        case "$status" in
          absent) echo "An error occurred (ValidationError) when calling the DescribeStacks operation: Stack with id $stack does not exist" >&2; exit 254 ;;
          error:*) echo "\${status#error:}" >&2; exit 254 ;;
          *) echo "$status" ;;
        esac
        ;;
      *ImageId*) cat "$STATE/image/$stack" 2>/dev/null || echo None ;;
      *LastUpdatedTime*) echo None ;;
      *AlertTopicArn*) cat "$STATE/topic" 2>/dev/null || echo None ;;
      *) exit 99 ;;
    esac
    ;;
  "cloudformation create-change-set")
    printf '%s' "\${opt[parameters]:-}" >"$STATE/parameters/$stack"
    touch "$STATE/change-sets/$stack"
    ;;
  "cloudformation wait") ;;
  "cloudformation delete-change-set") rm -f "$STATE/change-sets/$stack" ;;
  "cloudformation describe-change-set")
    [ -f "$STATE/change-sets/$stack" ] || { echo "An error occurred (ChangeSetNotFound) when calling the DescribeChangeSet operation: ChangeSet [\${opt[change-set-name]}] does not exist" >&2; exit 254; }
    case "\${opt[query]:-}" in
      *ExecutionStatus*) printf 'CREATE_COMPLETE\tAVAILABLE\t2026-01-01T00:00:00+00:00\tNone\n' ;;
      *) echo "(the change set's table)" ;;
    esac
    ;;
  "cloudformation execute-change-set") ;;
  "cloudformation update-termination-protection") ;;
  "cloudformation describe-stack-events") cat "$STATE/events/$stack" ;;
  "sns list-subscriptions-by-topic") cat "$STATE/pending" ;;
  *) echo "aws stand-in: not simulated: $*" >&2; exit 99 ;;
esac
`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  calls: string[];
}

describe("cloudformation part: bin/infra against a stand-in for the AWS CLI", function () {
  this.timeout(120_000);
  let repo: string;
  let state: string;
  let prefix: string;

  before(async function () {
    requireTool(this, ["bash", "jq"]);
    repo = await copyOfAnswerSetRepo("defaults");
    prefix = JSON.parse(
      readFileSync(join(repo, "infra/parameters/staging/app.json"), "utf8"),
    ).StackPrefix;
  });

  beforeEach(() => {
    state = tempDir("infra-aws-");
    writeRepo(state, {
      "bin/aws": FAKE_AWS,
      "status/.keep": "",
      "image/.keep": "",
      "parameters/.keep": "",
      "events/.keep": "",
      "change-sets/.keep": "",
    });
    chmodSync(join(state, "bin/aws"), 0o755);
  });

  function statuses(stack: string, ...lines: string[]) {
    writeFileSync(
      join(state, `status/${prefix}-${stack}`),
      lines.map((line) => `${line}\n`).join(""),
    );
  }

  async function infra(...args: string[]): Promise<Run> {
    const env = {
      PATH: `${state}/bin:${process.env.PATH}`,
      STATE: state,
      INFRA_POLL_SECONDS: "0",
    };
    let result: Omit<Run, "calls">;
    try {
      const { stdout, stderr } = await execFileAsync(
        "bash",
        ["bin/infra", "staging", ...args],
        { cwd: repo, env, maxBuffer: 16 * 1024 * 1024, timeout: 60_000 },
      );
      result = { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      result = failed;
    }
    const log = join(state, "calls");
    const calls = existsSync(log)
      ? readFileSync(log, "utf8").trim().split("\n")
      : [];
    return { ...result, calls };
  }

  const looks = (run: Run, stack: string) =>
    run.calls.filter(
      (call) =>
        call.startsWith("cloudformation describe-stacks") &&
        call.includes(`--stack-name ${prefix}-${stack} `) &&
        call.includes("StackStatus"),
    ).length;

  // `aws cloudformation wait stack-update-complete` gives up after 120 looks, 30 s apart.
  it("waits out an update however long it runs: no fixed limit, one look at a time until it ends", async () => {
    statuses(
      "network",
      "UPDATE_COMPLETE",
      "UPDATE_COMPLETE",
      ...Array<string>(150).fill("UPDATE_IN_PROGRESS"),
      "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS",
      "UPDATE_COMPLETE",
    );
    const run = await infra("network");
    assert.equal(run.code, 0, run.stderr);
    // The plan's look, the apply's before executing, then the wait's.
    assert.equal(looks(run, "network"), 154);
    assert.match(
      run.stdout,
      /UPDATE_IN_PROGRESS\n\s+UPDATE_COMPLETE_CLEANUP_IN_PROGRESS\n\s+UPDATE_COMPLETE\n\s+done/,
    );
    assert.ok(
      !run.calls.some((call) => call.startsWith("cloudformation wait stack")),
    );
  });

  it("fails a rolled-back update with the failures of this operation, the cause first, not older ones", async () => {
    statuses(
      "network",
      "UPDATE_COMPLETE",
      "UPDATE_COMPLETE",
      "UPDATE_IN_PROGRESS",
      "UPDATE_ROLLBACK_IN_PROGRESS",
      "UPDATE_ROLLBACK_COMPLETE",
    );
    const name = `${prefix}-network`;
    const event = (id: string, status: string, reason = "") => ({
      LogicalResourceId: id,
      ResourceStatus: status,
      ResourceStatusReason: reason,
    });
    writeFileSync(
      join(state, `events/${name}`),
      JSON.stringify({
        // Newest first, as AWS lists them.
        StackEvents: [
          event(name, "UPDATE_ROLLBACK_COMPLETE"),
          event("NatGatewayB", "UPDATE_FAILED", "Resource update cancelled"),
          event("NatGatewayA", "UPDATE_FAILED", "The elastic IP is in use"),
          event(name, "UPDATE_IN_PROGRESS", "User Initiated"),
          event(name, "UPDATE_COMPLETE"),
          event("Vpc", "UPDATE_FAILED", "an earlier operation's failure"),
          event(name, "UPDATE_IN_PROGRESS", "User Initiated"),
        ],
      }),
    );
    const run = await infra("network");
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /NatGatewayA UPDATE_FAILED: The elastic IP is in use\n\s+NatGatewayB UPDATE_FAILED: Resource update cancelled\n$/,
    );
    assert.doesNotMatch(run.stderr, /earlier operation/);
  });

  it("stops on an error reading a stack (expired credentials) instead of taking it for a missing stack and creating it", async () => {
    statuses(
      "network",
      "error:An error occurred (ExpiredToken) when calling the DescribeStacks operation: The security token included in the request is expired",
    );
    const run = await infra("network");
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /Cannot read the state of .*-network.*ExpiredToken/,
    );
    assert.ok(!run.calls.some((call) => call.includes("create-change-set")));
  });

  it("creates a stack that does not exist, and waits for its creation", async () => {
    statuses(
      "network",
      "absent",
      "REVIEW_IN_PROGRESS",
      "CREATE_IN_PROGRESS",
      "CREATE_COMPLETE",
    );
    const run = await infra("network");
    assert.equal(run.code, 0, run.stderr);
    assert.ok(
      run.calls.some((call) => call.includes("--change-set-type CREATE")),
    );
    assert.match(run.stdout, /CREATE_COMPLETE\n\s+done/);
  });

  it("refuses a busy stack, and one whose rollback failed, saying what to do", async () => {
    statuses("network", "UPDATE_IN_PROGRESS");
    const busy = await infra("network");
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /busy \(UPDATE_IN_PROGRESS\): run again once/);
    statuses("network", "UPDATE_ROLLBACK_FAILED");
    const stuck = await infra("network");
    assert.equal(stuck.code, 1);
    assert.match(stuck.stderr, /aws cloudformation continue-update-rollback/);
    for (const run of [busy, stuck])
      assert.ok(!run.calls.some((call) => call.includes("create-change-set")));
  });

  it("retries a throttled look while waiting, and stops on any other error saying the operation carries on", async () => {
    statuses(
      "network",
      "UPDATE_COMPLETE",
      "UPDATE_COMPLETE",
      "UPDATE_IN_PROGRESS",
      "error:An error occurred (Throttling) when calling the DescribeStacks operation: Rate exceeded",
      "UPDATE_COMPLETE",
    );
    const throttled = await infra("network");
    assert.equal(throttled.code, 0, throttled.stderr);
    statuses(
      "network",
      "UPDATE_COMPLETE",
      "UPDATE_COMPLETE",
      "UPDATE_IN_PROGRESS",
      "error:An error occurred (ExpiredToken) when calling the DescribeStacks operation: expired",
    );
    const expired = await infra("network");
    assert.equal(expired.code, 1);
    assert.match(expired.stderr, /ExpiredToken[^]*operation carries on/);
  });

  it("ends every run with a warning while the alarm subscription is unconfirmed, and none once it is", async () => {
    statuses("network", "UPDATE_COMPLETE");
    writeFileSync(
      join(state, "topic"),
      "arn:aws:sns:us-east-1:123456789012:demo-staging-app-AlertTopic-X",
    );
    writeFileSync(join(state, "pending"), "1");
    const unconfirmed = await infra("--plan", "network");
    assert.equal(unconfirmed.code, 0, unconfirmed.stderr);
    assert.match(
      unconfirmed.stderr,
      /warning: .* has not confirmed the alarm subscription: no alarm reaches anyone/,
    );
    writeFileSync(join(state, "pending"), "0");
    const confirmed = await infra("--plan", "network");
    assert.doesNotMatch(confirmed.stderr, /alarm subscription/);
  });

  it("keeps the app stack's image: an update passes the AMI it runs; a new stack, or --new-image, Canonical's current one", async () => {
    const image = async (...args: string[]) => {
      await infra("plan", "image-check", ...args, "app");
      const parameters = JSON.parse(
        readFileSync(join(state, `parameters/${prefix}-app`), "utf8"),
      ) as { ParameterKey: string; ParameterValue: string }[];
      return parameters.find((p) => p.ParameterKey === "ImageId")
        ?.ParameterValue;
    };
    statuses("app", "UPDATE_COMPLETE");
    writeFileSync(join(state, `image/${prefix}-app`), "ami-0running");
    assert.equal(await image(), "ami-0running");
    assert.equal(await image("--new-image"), "ami-0canonicalcurrent");
    statuses("app", "absent");
    assert.equal(await image(), "ami-0canonicalcurrent");
  });
});
