// Values only the github part's templates need. Every third-party action and tool is pinned
// here, once, so the three workflows agree and a bump is one edit.
import {
  DEPLOY_ROLE_MAX_SESSION_SECONDS,
  type Context,
  type EnvironmentContext,
} from "../../context.js";
import { HOSTS_VARIABLE } from "../capistrano/context.js";

/**
 * `owner/repo@<full commit SHA> # <release>`: a commit cannot be moved the way a tag can, and
 * Dependabot updates both the SHA and the comment. Each SHA was checked against the release it
 * names (Dependabot's own compare links and independent pins of the same release).
 */
export const ACTIONS = {
  checkout:
    "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1",
  setupRuby:
    "ruby/setup-ruby@89f90524b88a01fe6e0b732220432cc6142926af # v1.313.0",
  awsCredentials:
    "aws-actions/configure-aws-credentials@cbe3b392738ccf3f987d68400dafcf4b0624a56c # v6.2.4",
  uploadArtifact:
    "actions/upload-artifact@ea165f8d65b6e75b540449e92b4886f43607fa02 # v4.6.2",
} as const;

/**
 * The release artifact CI builds from each commit pushed to main (a GitHub Actions artifact
 * named `<prefix><commit>`), which the deploy workflow fetches by GitHub's SHA-256 of it.
 */
const RELEASE_ARTIFACT = {
  job: "Release artifact",
  namePrefix: "release-",
  retentionDays: 90,
} as const;

/**
 * rhysd/actionlint's own image, which bundles shellcheck for `run:` blocks, pinned by digest. CI
 * runs it from .github/linters/Dockerfile, where Dependabot can update it: it updates no
 * `docker://` step.
 */
export const ACTIONLINT_IMAGE =
  "rhysd/actionlint:1.7.12@sha256:b1934ee5f1c509618f2508e6eb47ee0d3520686341fec936f3b79331f9315667";

/** CI's jobs, by id, with the names that branch protection requires as status checks. */
const CI_JOB_NAMES = {
  scan: "Security scans",
  lint: "RuboCop",
  test: "Tests",
  infra: "CloudFormation and workflow lint",
} as const;

/**
 * AWS's Session Manager plugin (1.2.764.0 is the oldest AWS still supports), downloaded by
 * version and checked against the SHA-256 of each architecture's package.
 */
const SESSION_MANAGER_PLUGIN = {
  version: "1.2.835.0",
  sha256: {
    x64: "7c6dcad12518571cc7959a713e6a8ae1bdf6ed66fd9bee37dc189e39ca58ae03",
    arm64: "0add94c4c8b6ca63f26e44fd655d662b0f6455a268b5b9ebebee0f462214e928",
  },
} as const;

/**
 * The deploy role's longest session (its MaxSessionDuration, set by the CloudFormation part).
 * A job asks for credentials that last as long as the job may, and so may last no longer.
 */
const ROLE_MAX_SESSION_MINUTES = DEPLOY_ROLE_MAX_SESSION_SECONDS / 60;

/**
 * A deploy's time limit: building the release on the hosts, then a restart and a health check
 * per host, one host at a time. Generous on purpose (a timeout cuts a rollout in half), but
 * well below GitHub's 6 hours, so that a hung session does not hold the environment's lock.
 */
const DEPLOY_MINUTES_BASE = 20;
const DEPLOY_MINUTES_PER_HOST = 6;

/** Stack updates: rolling the instances one at a time, modifying the database. */
const INFRA_TIMEOUT_MINUTES = 180;

/**
 * Creating change sets, once an update in progress has finished (a longer one fails the planning:
 * run it again). The planning role keeps IAM's default longest session, an hour.
 */
const PLAN_TIMEOUT_MINUTES = 60;
const PLAN_ROLE_MAX_SESSION_MINUTES = 60;

/** A job that assumes the deploy role, for at most its own time limit. */
interface AwsJob extends EnvironmentContext {
  timeoutMinutes: number;
  /** role-duration-seconds: the credentials outlast the job, whatever it does. */
  sessionSeconds: number;
  /**
   * The concurrency group of every job that changes the environment, in the deploy and the
   * infrastructure workflows alike: an instance replacement never runs during a rollout.
   */
  changeLock: string;
}

interface DeployJob extends AwsJob {
  url: string;
}

interface InfraJob extends AwsJob {
  /** The apply job that must succeed first: production's stacks change after staging's. */
  after: string | false;
  /** The stacks bin/infra changes, in its order. */
  stacks: string[];
  /** The job that creates the change sets, with the planning role and no GitHub environment. */
  plan: {
    timeoutMinutes: number;
    sessionSeconds: number;
    /**
     * The repository variable holding the environment's plan role: a job outside a GitHub
     * environment reads no environment's variables, and each environment has its own role.
     */
    roleVariable: string;
  };
}

/**
 * The stack that holds the deploy role itself (with the CloudFormation role): the deploy role
 * cannot change it, so an administrator runs bin/infra for it, and for the account stack.
 */
const ADMINISTRATOR_STACK = "deploy";

function timeLimits(minutes: number, roleMaxMinutes: number) {
  const timeoutMinutes = Math.min(minutes, roleMaxMinutes);
  return { timeoutMinutes, sessionSeconds: timeoutMinutes * 60 };
}

function awsJob(env: EnvironmentContext, minutes: number): AwsJob {
  return {
    ...env,
    ...timeLimits(minutes, ROLE_MAX_SESSION_MINUTES),
    changeLock: `change-${env.name}`,
  };
}

function deployJob(env: EnvironmentContext): DeployJob {
  const minutes = DEPLOY_MINUTES_BASE + DEPLOY_MINUTES_PER_HOST * env.asgMax;
  return { ...awsJob(env, minutes), url: `https://${env.host}` };
}

function infraJob(env: EnvironmentContext, context: Context): InfraJob {
  const after =
    env.isProduction && context.staging ? context.staging.name : false;
  return {
    ...awsJob(env, INFRA_TIMEOUT_MINUTES),
    after,
    stacks: env.stacks.filter((stack) => stack !== ADMINISTRATOR_STACK),
    plan: {
      ...timeLimits(PLAN_TIMEOUT_MINUTES, PLAN_ROLE_MAX_SESSION_MINUTES),
      roleVariable: `AWS_PLAN_ROLE_ARN_${env.name.toUpperCase()}`,
    },
  };
}

export function githubContext(context: Context) {
  return {
    actions: ACTIONS,
    actionlintImage: ACTIONLINT_IMAGE,
    ciJobNames: CI_JOB_NAMES,
    // Only the jobs ci.yml has: a required check that never reports blocks every merge.
    ciChecks: Object.entries(CI_JOB_NAMES)
      .filter(([job]) => job !== "lint" || context.uses.rubocop)
      .map(([, name]) => name),
    releaseArtifact: RELEASE_ARTIFACT,
    // The artifact is built with any environment's Capistrano config: it is the same commit.
    artifactStage: context.environments[0]!.name,
    noHostsVariable: HOSTS_VARIABLE,
    sessionManagerPlugin: SESSION_MANAGER_PLUGIN,
    // Each region a stack goes to, once: the environments', the CDN certificate's and the
    // backup copies'. cfn-lint checks that every resource type exists there.
    cfnLintRegions: [
      ...new Set([
        ...context.environments.map((env) => env.region),
        context.edgeRegion,
        ...context.environments
          .map((env) => env.backupCopyRegion)
          .filter((copy) => copy !== ""),
      ]),
    ],
    deployJobs: context.environments.map(deployJob),
    infraJobs: context.environments.map((env) => infraJob(env, context)),
    // A manual deploy defaults to the environment that is safer to get wrong.
    dispatchDefault: (context.staging || context.environments[0]!).name,
  };
}
