// The generated workflows, parsed: they follow the answers (environments, redis, shell access,
// regions), keep to least privilege and pinned actions, never interpolate an expression into a
// script, and the workflow checks catch an error planted in them for every answer set.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import helpers from "yeoman-test";
import { checkRepo } from "../check/check.js";
import { actionlint } from "../check/validators/actionlint.js";
import { workflowShellcheck } from "../check/validators/workflow-shellcheck.js";
import { resolveAnswers } from "../core/answers.js";
import { deriveContext } from "../core/context.js";
import { cfnLint as cfnLintData } from "../core/data.js";
import {
  ACTIONLINT_IMAGE,
  githubContext,
} from "../core/parts/github/context.js";
import { packageRoot } from "../core/paths.js";
import { generateRepo, readTree, runCli, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Job {
  name: string;
  if?: string;
  needs?: string[];
  "timeout-minutes": number;
  environment?: string | { name: string; url: string };
  permissions: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress": boolean | string };
  services?: Record<string, { image: string }>;
  env?: Record<string, unknown>;
  steps: Step[];
}

interface Workflow {
  name: string;
  on: Record<string, any>;
  permissions: Record<string, string>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const WORKFLOWS = ["ci", "deploy", "infra"] as const;
type WorkflowName = (typeof WORKFLOWS)[number];

interface Generated {
  dir: string;
  text: Record<WorkflowName, string>;
  workflow: Record<WorkflowName, Workflow>;
}

const workflowPath = (dir: string, name: WorkflowName) =>
  join(dir, `.github/workflows/${name}.yml`);

async function generate(args: string[]): Promise<Generated> {
  const dir = await generateRepo(args);
  const text = Object.fromEntries(
    WORKFLOWS.map((name) => [
      name,
      readFileSync(workflowPath(dir, name), "utf8"),
    ]),
  ) as Record<WorkflowName, string>;
  const workflow = Object.fromEntries(
    WORKFLOWS.map((name) => [name, parse(text[name]) as Workflow]),
  ) as Record<WorkflowName, Workflow>;
  return { dir, text, workflow };
}

const steps = (generated: Generated) =>
  WORKFLOWS.flatMap((name) =>
    Object.values(generated.workflow[name].jobs).flatMap((job) => job.steps),
  );
const stepNamed = (job: Job, name: string) =>
  job.steps.find((step) => step.name === name);
const runs = (job: Job) => job.steps.flatMap((step) => step.run ?? []);
const PLUGIN_STEP = "Install the Session Manager plugin";

/**
 * Runs a step's script with bash beside a bin/infra that only records its arguments (the step
 * is tested, not bin/infra): the bin/infra commands it ran, one line each.
 */
function runStep(script: string, env: Record<string, string>): string[] {
  const dir = tempDir();
  mkdirSync(join(dir, "bin"));
  const calls = join(dir, "calls");
  writeFileSync(
    join(dir, "bin/infra"),
    `#!/bin/bash\necho "$*" >>${JSON.stringify(calls)}\n`,
    { mode: 0o755 },
  );
  execFileSync("bash", ["-euo", "pipefail", "-c", script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      CHANGE_SET: "main-abc",
      GITHUB_STEP_SUMMARY: join(dir, "summary"),
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return readFileSync(calls, "utf8").trim().split("\n");
}
const assumedRole = (job: Job) =>
  job.steps.find((step) =>
    step.uses?.startsWith("aws-actions/configure-aws-credentials@"),
  )?.with?.["role-to-assume"] as string | undefined;
const DEPLOY_STEP = "Deploy";
const CLOSE_BASTION_STEP = "Close the bastion to this runner";
/**
 * The stacks a workflow changes: every one but the account's and the deploy roles' (an
 * administrator's), in order; only production has a CDN, whose certificate is the edge stack's;
 * the alarms watch the app, so the monitoring stack comes last.
 */
const infraStacks = (env: string) =>
  [
    ...(env === "production" ? ["edge"] : []),
    ...["network", "data", "app", "monitoring"],
  ].join(" ");

/** Answer sets that change the workflows, and the environments (with their regions) they have. */
const answerSets: Record<
  string,
  { args: string[]; regions: Record<string, string> }
> = {
  defaults: {
    args: [],
    regions: { production: "us-east-1", staging: "us-east-1" },
  },
  "staging only, no scheduled replacement": {
    args: ["--environments", "staging", "--instance-replacement", "off"],
    regions: { staging: "us-east-1" },
  },
  "production only, replaced on Saturdays": {
    args: [
      ...["--environments", "production"],
      ...["--instance-replacement", "Sat 03:45"],
    ],
    regions: { production: "us-east-1" },
  },
  "redis, bastion, other regions": {
    args: [
      ...["--cable-adapter", "redis", "--shell-access", "bastion"],
      ...[
        "--production-region",
        "eu-central-1",
        "--staging-region",
        "eu-west-1",
      ],
    ],
    regions: { production: "eu-central-1", staging: "eu-west-1" },
  },
};

for (const [setName, { args, regions }] of Object.entries(answerSets)) {
  const environments = Object.keys(regions);

  describe(`github part, ${setName}: the workflows`, () => {
    let generated: Generated;
    before(async () => {
      generated = await generate(args);
    });

    it("deploy exactly the chosen environments, each through its GitHub environment, region and Capistrano stage", () => {
      const { deploy } = generated.workflow;
      assert.deepEqual(Object.keys(deploy.jobs), environments);
      assert.deepEqual(
        deploy.on.workflow_dispatch.inputs.environment.options,
        environments,
      );
      for (const env of environments) {
        const job = deploy.jobs[env]!;
        assert.deepEqual(job.environment, {
          name: env,
          url: `https://${env === "production" ? "" : `${env}.`}example.com`,
        });
        const credentials = job.steps.find((step) =>
          step.uses?.startsWith("aws-actions/configure-aws-credentials@"),
        )!;
        assert.equal(
          credentials.with!["role-to-assume"],
          "${{ vars.AWS_DEPLOY_ROLE_ARN }}",
        );
        assert.equal(credentials.with!["aws-region"], regions[env]);
        assert.equal(
          stepNamed(job, DEPLOY_STEP)!.run,
          `bundle exec cap ${env} deploy`,
        );
        // Checkout, then the deploy, of the commit this run is for.
        assert.equal(
          job.steps.find((step) => step.uses?.startsWith("actions/checkout@"))!
            .with!.ref,
          "${{ env.REVISION }}",
        );
      }
    });

    it("deploy staging after CI passes on main, production from a v* tag, and either by hand", () => {
      const { deploy, ci } = generated.workflow;
      assert.equal(
        deploy.on.workflow_dispatch.inputs.environment.default,
        environments.includes("staging") ? "staging" : "production",
      );
      if (environments.includes("staging")) {
        assert.deepEqual(deploy.on.workflow_run, {
          workflows: [ci.name],
          types: ["completed"],
          branches: ["main"],
        });
        assert.match(
          deploy.jobs.staging!.if!,
          /github\.event\.workflow_run\.conclusion == 'success'/,
        );
      } else assert.equal(deploy.on.workflow_run, undefined);
      if (environments.includes("production")) {
        assert.deepEqual(deploy.on.push, { tags: ["v*"] });
        assert.equal(
          deploy.jobs.production!.if,
          "github.event_name == 'push' || inputs.environment == 'production'",
        );
      } else assert.equal(deploy.on.push, undefined);
    });

    it("change each environment one job at a time, deploys and stack updates alike, never cancelling one", () => {
      const { deploy, infra } = generated.workflow;
      for (const env of environments) {
        const lock = { group: `change-${env}`, "cancel-in-progress": false };
        assert.deepEqual(deploy.jobs[env]!.concurrency, lock);
        assert.deepEqual(infra.jobs[`apply-${env}`]!.concurrency, lock);
        // Plans change nothing: a newer push to a pull request cancels its older preview.
        assert.deepEqual(infra.jobs[`plan-${env}`]!.concurrency, {
          group: `infra-plan-${env}-\${{ github.ref }}`,
          "cancel-in-progress": "${{ github.event_name == 'pull_request' }}",
        });
      }
    });

    it("deploy to production only a commit of main whose CI passed; to staging nothing older than it runs", () => {
      const { deploy } = generated.workflow;
      for (const env of environments) {
        const job = deploy.jobs[env]!;
        const checkout = job.steps.find((step) =>
          step.uses?.startsWith("actions/checkout@"),
        )!;
        // The whole history: where the commit stands.
        assert.equal(checkout.with!["fetch-depth"], 0);
        const gate = job.steps[job.steps.indexOf(checkout) + 1]!;
        const later = job.steps.slice(job.steps.indexOf(gate) + 1);
        if (env === "production") {
          assert.equal(
            gate.name,
            "Check that the commit is on main and passed CI",
          );
          // Every trigger: a tag, or a run by hand.
          assert.equal(gate.if, undefined);
          assert.match(
            gate.run!,
            /git merge-base --is-ancestor "\$REVISION" origin\/main/,
          );
          assert.match(
            gate.run!,
            /actions\/workflows\/ci\.yml\/runs\?head_sha=\$REVISION&branch=main&event=push&status=success/,
          );
          for (const step of later)
            if (step.name !== CLOSE_BASTION_STEP)
              assert.equal(step.if, undefined, step.name);
        } else {
          assert.equal(
            gate.name,
            `Skip a commit older than the one ${env} runs`,
          );
          assert.equal(gate.if, "github.event_name == 'workflow_run'");
          for (const step of later)
            if (step.name !== CLOSE_BASTION_STEP)
              assert.equal(
                step.if,
                "steps.newest.outputs.skip != 'true'",
                step.name,
              );
        }
        // Closed also after a failed or cancelled deploy, but not when it never started
        // (a skipped staging run opened nothing).
        const close = stepNamed(job, CLOSE_BASTION_STEP);
        if (args.includes("bastion")) {
          assert.equal(job.steps.at(-1), close);
          assert.equal(
            close!.if,
            "always() && steps.deploy.outcome != 'skipped'",
          );
          assert.equal(close!.run, `bundle exec cap ${env} bastion:close`);
        } else assert.equal(close, undefined);
      }
    });

    /** The Gemfile's deploy group alone (no development or test gem), restoring no cache. */
    function installsDeployGemsAfresh(job: Job) {
      assert.equal(job.env!.BUNDLE_ONLY, "deploy");
      const ruby = job.steps.find((step) =>
        step.uses?.startsWith("ruby/setup-ruby@"),
      )!;
      assert.equal(ruby.with, undefined);
      assert.ok(runs(job).includes("bundle install"));
      assert.ok(
        !job.steps.some((step) => step.uses?.startsWith("actions/cache")),
      );
    }

    it("install only the deploy's gems, afresh from Gemfile.lock, restoring no cache", () => {
      for (const job of Object.values(generated.workflow.deploy.jobs)) {
        assert.equal(job.env!.BUNDLE_DEPLOYMENT, "true");
        installsDeployGemsAfresh(job);
      }
    });

    it("deploy the artifact CI built once from the commit, fetched by its digest before cap runs; CI builds it on main only, from no cache", () => {
      const ci = generated.workflow.ci.jobs.artifact!;
      assert.equal(ci.if, "github.event_name == 'push'");
      assert.equal(ci.env!.REVISION, "${{ github.sha }}");
      installsDeployGemsAfresh(ci);
      assert.ok(
        runs(ci).some((run) =>
          /^bundle exec cap \w+ git_archive:build$/.test(run),
        ),
      );
      const upload = ci.steps.find((step) =>
        step.uses?.startsWith("actions/upload-artifact@"),
      )!;
      assert.equal(upload.with!.name, "release-${{ github.sha }}");
      for (const [env, job] of Object.entries(generated.workflow.deploy.jobs)) {
        const names = job.steps.map((step) => step.name);
        const fetch = names.indexOf(
          "Fetch the release artifact CI built from this commit, by its digest",
        );
        assert.ok(fetch >= 0 && fetch < names.indexOf("Deploy"), env);
        assert.match(job.steps[fetch]!.run!, /sha256sum --check --strict/);
        assert.match(job.steps[fetch]!.run!, /CI_ARTIFACT_FILE=/);
      }
    });

    it("install the Session Manager plugin only when the hosts are reached over SSM", () => {
      const bastion = args.includes("bastion");
      for (const job of Object.values(generated.workflow.deploy.jobs)) {
        assert.equal(stepNamed(job, PLUGIN_STEP) === undefined, bastion);
      }
    });

    it("preview change sets on pull requests with the plan role, outside any environment, and delete them", () => {
      const { infra } = generated.workflow;
      const paths = ["infra/**", "bin/infra", ".github/workflows/infra.yml"];
      assert.deepEqual(infra.on.pull_request, {
        types: ["opened", "synchronize", "reopened", "closed"],
        paths,
      });
      assert.deepEqual(infra.on.push, { branches: ["main"], paths });
      assert.deepEqual(
        Object.keys(infra.jobs),
        environments.flatMap((env) => [`plan-${env}`, `apply-${env}`]),
      );
      for (const env of environments) {
        const plan = infra.jobs[`plan-${env}`]!;
        assert.equal(plan.environment, undefined);
        assert.equal(
          plan.if,
          "github.ref == 'refs/heads/main' || github.event_name == 'workflow_dispatch' || github.event.pull_request.head.repo.full_name == github.repository",
        );
        assert.equal(
          assumedRole(plan),
          `\${{ vars.AWS_PLAN_ROLE_ARN_${env.toUpperCase()} }}`,
        );
        assert.equal(
          infra.env!.CHANGE_SET,
          "${{ github.event_name == 'pull_request' && format('pr-{0}-{1}', github.event.pull_request.number, github.sha) || github.event_name == 'push' && format('main-{0}', github.sha) || format('new-image-{0}', github.run_id) }}",
        );
        const stacks = infraStacks(env);
        const create = stepNamed(plan, "Create the change sets and show them")!;
        assert.equal(create.if, "github.event.action != 'closed'");
        assert.deepEqual(runStep(create.run!, { NEW_IMAGE: "false" }), [
          `${env} plan main-abc ${stacks}`,
        ]);
        const discard = stepNamed(plan, "Delete the preview's change sets")!;
        assert.equal(
          discard.if,
          "always() && github.event_name == 'pull_request'",
        );
        assert.equal(
          plan.env!.PREVIEWS,
          "pr-${{ github.event.pull_request.number }}",
        );
        assert.equal(
          discard.run,
          `bin/infra ${env} discard "$PREVIEWS" ${stacks}`,
        );
        // Nothing in a plan job executes a change set.
        assert.ok(!runs(plan).some((run) => / apply /.test(run)));
      }
    });

    it("on main, apply in the environment exactly the change sets its plan job made, production after staging", () => {
      const { infra } = generated.workflow;
      // The CloudFormation part's script, with the interface these jobs call.
      assert.match(
        readFileSync(join(generated.dir, "bin/infra"), "utf8"),
        /^# +bin\/infra <environment> apply <name> \[stack \.\.\.\] +execute change sets <name>, unless stale$/m,
      );
      for (const env of environments) {
        const apply = infra.jobs[`apply-${env}`]!;
        assert.equal(apply.if, "github.ref == 'refs/heads/main'");
        assert.equal(apply.environment, env);
        assert.deepEqual(apply.needs, [
          `plan-${env}`,
          ...(env === "production" && environments.includes("staging")
            ? ["apply-staging"]
            : []),
        ]);
        assert.equal(assumedRole(apply), "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
        assert.deepEqual(
          runStep(stepNamed(apply, "Execute the planned change sets")!.run!, {
            NEW_IMAGE: "false",
          }),
          [`${env} apply main-abc ${infraStacks(env)}`],
        );
      }
    });

    it("replace every instance on the answered weekly schedule, or by hand from main: the app stack alone on Canonical's newest image, through the plan and apply jobs", () => {
      const { infra } = generated.workflow;
      const flag = args.indexOf("--instance-replacement");
      const answered = flag < 0 ? undefined : args[flag + 1];
      const cron =
        answered === "off"
          ? undefined
          : answered === "Sat 03:45"
            ? "45 3 * * 6"
            : "30 9 * * 2";
      assert.deepEqual(infra.on.schedule, cron && [{ cron }]);
      assert.equal(
        generated.text.infra.includes("every week ("),
        cron !== undefined,
      );
      assert.ok("workflow_dispatch" in infra.on);
      assert.equal(
        infra.env!.NEW_IMAGE,
        "${{ github.event_name == 'schedule' || github.event_name == 'workflow_dispatch' }}",
      );
      for (const env of environments) {
        const plan = infra.jobs[`plan-${env}`]!;
        // A run by hand from another branch fails, saying so, before any credentials.
        const refuse = plan.steps[0]!;
        assert.equal(
          refuse.if,
          "github.event_name == 'workflow_dispatch' && github.ref != 'refs/heads/main'",
        );
        assert.match(refuse.run!, /exit 1/);
        const replacement = { NEW_IMAGE: "true", CHANGE_SET: "new-image-42" };
        assert.deepEqual(
          runStep(
            stepNamed(plan, "Create the change sets and show them")!.run!,
            replacement,
          ),
          [`${env} plan new-image-42 --new-image app`],
        );
        const apply = infra.jobs[`apply-${env}`]!;
        assert.deepEqual(
          runStep(
            stepNamed(apply, "Execute the planned change sets")!.run!,
            replacement,
          ),
          [`${env} apply new-image-42 app`],
        );
        // As every change to the environment: under its lock, in its GitHub environment.
        assert.deepEqual(apply.concurrency, {
          group: `change-${env}`,
          "cancel-in-progress": false,
        });
        assert.equal(apply.environment, env);
      }
    });

    it("assume the deploy role only in a GitHub environment, and the plan role only outside one", () => {
      for (const name of ["deploy", "infra"] as const) {
        for (const [id, job] of Object.entries(generated.workflow[name].jobs)) {
          const role = assumedRole(job);
          if (role === "${{ vars.AWS_DEPLOY_ROLE_ARN }}")
            assert.ok(job.environment, `${name}: ${id}`);
          else {
            assert.match(role!, /^\$\{\{ vars\.AWS_PLAN_ROLE_ARN_[A-Z]+ \}\}$/);
            assert.equal(job.environment, undefined, `${name}: ${id}`);
          }
        }
      }
    });

    it("list every GitHub setting they rely on in docs/GITHUB.md, which the README links", () => {
      const doc = readFileSync(join(generated.dir, "docs/GITHUB.md"), "utf8");
      // Branch protection requires CI's jobs by their names.
      for (const job of Object.values(generated.workflow.ci.jobs))
        assert.ok(doc.includes(`\`${job.name}\``), job.name);
      // Every variable a workflow reads.
      const variables = Object.values(generated.text)
        .flatMap((text) => [...text.matchAll(/vars\.(\w+)/g)])
        .map((match) => match[1]!);
      assert.ok(variables.length > 0);
      for (const variable of new Set(variables))
        assert.ok(doc.includes(`\`${variable}\``), variable);
      // Each environment, with the branches and tags it accepts.
      for (const env of environments)
        assert.ok(doc.includes(`\`${env}\``), env);
      assert.equal(
        doc.includes("`refs/tags/v*`"),
        environments.includes("production"),
      );
      assert.match(
        readFileSync(join(generated.dir, "README.md"), "utf8"),
        /\[`docs\/GITHUB\.md`\]\(docs\/GITHUB\.md\)/,
      );
    });

    it("test against PostgreSQL 17, and Redis when chosen, with the database variables Rails reads", () => {
      const test = generated.workflow.ci.jobs.test!;
      const redis = args.includes("redis");
      assert.deepEqual(Object.keys(test.services!), [
        "postgres",
        ...(redis ? ["redis"] : []),
      ]);
      assert.equal(test.services!.postgres!.image, "postgres:17");
      // The test environment inherits database.yml's `default` connection settings.
      const database = readFileSync(
        join(generated.dir, "config/database.yml"),
        "utf8",
      );
      const defaults = database.slice(
        database.indexOf("default: &default"),
        database.indexOf("\n\n", database.indexOf("default: &default")),
      );
      const read = [...defaults.matchAll(/ENV(?:\.fetch\(|\[)"(DB_\w+)"/g)];
      assert.deepEqual(
        Object.keys(test.env!).filter((name) => name.startsWith("DB_")),
        read.map((match) => match[1]),
      );
      assert.equal(test.env!.REDIS_URL !== undefined, redis);
      assert.deepEqual(runs(test), [
        "bin/rails db:test:prepare",
        "bin/rails test",
        "bin/rails zeitwerk:check",
      ]);
      // Eager loading as production boots: the class of error tests, which load lazily, miss.
      const boot = test.steps!.find(
        (step) => step.run === "bin/rails zeitwerk:check",
      );
      assert.equal(boot?.env?.RAILS_ENV, "production");
    });

    it("scan, lint, and lint the CloudFormation templates for the regions they deploy to", () => {
      const { ci } = generated.workflow;
      assert.deepEqual(Object.keys(ci.jobs), [
        "scan",
        "lint",
        "test",
        "infra",
        "artifact",
      ]);
      assert.deepEqual(runs(ci.jobs.scan!), [
        "bin/brakeman --no-pager",
        "bin/bundler-audit check --update",
        "bin/importmap audit",
      ]);
      assert.equal(
        ci.jobs.scan!.steps.at(-1)!.if,
        "hashFiles('config/importmap.rb') != ''",
      );
      assert.deepEqual(runs(ci.jobs.lint!), ["bin/rubocop --format github"]);
      // The binstubs it runs are the Rails part's.
      for (const command of Object.values(ci.jobs).flatMap(runs)) {
        const program = /^bin\/[\w-]+/.exec(command)?.[0];
        if (program)
          assert.ok(existsSync(join(generated.dir, program)), program);
      }
      const [cfnLint, actionlintRun] = runs(ci.jobs.infra!);
      const uniqueRegions = [
        ...new Set([...Object.values(regions), "us-east-1"]),
      ].join(" ");
      assert.ok(cfnLint!.includes(`--regions ${uniqueRegions} --`), cfnLint);
      // The linters' versions, where Dependabot updates them.
      const linters = (file: string) =>
        readFileSync(join(generated.dir, ".github/linters", file), "utf8");
      assert.match(
        cfnLint!,
        /grep -x 'cfn-lint==\[0-9\.\]\*' \.github\/linters\/requirements\.txt/,
      );
      assert.ok(
        linters("requirements.txt").includes(
          `\ncfn-lint==${cfnLintData.version}\n`,
        ),
      );
      assert.match(
        actionlintRun!,
        /sed -n 's\/\^FROM \/\/p' \.github\/linters\/Dockerfile/,
      );
      assert.ok(linters("Dockerfile").includes(`\nFROM ${ACTIONLINT_IMAGE}\n`));
    });

    it("grant nothing by default, and each job only what it needs", () => {
      for (const name of WORKFLOWS) {
        const workflow = generated.workflow[name];
        assert.deepEqual(workflow.permissions, {}, name);
        for (const [id, job] of Object.entries(workflow.jobs)) {
          const oidc = name !== "ci";
          // A deploy reads the commit's CI runs and their artifacts; staging's, its past
          // deployments too.
          const gate =
            name === "deploy"
              ? id === "production"
                ? { actions: "read" }
                : { actions: "read", deployments: "read" }
              : {};
          assert.deepEqual(
            job.permissions,
            oidc
              ? { contents: "read", "id-token": "write", ...gate }
              : { contents: "read" },
            `${name}: ${id}`,
          );
          assert.ok(
            job["timeout-minutes"] > 0,
            `${name}: ${id} has a time limit`,
          );
        }
      }
    });

    it("ask for AWS credentials lasting as long as the job may run, within the role's 4 hours", () => {
      for (const name of ["deploy", "infra"] as const) {
        for (const job of Object.values(generated.workflow[name].jobs)) {
          const credentials = job.steps.find((step) =>
            step.uses?.startsWith("aws-actions/configure-aws-credentials@"),
          )!;
          const seconds = credentials.with!["role-duration-seconds"];
          assert.equal(seconds, job["timeout-minutes"] * 60, job.name);
          assert.ok(Number(seconds) <= 4 * 3600, job.name);
        }
      }
    });

    it("pin every action to a full commit SHA (or image digest), its release in a comment", () => {
      const uses = steps(generated).flatMap((step) => step.uses ?? []);
      assert.ok(uses.length > 0);
      for (const action of uses) {
        assert.match(
          action,
          /^([\w.-]+\/[\w.-]+@[0-9a-f]{40}|docker:\/\/[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64})$/,
        );
      }
      const text = Object.values(generated.text).join("\n");
      for (const line of text
        .split("\n")
        .filter((l) => /uses: [\w.-]+\//.test(l))) {
        assert.match(line, /@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line);
      }
    });

    it("never write an expression into a script, nor persist the checkout's token", () => {
      for (const step of steps(generated)) {
        assert.ok(!step.run?.includes("${{"), step.run);
        if (step.uses?.startsWith("actions/checkout@")) {
          assert.equal(step.with!["persist-credentials"], false);
        }
      }
    });

    describe("the workflow checks", () => {
      before(function () {
        requireTool(this, "shellcheck");
      });

      it("find an unknown key, a bad expression and a shell error planted in deploy.yml, with its job and step", async () => {
        const env = environments[0]!;
        const path = workflowPath(generated.dir, "deploy");
        const clean = await checkRepo(generated.dir, {
          validators: [actionlint, workflowShellcheck],
        });
        assert.deepEqual(clean.findings, []);

        const cap = `run: bundle exec cap ${env} deploy`;
        const broken = generated.text.deploy
          .replace("    timeout-minutes:", "    timeout-minute:")
          .replace(
            "vars.AWS_DEPLOY_ROLE_ARN == ''",
            "var.AWS_DEPLOY_ROLE_ARN == ''",
          )
          .replace(cap, `${cap} $CAP_OPTIONS`);
        writeFileSync(path, broken);
        try {
          const report = await checkRepo(generated.dir, {
            validators: [actionlint, workflowShellcheck],
          });
          const lineOf = (text: string) =>
            broken.split("\n").findIndex((line) => line.includes(text)) + 1;
          assert.deepEqual(
            report.findings.map(({ line, validator, message }) => ({
              line,
              validator,
              message: message.replace(/\.( .*)?$/, ""),
            })),
            [
              {
                line: lineOf("timeout-minute:"),
                validator: "actionlint",
                message: 'unexpected key "timeout-minute" for "job" section',
              },
              {
                line: lineOf("var.AWS_DEPLOY_ROLE_ARN"),
                validator: "actionlint",
                message: 'undefined variable "var"',
              },
              {
                line: lineOf("$CAP_OPTIONS"),
                validator: "workflow-shellcheck",
                message: `SC2086 (info) in job "${env}", step "Deploy": Double quote to prevent globbing and word splitting`,
              },
            ],
          );
        } finally {
          writeFileSync(path, generated.text.deploy);
        }
      });
    });
  });
}

describe("github part: regenerated alone", () => {
  it("rewrites nothing in a repo generated whole, and keeps Dependabot on actions and gems", async () => {
    const { dir } = await generate([]);
    const run = await runCli(["github", dir]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /nothing to write; all 7 files are up to date/);
    const dependabot = parse(
      readFileSync(join(dir, ".github/dependabot.yml"), "utf8"),
    ) as {
      updates: { "package-ecosystem": string; cooldown: unknown }[];
    };
    assert.deepEqual(
      dependabot.updates.map((update) => update["package-ecosystem"]),
      ["github-actions", "bundler", "docker", "pip"],
    );
    // Every update waits a week after a release.
    for (const update of dependabot.updates)
      assert.deepEqual(update.cooldown, { "default-days": 7 });
  });

  it("yo rails-aws:github writes the same workflows from the stored answers, and nothing else", async () => {
    const { dir: whole } = await generate(["--environments", "staging"]);
    const dir = tempDir();
    copyFileSync(join(whole, ".yo-rc.json"), join(dir, ".yo-rc.json"));
    await helpers
      .run(join(packageRoot, "dist/generators/github/index.js"), {
        namespace: "rails-aws:github",
      })
      .cd(dir);
    const written = [...readTree(dir).keys()].filter(
      (path) => !path.startsWith(".rails-aws/") && path !== ".yo-rc.json",
    );
    assert.deepEqual(written.sort(), [
      ".github/dependabot.yml",
      ".github/linters/Dockerfile",
      ".github/linters/requirements.txt",
      ".github/workflows/ci.yml",
      ".github/workflows/deploy.yml",
      ".github/workflows/infra.yml",
      "docs/GITHUB.md",
    ]);
    for (const path of written) {
      assert.equal(
        readFileSync(join(dir, path), "utf8"),
        readFileSync(join(whole, path), "utf8"),
        path,
      );
    }
  });
});

describe("github part: deploy time limits", () => {
  it("grow with the hosts rolled one at a time, up to the deploy role's 4-hour session", () => {
    const resolution = resolveAnswers(
      { domain: "example.com" },
      { folderName: "demo" },
    );
    assert.ok(resolution.ok);
    const context = deriveContext(resolution.answers);
    const limits = (asgMax: number) => {
      const sized = {
        ...context,
        environments: context.environments.map((env) => ({ ...env, asgMax })),
      };
      const { deployJobs } = githubContext(sized);
      return deployJobs.map(({ timeoutMinutes, sessionSeconds }) => [
        timeoutMinutes,
        sessionSeconds,
      ]);
    };
    assert.deepEqual(limits(1), [
      [26, 1560],
      [26, 1560],
    ]);
    assert.deepEqual(limits(10)[0], [80, 4800]);
    assert.deepEqual(limits(100)[0], [240, 14400]);
  });
});
