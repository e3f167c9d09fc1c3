// Runs the generated bin/infra against test/fixtures/cloudformation/fake-aws.mjs, the stand-in for
// the AWS CLI (AWS cannot be reached here), from a state the test writes and reads back.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../../core/paths.js";
import { tempDir } from "./repo.js";

const FAKE_AWS = join(packageRoot, "test/fixtures/cloudformation/fake-aws.mjs");

/** The region the stacks of the repos these tests run bin/infra in live in. */
export const REGION = "us-east-1";
export const LONG_AGO = "2025-01-01T00:00:00+00:00";

/** An AWS error as the CLI reports it. */
export interface AwsError {
  code: string;
  message: string;
}

export interface FakeChangeSet {
  ChangeSetName: string;
  Status: string;
  ExecutionStatus: string;
  CreationTime: string;
  StatusReason?: string;
  Changes?: unknown[];
  /** The create-change-set call's options. */
  request?: { parameters?: string };
  /** The template CloudFormation read: the file passed by body, or the upload passed by URL. */
  template?: string;
}

export interface FakeStack {
  StackStatus: string;
  CreationTime?: string;
  LastUpdatedTime?: string;
  Parameters?: { ParameterKey: string; ParameterValue: string }[];
  Outputs?: { OutputKey: string; OutputValue: string }[];
  /** What the next looks see, one each: a status or an error; the stack stays in the last. */
  looks?: (string | AwsError)[];
}

export interface FakeInstance {
  InstanceId: string;
  PrivateIpAddress: string;
  PublicIpAddress?: string;
  State: { Name: string };
  Tags: { Key: string; Value: string }[];
}

export interface FakeAwsState {
  account: string;
  hostedZones: unknown[];
  oidcProvider: boolean;
  /** Seconds since 2026-01-01: one more at each call. */
  clock: number;
  /** By `<region>/<stack name>`. */
  stacks: Record<string, FakeStack>;
  /** By `<region>/<stack name>/<change set name>`. */
  changeSets: Record<string, FakeChangeSet>;
  /** What a change set created for a stack holds, or the reason it fails. */
  plans: Record<string, { changes?: unknown[]; fails?: string }>;
  /** The looks of a stack's operation once a change set is executed (default: in progress, then complete). */
  executions: Record<string, { looks?: (string | AwsError)[] }>;
  events?: Record<string, unknown[]>;
  /** Subscriptions by topic ARN. */
  subscriptions?: Record<string, { SubscriptionArn: string }[]>;
  /** SSM parameters by name (Canonical's image parameters answer by themselves). */
  parameters?: Record<string, string>;
  instances?: FakeInstance[];
  /** S3 uploads (templates) by `<bucket>/<key>`, with their SHA-256 in base64. */
  objects?: Record<string, { Body: string; ChecksumSHA256: string }>;
  /** Operations (`describe-stacks`) that fail at every call. */
  failing?: Record<string, AwsError>;
  calls: string[];
}

export interface AwsRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The stand-in's state after the run. */
  state: FakeAwsState;
}

export type InfraRun = AwsRun;

export const stackKey = (stack: string) => `${REGION}/${stack}`;

/** A stack that has been in `status` since long ago. */
export function deployedStack(
  status = "UPDATE_COMPLETE",
  more: Partial<FakeStack> = {},
): FakeStack {
  return {
    StackStatus: status,
    CreationTime: LONG_AGO,
    LastUpdatedTime: LONG_AGO,
    ...more,
  };
}

/** The deploy stack of the environment whose stacks are named `<prefix>-<stack>`: bin/infra uploads the others' templates to its bucket. */
export function deployStack(prefix: string): Record<string, FakeStack> {
  return {
    [stackKey(`${prefix}-deploy`)]: deployedStack("UPDATE_COMPLETE", {
      Outputs: [
        {
          OutputKey: "TemplateBucketName",
          OutputValue: `${prefix}-deploy-templatebucket-1a2b3c4d`,
        },
      ],
    }),
  };
}

/** An account with a public hosted zone for example.com, GitHub's OIDC provider and no stack. */
export function fakeAccount(changes: Partial<FakeAwsState> = {}): FakeAwsState {
  return {
    account: "123456789012",
    hostedZones: [
      {
        Id: "/hostedzone/Z0EXAMPLE",
        Name: "example.com.",
        Config: { PrivateZone: false },
      },
    ],
    oidcProvider: true,
    clock: 0,
    stacks: {},
    changeSets: {},
    plans: {},
    executions: {},
    calls: [],
    ...changes,
  };
}

/** Runs a command with the stand-in as `aws` on its PATH, from state, and reads the state back. */
export function runWithFakeAws(
  state: FakeAwsState,
  command: string,
  args: string[],
  cwd?: string,
): AwsRun {
  const bin = tempDir("fake-aws-");
  writeFileSync(
    join(bin, "aws"),
    `#!/bin/sh\nexec "${process.execPath}" "${FAKE_AWS}" "$@"\n`,
    { mode: 0o755 },
  );
  const statePath = join(bin, "state.json");
  writeFileSync(statePath, JSON.stringify(state));
  const run = spawnSync(command, args, {
    cwd,
    input: "",
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    timeout: 120_000,
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      FAKE_AWS_STATE: statePath,
      INFRA_POLL_SECONDS: "0",
    },
  });
  return {
    code: run.status,
    stdout: run.stdout,
    stderr: run.stderr,
    state: JSON.parse(readFileSync(statePath, "utf8")) as FakeAwsState,
  };
}

/** Runs `bin/infra args` in repo. */
export const runInfra = (
  repo: string,
  state: FakeAwsState,
  args: string[],
): InfraRun => runWithFakeAws(state, join(repo, "bin/infra"), args, repo);

/** The calls of a CloudFormation operation (`execute-change-set`) the run made. */
export const cloudformationCalls = (run: InfraRun, operation: string) =>
  run.state.calls.filter((call) =>
    call.startsWith(`cloudformation ${operation} `),
  );
