// The generated bin/infra, run against test/fixtures/cloudformation/fake-aws.mjs standing in for
// the AWS CLI: plan creates named change sets and executes nothing; apply executes exactly the
// named ones and refuses stale ones; discard cleans a pull request's previews. (Waiting out a
// stack's operation, and the refusals of any run, are bin-infra.test.ts's.)
import assert from "node:assert/strict";
import {
  cloudformationCalls as calls,
  deployedStack,
  deployStack,
  fakeAccount,
  runInfra,
  stackKey as stackKeyOf,
  type FakeAwsState,
  type FakeChangeSet,
  type InfraRun,
} from "./helpers/fake-aws.js";
import { generateRepo } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

const NO_CHANGES =
  "The submitted information didn't contain changes. Submit different information to create a change set.";
/** The fake's clock starts here and moves a second per call. */
const BEFORE_THE_FAKE_CLOCK = "2025-12-31T23:59:00+00:00";
const AFTER_THE_FAKE_CLOCK = "2026-06-01T00:00:00+00:00";

const stackKey = (stack: string) => stackKeyOf(`demo-staging-${stack}`);

/** An account with staging's network stack deployed long ago and nothing else. */
function account(changes: Partial<FakeAwsState> = {}): FakeAwsState {
  return fakeAccount({
    ...changes,
    stacks: {
      ...deployStack("demo-staging"),
      [stackKey("network")]: deployedStack(),
      ...changes.stacks,
    },
  });
}

/** A change set of staging's network stack in the given state, created before the fake's clock. */
function networkChangeSet(
  name: string,
  changes: Partial<FakeChangeSet> = {},
): Record<string, FakeChangeSet> {
  return {
    [`${stackKey("network")}/${name}`]: {
      ChangeSetName: name,
      Status: "CREATE_COMPLETE",
      ExecutionStatus: "AVAILABLE",
      CreationTime: BEFORE_THE_FAKE_CLOCK,
      Changes: [],
      ...changes,
    },
  };
}

describe("bin/infra, against a stand-in for the AWS CLI", function () {
  let repo: string;

  before(async function () {
    requireTool(this, "jq");
    repo = await generateRepo(["--github-repository", "acme/demo"]);
  });

  const infra = (state: FakeAwsState, args: string[]): InfraRun =>
    runInfra(repo, state, args);

  it("plan creates the named change sets, waits for them, shows their changes, and executes nothing", () => {
    const run = infra(
      account({
        plans: {
          "demo-staging-network": {
            changes: [
              {
                ResourceChange: {
                  Action: "Modify",
                  LogicalResourceId: "NatGateway",
                  ResourceType: "AWS::EC2::NatGateway",
                  Replacement: "True",
                },
              },
            ],
          },
        },
      }),
      ["staging", "plan", "main-0a1b2c", "network", "data"],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /demo-staging-network \(us-east-1\): change set main-0a1b2c \(UPDATE\)\n.*"Action":"Modify","Resource":"NatGateway","Type":"AWS::EC2::NatGateway","Replacement":"True"/,
    );
    // The data stack does not exist yet: its change set creates it.
    assert.match(
      run.stdout,
      /demo-staging-data \(us-east-1\): change set main-0a1b2c \(CREATE\)/,
    );
    assert.deepEqual(
      Object.keys(run.state.changeSets),
      [stackKey("network"), stackKey("data")].map(
        (key) => `${key}/main-0a1b2c`,
      ),
    );
    for (const changeSet of Object.values(run.state.changeSets))
      assert.equal(changeSet.Status, "CREATE_COMPLETE");
    assert.deepEqual(calls(run, "execute-change-set"), []);
    // The stacks after the deploy stack run as the CloudFormation role.
    for (const create of calls(run, "create-change-set"))
      assert.match(
        create,
        /--role-arn arn:aws:iam::123456789012:role\/demo-staging-cloudformation/,
      );
  });

  it("plan passes the public hosted zone of the domain, not a private zone of the same name", () => {
    const run = infra(
      account({
        hostedZones: [
          {
            Id: "/hostedzone/Z0PRIVATE",
            Name: "example.com.",
            Config: { PrivateZone: true },
          },
          {
            Id: "/hostedzone/Z0PUBLIC",
            Name: "example.com.",
            Config: { PrivateZone: false },
          },
        ],
      }),
      ["staging", "plan", "main-0a1b2c", "app"],
    );
    assert.equal(run.code, 0, run.stderr);
    const request =
      run.state.changeSets[`${stackKey("app")}/main-0a1b2c`]!.request!;
    const parameters = JSON.parse(request.parameters!) as {
      ParameterKey: string;
      ParameterValue: string;
    }[];
    assert.equal(
      parameters.find((p) => p.ParameterKey === "HostedZoneId")?.ParameterValue,
      "Z0PUBLIC",
    );
  });

  it("plan run again under the same name replaces the earlier, stale change set", () => {
    const run = infra(
      account({
        changeSets: networkChangeSet("main-0a1b2c", {
          ExecutionStatus: "OBSOLETE",
        }),
      }),
      ["staging", "plan", "main-0a1b2c", "network"],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /replacing the earlier change set main-0a1b2c/);
    assert.deepEqual(
      run.state.calls
        .filter((call) => / (delete|create)-change-set /.test(call))
        .map((call) => call.split(" ")[1]),
      ["delete-change-set", "create-change-set"],
    );
    const replaced =
      run.state.changeSets[`${stackKey("network")}/main-0a1b2c`]!;
    assert.deepEqual(
      [replaced.Status, replaced.ExecutionStatus],
      ["CREATE_COMPLETE", "AVAILABLE"],
    );
  });

  it("apply executes exactly the named change set, though the stack has others", () => {
    const run = infra(
      account({
        changeSets: {
          ...networkChangeSet("main-0a1b2c"),
          ...networkChangeSet("pr-7-ffff00"),
        },
      }),
      ["staging", "apply", "main-0a1b2c", "network"],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(calls(run, "execute-change-set"), [
      `cloudformation execute-change-set --region us-east-1 --stack-name demo-staging-network --change-set-name main-0a1b2c`,
    ]);
    assert.equal(
      run.state.stacks[stackKey("network")]!.StackStatus,
      "UPDATE_COMPLETE",
    );
    assert.match(run.stdout, /UPDATE_COMPLETE\n\s+done/);
    assert.deepEqual(calls(run, "create-change-set"), []);
  });

  it("apply refuses a change set created before the stack last changed, and executes nothing", () => {
    const state = account({ changeSets: networkChangeSet("main-0a1b2c") });
    state.stacks[stackKey("network")]!.LastUpdatedTime = AFTER_THE_FAKE_CLOCK;
    const run = infra(state, ["staging", "apply", "main-0a1b2c", "network"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /refused: stale\. demo-staging-network changed at 2026-06-01T00:00:00\+00:00, after change set main-0a1b2c was created/,
    );
    assert.match(
      run.stderr,
      /Plan again: bin\/infra staging plan <new name> network/,
    );
    assert.deepEqual(calls(run, "execute-change-set"), []);
  });

  for (const [status, execution, reason] of [
    ["CREATE_COMPLETE", "OBSOLETE", ""],
    ["CREATE_COMPLETE", "EXECUTE_FAILED", ""],
    ["CREATE_IN_PROGRESS", "UNAVAILABLE", ""],
    [
      "FAILED",
      "UNAVAILABLE",
      "Template format error: unresolved resource dependency",
    ],
  ] as const) {
    it(`apply refuses a change set that is ${status}, execution ${execution}`, () => {
      const run = infra(
        account({
          changeSets: networkChangeSet("main-0a1b2c", {
            Status: status,
            ExecutionStatus: execution,
            ...(reason ? { StatusReason: reason } : {}),
          }),
        }),
        ["staging", "apply", "main-0a1b2c", "network"],
      );
      assert.equal(run.code, 1);
      assert.ok(
        run.stderr.includes(
          `refused: change set main-0a1b2c is ${status}, execution ${execution}${reason ? ` (${reason})` : ""}; only a complete, available one runs.`,
        ),
        run.stderr,
      );
      assert.deepEqual(calls(run, "execute-change-set"), []);
    });
  }

  it("apply refuses a change set that was never planned, saying how to plan it", () => {
    const run = infra(account(), [
      "staging",
      "apply",
      "main-0a1b2c",
      "network",
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /refused: no change set main-0a1b2c to execute: An error occurred \(ChangeSetNotFound\)/,
    );
    assert.match(
      run.stderr,
      /Create it first: bin\/infra staging plan main-0a1b2c network/,
    );
    assert.deepEqual(calls(run, "execute-change-set"), []);
  });

  it("a plan without changes is kept for apply, which deletes it and executes nothing", () => {
    const planned = infra(
      account({ plans: { "demo-staging-network": { fails: NO_CHANGES } } }),
      ["staging", "plan", "main-0a1b2c", "network"],
    );
    assert.equal(planned.code, 0, planned.stderr);
    assert.match(planned.stdout, /no changes/);
    const applied = infra(planned.state, [
      "staging",
      "apply",
      "main-0a1b2c",
      "network",
    ]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, /no changes/);
    assert.deepEqual(calls(applied, "execute-change-set"), []);
    assert.deepEqual(applied.state.changeSets, {});
  });

  it("apply fails when the update rolls back, showing the failed resources", () => {
    const run = infra(
      account({
        changeSets: networkChangeSet("main-0a1b2c"),
        executions: {
          "demo-staging-network": {
            looks: ["UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE"],
          },
        },
        events: {
          "demo-staging-network": [
            {
              LogicalResourceId: "NatGateway",
              ResourceStatus: "UPDATE_FAILED",
              ResourceStatusReason: "Elastic IP address limit exceeded",
            },
          ],
        },
      }),
      ["staging", "apply", "main-0a1b2c", "network"],
    );
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /demo-staging-network failed; what failed in this operation/,
    );
    assert.match(
      run.stderr,
      /NatGateway UPDATE_FAILED: Elastic IP address limit exceeded/,
    );
  });

  it("discard deletes a pull request's change sets, and no other pull request's", () => {
    const run = infra(
      account({
        changeSets: {
          ...networkChangeSet("pr-12-0a1b2c"),
          ...networkChangeSet("pr-12-3d4e5f"),
          ...networkChangeSet("pr-123-0a1b2c"),
          ...networkChangeSet("main-0a1b2c"),
        },
      }),
      ["staging", "discard", "pr-12", "network"],
    );
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(
      Object.keys(run.state.changeSets).map((key) => key.split("/").at(-1)),
      ["pr-123-0a1b2c", "main-0a1b2c"],
    );
  });

  it("stops on an AWS error other than a missing stack, rather than plan to create the stack", () => {
    const denied = {
      code: "AccessDenied",
      message: "not authorized to perform describe-stacks",
    };
    const run = infra(account({ failing: { "describe-stacks": denied } }), [
      "staging",
      "plan",
      "main-0a1b2c",
      "network",
    ]);
    assert.equal(run.code, 1);
    assert.match(run.stderr, /AccessDenied/);
    assert.deepEqual(calls(run, "create-change-set"), []);
  });

  it("refuses a bad change set name or an unknown stack before calling AWS", () => {
    const badName = infra(account(), ["staging", "apply", "1-main", "network"]);
    assert.equal(badName.code, 64);
    assert.match(
      badName.stderr,
      /needs a change set name: a letter, then letters, digits and hyphens/,
    );
    const unknown = infra(account(), ["staging", "plan", "main-1", "database"]);
    assert.equal(unknown.code, 64);
    assert.match(
      unknown.stderr,
      /Unknown stack "database" for staging; its stacks are: account deploy network data app/,
    );
    assert.deepEqual([...badName.state.calls, ...unknown.state.calls], []);
  });
});
