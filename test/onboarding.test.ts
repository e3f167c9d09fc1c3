// Onboarding an existing Rails app, over a set of app shapes (test/helpers/existing-apps.ts): what
// is found in the app, what is written and what is not, that keeping the app's side of every
// conflict gives back its files byte for byte, and that a second run changes nothing.
import assert from "node:assert/strict";
import { chmodSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkRepo, filesInScope } from "../check/check.js";
import { validators } from "../check/registry.js";
import { formatReport } from "../check/report.js";
import { proposalPath } from "../core/changes.js";
import { formatFile } from "../core/format.js";
import { mergeThreeWay } from "../core/merge.js";
import { detectApp } from "../core/onboarding/detect.js";
import { fitApp } from "../core/onboarding/fit.js";
import { railsAdoption } from "../core/parts/rails/adoption.js";
import { VALIDATOR_TOOLS } from "./helpers/check.js";
import { foreignReferences } from "./helpers/docs.js";
import { existingAppFiles, writeExistingApp } from "./helpers/existing-apps.js";
import {
  generateRepo,
  has,
  read,
  readTree,
  runCli,
  storedAnswers,
  tempDir,
} from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

/** The validators of rails-aws check that judge the kinds of files a Rails app has. */
const RAILS_FILE_VALIDATORS = [
  "conflicts",
  "yaml",
  "ruby-syntax",
  "erb-yaml",
  "erb-views",
  "javascript",
];

/** Keeps the app's side of every conflict: deletes each proposal. */
function keepTheAppsSide(dir: string): string[] {
  const proposals = [...readTree(dir).keys()].filter((path) =>
    path.endsWith(".rails-aws-proposal"),
  );
  for (const path of proposals) rmSync(join(dir, path));
  return proposals;
}

/** The Gemfile and routes without what rails-aws added (a block it marks "Added by rails-aws"). */
function withoutAdditions(text: string): string {
  return text
    .replace(/\n\n# Added by rails-aws: gems[\s\S]*$/, "\n")
    .replace(
      / {2}# Added by rails-aws: the load balancer[^\n]*\n(?: {2}get [^\n]*\n)+\n?/,
      "",
    );
}

async function onboard(shape: string, args: string[] = []) {
  const dir = writeExistingApp(shape);
  const run = await runCli([dir, "--domain", "shop.example.com", ...args]);
  assert.equal(run.stderr, "", `${shape}: ${run.stderr}`);
  return { dir, run, original: existingAppFiles(shape) };
}

interface Shape {
  /** Lines of "Found in the app". */
  detected: RegExp[];
  written: string[];
  notWritten: string[];
  /** Lines of "Not adapted to the app". */
  notAdapted?: RegExp[];
  /** Generated files that must say (or not say) something. */
  contents?: [path: string, pattern: RegExp, holds: boolean][];
  /** Stored answers. */
  answers?: Record<string, unknown>;
}

const SHAPES: Record<string, Shape> = {
  "rails-7.0": {
    detected: [
      /Rails 7\.0\.8 \(Gemfile\.lock\)/,
      /Ruby 3\.2\.2 \(\.ruby-version\)/,
    ],
    written: [proposalPath("config/environments/production.rb")],
    notWritten: ["db/queue_schema.rb", "config/cache.yml", "bin/jobs"],
    notAdapted: [/Solid Cache, Solid Queue and Solid Cable need Rails 7\.2/],
    contents: [
      ["Gemfile", /solid_(cache|queue|cable)/, false],
      // Rails 7.0 has no Rails::HealthController: a Rack endpoint answers instead.
      ["config/routes.rb", /get "health" => proc/, true],
      ["config/routes.rb", /rails\/health#show/, false],
      [
        proposalPath("config/environments/production.rb"),
        /silence_healthcheck_path|assume_ssl|attributes_for_inspect|TaggedLogging\.logger/,
        false,
      ],
    ],
    answers: { rubyVersion: "3.2.2" },
  },
  "rails-7.2": {
    detected: [/Rails 7\.2\.2/, /Action Cable: postgresql/, /jsbundling/],
    written: ["db/queue_schema.rb", "config/queue.yml", "bin/jobs"],
    notWritten: [],
    contents: [
      ["Gemfile", /^gem "solid_queue"/m, true],
      ["config/routes.rb", /get "health" => "rails\/health#show"/, true],
      [
        proposalPath("config/environments/production.rb"),
        /silence_healthcheck_path/,
        false,
      ],
      [proposalPath("config/environments/production.rb"), /assume_ssl/, true],
      // max_connections is Rails 8.1's name; 7.2 reads pool.
      [proposalPath("config/database.yml"), /^ {2}pool:/m, true],
      // jsbundling: bin/dev runs its package.json build in watch mode, and no CSS watcher
      // without a CSS gem.
      ["Procfile.dev", /^js: yarn build --watch$/m, true],
      ["Procfile.dev", /^css:/m, false],
    ],
  },
  mysql: {
    detected: [
      /database: mysql2 \(config\/database\.yml\)/,
      // Its k8s/ folder holds no manifest.
      /deploy: none found/,
    ],
    written: ["Capfile", ".github/workflows/deploy.yml"],
    notWritten: [proposalPath("config/database.yml"), "config/cable.yml"],
    notAdapted: [/app uses mysql2 .* RDS PostgreSQL/],
    contents: [["Gemfile", /gem "pg"/, false]],
  },
  sqlite: {
    detected: [/database: sqlite3 \(config\/database\.yml\)/],
    written: ["Capfile", "config/systemd/shop-front-web.service"],
    // Action Cable's adapters here all need PostgreSQL or Redis.
    notWritten: [proposalPath("config/database.yml"), "config/cable.yml"],
    notAdapted: [
      /app uses sqlite3 .*config\/database\.yml, config\/cable\.yml and the pg gem were left as they are.*Move the app to PostgreSQL/,
    ],
    contents: [["Gemfile", /gem "pg"/, false]],
  },
  "redis-cable": {
    detected: [/Action Cable: redis/],
    written: [
      "config/queue.yml",
      "config/systemd/shop-front-jobs.service",
      // The app's own cable.yml stays; the proposal beside it keeps Redis.
      proposalPath("config/cable.yml"),
    ],
    notWritten: ["db/cable_schema.rb"],
    answers: { cableAdapter: "redis" },
    contents: [
      ["Gemfile", /solid_cable/, false],
      ["Gemfile", /^gem "solid_queue"/m, true],
      [proposalPath("config/database.yml"), /_cable/, false],
      [proposalPath("config/cable.yml"), /^ {2}adapter: redis$/m, true],
    ],
  },
  sidekiq: {
    detected: [/Active Job: sidekiq/, /tests: rspec/],
    written: ["config/systemd/shop-front-jobs.service"],
    notWritten: ["bin/jobs", "config/queue.yml", "db/queue_schema.rb"],
    answers: { cableAdapter: "redis" },
    contents: [
      ["Gemfile", /solid_queue/, false],
      [
        "config/systemd/shop-front-jobs.service",
        /^ExecStart=\S+ exec sidekiq --environment production$/m,
        true,
      ],
      [
        proposalPath("config/environments/production.rb"),
        /queue_adapter = :sidekiq/,
        true,
      ],
      // Its tests are RSpec's, and it has no RuboCop config.
      [".github/workflows/ci.yml", /run: bundle exec rspec/, true],
      [".github/workflows/ci.yml", /bin\/rubocop/, false],
    ],
  },
  kamal: {
    detected: [
      /deploy: Kamal \(config\/deploy\.yml\)/,
      /CI: \.github\/workflows\/ci\.yml, \.github\/workflows\/lint\.yml/,
    ],
    written: [proposalPath("config/database.yml.sample"), "bin/rubocop"],
    notWritten: [
      "Capfile",
      "config/deploy.rb",
      "config/database.yml",
      "config/systemd/shop-front-web.service",
      ".github/workflows/deploy.yml",
      proposalPath(".github/workflows/ci.yml"),
    ],
    notAdapted: [/deploys with Kamal/, /CI: the app has its own/],
    contents: [
      ["Gemfile", /capistrano/, false],
      ["Procfile.dev", /tailwindcss:watch/, true],
    ],
  },
  kubernetes: {
    detected: [/deploy: Kubernetes \(charts\/shop-front\/Chart\.yaml\)/],
    written: [".github/workflows/ci.yml"],
    notWritten: [
      "Capfile",
      "config/deploy.rb",
      "config/systemd/shop-front-web.service",
      ".github/workflows/deploy.yml",
    ],
    notAdapted: [/deploys with Kubernetes \(charts\/shop-front\/Chart\.yaml\)/],
  },
  capistrano: {
    detected: [/deploy: Capistrano \(Capfile\)/],
    written: [".github/workflows/ci.yml"],
    notWritten: [
      "lib/capistrano/tasks/rollout.rake",
      proposalPath("config/deploy/production.rb"),
      ".github/workflows/deploy.yml",
      "config/systemd/shop-front-jobs.service",
    ],
    notAdapted: [/deploys with Capistrano \(Capfile\)/],
    contents: [["Procfile.dev", /tailwindcss/, false]],
  },
  "no-action-cable": {
    detected: [
      /Action Cable: not loaded/,
      /frameworks: active_model, active_job, active_record, action_controller, action_view/,
    ],
    written: ["config/queue.yml", "bin/jobs"],
    notWritten: [
      "app/channels/application_cable/connection.rb",
      "app/mailers/application_mailer.rb",
      "app/views/layouts/mailer.html.erb",
      "config/cable.yml",
      "config/storage.yml",
      "db/cable_schema.rb",
      "bin/rubocop",
    ],
    contents: [
      ["Gemfile", /solid_cable|aws-actionmailer-ses|aws-sdk-s3|rubocop/, false],
      [
        proposalPath("config/environments/production.rb"),
        /action_cable|action_mailer|active_storage/,
        false,
      ],
    ],
  },
  "ruby-4-tool-versions": {
    detected: [/Ruby 4\.0\.0 \(\.tool-versions\)/, /Rails 8\.1\.1/],
    written: [proposalPath("docker-compose.yaml")],
    notWritten: [".ruby-version", "docker-compose.yml"],
    answers: { rubyVersion: "4.0.0" },
    contents: [[proposalPath("config/database.yml"), /max_connections/, true]],
  },
};

describe("onboarding an existing Rails app", () => {
  for (const [shape, expected] of Object.entries(SHAPES))
    describe(`an app of shape ${shape}`, () => {
      it("says what it found, writes what fits the app and names what could not be adapted", async () => {
        // Every shape pins both what is found and what is written.
        assert.ok(expected.detected.length > 0 && expected.written.length > 0);
        const { dir, run } = await onboard(shape);
        const found = run.stdout.split("Found in the app:")[1] ?? "";
        for (const pattern of expected.detected) assert.match(found, pattern);
        for (const path of expected.written)
          assert.ok(has(dir, path), `${shape}: ${path} is written`);
        for (const path of expected.notWritten)
          assert.ok(!has(dir, path), `${shape}: ${path} is not written`);
        const notAdapted = run.stdout.split("Not adapted to the app:")[1] ?? "";
        for (const pattern of expected.notAdapted ?? [])
          assert.match(notAdapted, pattern);
        if (!expected.notAdapted)
          assert.doesNotMatch(run.stdout, /Not adapted to the app/);
        for (const [path, pattern, holds] of expected.contents ?? [])
          (holds ? assert.match : assert.doesNotMatch)(
            read(dir, path),
            pattern,
            `${shape}: ${path}`,
          );
        const answers = storedAnswers(dir);
        assert.equal(answers.appName, "shop-front");
        assert.equal(answers.githubRepository, "acme/shop-front");
        for (const [name, value] of Object.entries(expected.answers ?? {}))
          assert.equal(answers[name], value, `${shape}: ${name}`);
      });

      it("leaves every file of the app as it was once the app's side of each conflict is kept, and a second run changes nothing", async () => {
        const { dir, run, original } = await onboard(shape);
        const proposals = keepTheAppsSide(dir);
        // Each proposal was reported as a conflict, and the run exited non-zero for it.
        for (const proposal of proposals)
          assert.match(
            run.stdout,
            new RegExp(
              `conflict +\\S+: yours is untouched; rails-aws's version is in ${proposal.replaceAll(".", "\\.")}`,
            ),
          );
        assert.equal(run.code, proposals.length ? 1 : 0);
        for (const [path, contents] of Object.entries(original)) {
          const now = read(dir, path);
          if (path === "Gemfile" || path === "config/routes.rb")
            assert.equal(withoutAdditions(now), contents, `${shape}: ${path}`);
          else assert.equal(now, contents, `${shape}: ${path} byte for byte`);
        }
        const before = readTree(dir);
        const again = await runCli([dir]);
        assert.equal(again.code, 0, again.stdout);
        assert.deepEqual(readTree(dir), before);
        assert.match(again.stdout, /0 created, 0 changed/);
      });

      it("gives rails-aws check the generator's files only, in which it finds nothing", async function () {
        requireTool(this, ["ruby"]);
        const { dir, original } = await onboard(shape);
        keepTheAppsSide(dir);
        // Only the files it added lines to (the Gemfile, the routes), and those it would have
        // written the same, are both the app's and the generator's.
        const { files: checked } = await filesInScope(dir, "owned");
        const generated = manifestFiles(dir);
        const appFiles = Object.keys(original).filter(
          (path) =>
            path !== "Gemfile" &&
            path !== "config/routes.rb" &&
            generated[path]?.base !== original[path],
        );
        assert.deepEqual(
          checked
            .map((file) => file.path)
            .filter((path) => appFiles.includes(path)),
          [],
        );
        // The validators that judge Rails' own kinds of files run for real.
        const report = await checkRepo(dir, {
          scope: "owned",
          validators: validators.filter((validator) =>
            RAILS_FILE_VALIDATORS.includes(validator.name),
          ),
        });
        assert.equal(report.ran.length, RAILS_FILE_VALIDATORS.length);
        assert.deepEqual(
          [...report.findings, ...report.failed],
          [],
          formatReport(report),
        );
      });
    });

  it("rails-aws check passes on an onboarded app, every validator run", async function () {
    requireTool(this, VALIDATOR_TOOLS);
    this.timeout(300_000);
    const { dir } = await onboard("sidekiq");
    keepTheAppsSide(dir);
    const run = await runCli(["check", dir]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^No findings\.$/m);
  });

  it("keeps a conflict a conflict until the proposal is dealt with, even when the output changes", async () => {
    const { dir } = await onboard("rails-7.2");
    const production = "config/environments/production.rb";
    const proposal = proposalPath(production);
    const untouched = read(dir, production);
    const again = await runCli([dir, "--domain", "shop.example.org"]);
    assert.equal(again.code, 1);
    assert.match(
      again.stdout,
      /conflict +config\/environments\/production\.rb: yours is untouched/,
    );
    assert.match(read(dir, proposal), /no-reply@shop\.example\.org/);
    assert.equal(read(dir, production), untouched);
    keepTheAppsSide(dir);
    const resolved = await runCli([dir]);
    assert.equal(resolved.code, 0, resolved.stdout);
    assert.ok(!has(dir, proposal));
    // A new output is a new proposal.
    const changed = await runCli([dir, "--domain", "shop.example.net"]);
    assert.equal(changed.code, 1);
    assert.match(read(dir, proposal), /no-reply@shop\.example\.net/);
    assert.equal(read(dir, production), untouched);
  });

  it("names the gems it adds, with bundle install as the next step, and never adds back a gem or route the user removed", async () => {
    const { dir, run } = await onboard("rails-7.2");
    assert.match(
      run.stdout,
      /The Gemfile got [^:]*solid_queue[^:]*: run bundle install and commit Gemfile\.lock/,
    );
    const gemfile = read(dir, "Gemfile");
    assert.equal(gemfile.match(/^gem "rails"/gm)?.length, 1);
    writeFileSync(
      join(dir, "Gemfile"),
      gemfile.replace(/^gem "solid_cache".*\n/m, ""),
    );
    writeFileSync(
      join(dir, "config/routes.rb"),
      read(dir, "config/routes.rb").replace(/^ {2}get "up".*\n/m, ""),
    );
    keepTheAppsSide(dir);
    const before = readTree(dir);
    const again = await runCli([dir]);
    assert.deepEqual(readTree(dir), before);
    assert.equal(read(dir, "Gemfile").match(/Added by rails-aws/g)?.length, 1);
    assert.doesNotMatch(again.stdout, /The Gemfile got/);
  });

  it("reports a file it creates that the app's .gitignore ignores", async () => {
    const { run } = await onboard("rails-7.2");
    assert.match(
      run.stdout,
      /warning: \.env\.example is created but your \.gitignore ignores it/,
    );
  });

  it("refuses a Rails it does not onboard, before writing anything", async () => {
    const dir = writeExistingApp("rails-7.0");
    for (const path of ["Gemfile.lock"])
      writeFileSync(
        join(dir, path),
        read(dir, path).replaceAll("7.0.8", "6.1.7"),
      );
    const before = readTree(dir);
    const run = await runCli([dir, "--domain", "shop.example.com"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stderr,
      /this app runs Rails 6\.1\.7 \(Gemfile\.lock\); rails-aws onboards Rails 7\.0 to 8\.1/,
    );
    assert.deepEqual(readTree(dir), before);
  });

  it("compares modes on the executable bit alone: group-writable files (umask 002) are up to date", async () => {
    const { dir } = await onboard("rails-7.2");
    keepTheAppsSide(dir);
    chmodSync(join(dir, "bin/brakeman"), 0o775);
    chmodSync(join(dir, "config/boot.rb"), 0o664);
    const again = await runCli([dir]);
    assert.match(again.stdout, /0 created, 0 changed/);
    assert.equal(statSync(join(dir, "bin/brakeman")).mode & 0o777, 0o775);
    assert.equal(statSync(join(dir, "config/boot.rb")).mode & 0o777, 0o664);
  });
});

/**
 * What the generated docs may speak of, each only where the repo has it: the file that shows it is
 * there (the app's or the generator's), and the words that speak of it.
 */
const TOPICS: [
  topic: string,
  shownBy: (dir: string) => boolean,
  words: RegExp,
][] = [
  [
    "Solid Queue",
    (dir) => has(dir, "config/queue.yml"),
    /Solid ?Queue|SOLID_QUEUE|queue_schema/i,
  ],
  [
    "Solid Cache",
    (dir) => has(dir, "config/cache.yml"),
    /Solid ?Cache|cache_schema/i,
  ],
  [
    "Solid Cable",
    (dir) => has(dir, "db/cable_schema.rb"),
    /Solid ?Cable|cable_schema/i,
  ],
  [
    "rails-aws's Capistrano deploy",
    (dir) => has(dir, "docs/DEPLOY.md"),
    /\bcap\b|Capistrano|docs\/DEPLOY\.md|lib\/capistrano|workflows\/deploy\.yml|staging from `?main|release tag|deploys every commit/,
  ],
  ["the systemd units", (dir) => has(dir, "config/systemd"), /systemd/],
  [
    "Tailwind",
    (dir) => /tailwindcss-rails/.test(read(dir, "Gemfile")),
    /tailwind/i,
  ],
  [
    "the scratchpad demo",
    (dir) => has(dir, "app/models/scratchpad.rb"),
    /scratchpad/i,
  ],
  ["RuboCop", (dir) => has(dir, "bin/rubocop"), /RuboCop/],
  [".ruby-version", (dir) => has(dir, ".ruby-version"), /\.ruby-version/],
  [
    "rails-aws's CI workflow",
    (dir) => ".github/workflows/ci.yml" in manifestFiles(dir),
    /workflows\/ci\.yml|CloudFormation lint/,
  ],
];

/** The files of the run's manifest, by path. */
const manifestFiles = (dir: string) =>
  (
    JSON.parse(read(dir, ".rails-aws/manifest.json")) as {
      files: Record<string, { base: string }>;
    }
  ).files;

/** The docs a run wrote (or proposed beside the app's own): Markdown, Procfile.dev, bin/dev, .env.example. */
function generatedDocs(dir: string): string[] {
  return Object.keys(manifestFiles(dir))
    .filter((path) =>
      /\.md$|^Procfile\.dev$|^bin\/dev$|^\.env\.example$/.test(path),
    )
    .map((path) => (has(dir, proposalPath(path)) ? proposalPath(path) : path))
    .filter((path) => has(dir, path));
}

describe("the docs of an onboarded app", () => {
  for (const shape of ["new app", ...Object.keys(SHAPES)])
    it(`speak only of what the repo has: ${shape}`, async () => {
      const dir =
        shape === "new app" ? await generateRepo() : (await onboard(shape)).dir;
      if (shape === "new app")
        assert.match(
          read(dir, "README.md"),
          /^Data, cache and jobs live in PostgreSQL \d+\.$/m,
        );
      const docs = generatedDocs(dir);
      assert.ok(
        docs.some((path) => path.startsWith("README.md")),
        docs.join(),
      );
      const said = docs.flatMap((path) =>
        TOPICS.filter(([, shownBy]) => !shownBy(dir)).flatMap(
          ([topic, , words]) =>
            read(dir, path)
              .split("\n")
              .filter((line) => words.test(line))
              .map((line) => `${path} speaks of ${topic}: ${line.trim()}`),
        ),
      );
      assert.deepEqual(said, []);
      // Written as prettier would write it, whatever was left out (no doubled blank line, no empty item).
      for (const path of docs.filter((path) => /\.md\b/.test(path)))
        assert.equal(
          await formatFile(
            path.replace(/\.rails-aws-proposal$/, ""),
            read(dir, path),
          ),
          read(dir, path),
          path,
        );
      // Nor of a document the repo does not have (a docs/DEPLOY.md without the deploy).
      assert.deepEqual(
        foreignReferences(
          new Map(docs.map((path) => [path, read(dir, path)])),
          (path) => has(dir, path),
        ),
        [],
      );
    });
});

describe("the routes an existing app gets", () => {
  const addRoutes = railsAdoption("config/routes.rb");
  const generated =
    'Rails.application.routes.draw do\n  get "up" => "rails/health#show", as: :rails_health_check\n  get "health" => "rails/health#show"\nend\n';
  const adopt = (routes: string) => {
    assert.ok(typeof addRoutes === "function");
    return addRoutes(routes, generated, []);
  };

  it("finds the app's own /up and /health, with or without a leading slash", () => {
    const routes =
      'Rails.application.routes.draw do\n  get "/up" => "rails/health#show"\n  get "/health", to: "health#show"\nend\n';
    assert.equal(adopt(routes).contents, routes);
  });

  it("adds them below an App::Application draw line and one with a trailing comment", () => {
    for (const draw of [
      "ShopFront::Application.routes.draw do",
      "Rails.application.routes.draw do # the shop",
    ]) {
      const adopted = adopt(`${draw}\n  resources :products\nend\n`);
      assert.match(adopted.contents, /get "health" => "rails\/health#show"/);
      assert.deepEqual(adopted.added, ["up", "health"]);
    }
  });

  it("says so when it finds no draw line to add them to", () => {
    const adopted = adopt("draw :admin\n");
    assert.equal(adopted.contents, "draw :admin\n");
    assert.match(adopted.note ?? "", /health routes were not added/);
  });
});

describe("the three-way merge", () => {
  it("keeps the final newline when the conflict reaches the end of the file", () => {
    const merged = mergeThreeWay("a\nyours\n", "a\nbase\n", "a\ntheirs\n");
    assert.ok(merged.conflict);
    assert.ok(merged.contents.endsWith(">>>>>>> rails-aws\n"));
  });
});

describe("what an existing app is", () => {
  const appOf = (files: Record<string, string>) =>
    detectApp({
      read: (path) => files[path],
      list: (dir, depth = 0) =>
        Object.keys(files).filter((path) => {
          const below = dir === "." ? path : path.slice(dir.length + 1);
          return (
            (dir === "." || path.startsWith(`${dir}/`)) &&
            below.split("/").length <= depth + 1
          );
        }),
    });

  it("reads Ruby from .mise.toml or the Gemfile's ruby line, and says which", () => {
    assert.deepEqual(
      appOf({ ".mise.toml": '[tools]\nruby = "3.3.6"\n' }).ruby,
      {
        version: "3.3.6",
        source: ".mise.toml",
      },
    );
    assert.deepEqual(
      appOf({ Gemfile: 'source "https://rubygems.org"\nruby "3.4.7"\n' }).ruby,
      {
        version: "3.4.7",
        source: "Gemfile",
      },
    );
  });

  it("finds Kubernetes by its manifests, Helm charts and Kustomize files, and other CI", () => {
    const app = appOf({
      "k8s/deployment.yaml":
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
      ".gitlab-ci.yml": "test:\n  script: bin/rails test\n",
    });
    assert.deepEqual(app.deployTools, [
      { name: "Kubernetes", file: "k8s/deployment.yaml" },
    ]);
    assert.deepEqual(app.ci, [".gitlab-ci.yml"]);
    for (const file of [
      "charts/shop-front/Chart.yaml",
      "deploy/overlays/production/kustomization.yaml",
      "kustomization.yaml",
    ])
      assert.deepEqual(
        appOf({ [file]: "resources:\n  - web.yaml\n" }).deployTools,
        [{ name: "Kubernetes", file }],
      );
  });

  it("does not take a folder for Kubernetes by its name: a k8s or deploy folder without manifests is not", () => {
    const app = appOf({
      "k8s/README.md": "We might move to Kubernetes one day.\n",
      "k8s/notes.yml": "todo:\n  - pick a cluster\n",
      "deploy/restart.sh": "#!/bin/sh\nsystemctl restart shop\n",
      "kube/values.yaml": "replicas: 2\n",
      // A root YAML that looks like a manifest is not enough: the root holds many YAML files.
      "app.yaml": "apiVersion: v1\nkind: Config\n",
    });
    assert.deepEqual(app.deployTools, []);
  });
});

describe("how the generated repo fits an app's backends", () => {
  const fitOf = (files: Record<string, string>, cableAdapter = "solid_cable") =>
    fitApp(detectApp({ read: (path) => files[path], list: () => [] }), {
      cableAdapter,
      rubyVersion: "3.4.7",
    });
  const RAILS_8 = {
    "Gemfile.lock": "GEM\n  specs:\n    railties (8.0.2)\n",
    "config/database.yml": "production:\n  adapter: postgresql\n",
  };

  it("runs the app's GoodJob or Delayed Job worker as the jobs service, without Solid Queue", () => {
    for (const [gem, command] of [
      ["good_job", "good_job start"],
      ["delayed_job_active_record", "rake jobs:work"],
    ]) {
      const fit = fitOf({ ...RAILS_8, Gemfile: `gem "${gem}"\n` });
      assert.equal(fit.worker.command, command, gem);
      assert.equal(fit.uses.solidQueue, false, gem);
      assert.equal(fit.uses.solidCache, true, gem);
    }
  });

  it("keeps a Redis cache store: no Solid Cache, and says the stacks need --cable-adapter redis for Redis", () => {
    const app = {
      ...RAILS_8,
      "config/environments/production.rb":
        'Rails.application.configure do\n  config.cache_store = :redis_cache_store, { url: ENV["REDIS_URL"] }\nend\n',
    };
    const fit = fitOf(app);
    assert.equal(fit.uses.solidCache, false);
    assert.equal(fit.uses.solidQueue, true);
    assert.match(
      fit.notAdapted.join("\n"),
      /run rails-aws again with --cable-adapter redis/,
    );
    assert.doesNotMatch(fitOf(app, "redis").notAdapted.join("\n"), /Redis:/);
  });
});

describe("the asset watchers of bin/dev", () => {
  const fitOf = (files: Record<string, string>) =>
    fitApp(
      detectApp({
        read: (path) => files[path],
        list: () => [],
      }),
      { cableAdapter: "solid_cable", rubyVersion: "3.4.7" },
    );
  const gemfile = (...gems: string[]) =>
    gems.map((gem) => `gem "${gem}"\n`).join("");

  it("runs the app's package.json build scripts with its package manager, and the CSS gem's watcher", () => {
    const fit = fitOf({
      Gemfile: gemfile("jsbundling-rails", "cssbundling-rails"),
      "package.json": JSON.stringify({
        scripts: { build: "esbuild app/javascript/*.*", "build:css": "sass" },
      }),
      "package-lock.json": "{}",
    });
    assert.deepEqual(
      fit.devProcesses.map(({ name, command }) => `${name}: ${command}`),
      ["js: npm run build -- --watch", "css: npm run build:css -- --watch"],
    );
    assert.deepEqual(
      fitOf({
        Gemfile: gemfile("jsbundling-rails", "dartsass-rails"),
        "package.json":
          '{"packageManager": "pnpm@9.1.0", "scripts": {"build": "rollup -c"}}',
      }).devProcesses.map(({ command }) => command),
      ["pnpm build --watch", "bin/rails dartsass:watch"],
    );
  });

  it("runs no watcher the app has no gem for, and names a bundler gem without its build script", () => {
    assert.deepEqual(
      fitOf({ Gemfile: gemfile("importmap-rails") }).devProcesses,
      [],
    );
    const fit = fitOf({
      Gemfile: gemfile("jsbundling-rails"),
      "package.json": '{"scripts": {"test": "jest"}}',
    });
    assert.deepEqual(fit.devProcesses, []);
    assert.match(
      fit.notAdapted.join("\n"),
      /jsbundling-rails but its package\.json has no "build" script, so bin\/dev runs no JavaScript watcher/,
    );
  });
});

describe("the redis cable path", () => {
  it("has no Solid Cable: no gem, no schema, no cable database", async () => {
    const dir = await generateRepo(["--cable-adapter", "redis"]);
    assert.doesNotMatch(read(dir, "Gemfile"), /solid_cable/);
    assert.ok(!has(dir, "db/cable_schema.rb"));
    assert.doesNotMatch(read(dir, "config/database.yml"), /_cable/);
    assert.match(read(dir, "config/cable.yml"), /adapter: redis/);
  });

  it("on Ruby 3.2, broadcasts through Action Cable's PostgreSQL adapter, and says why", async () => {
    const dir = join(tempDir(), "demo");
    const run = await runCli([
      dir,
      "--domain",
      "example.com",
      "--ruby-version",
      "3.2.9",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /warning: Ruby 3\.2\.9: Solid Cable 4 needs Ruby 3\.3/,
    );
    assert.match(read(dir, "config/cable.yml"), /^ {2}adapter: postgresql$/m);
    assert.doesNotMatch(read(dir, "Gemfile"), /solid_cable/);
  });
});
