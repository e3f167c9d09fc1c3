// How the generated repo fits an existing app (detect.ts): which of its pieces the app can take,
// what adapts to the app's own choices, and what could not be adapted, with the way forward.
// Pure: an app's description and the answers in, decisions and sentences out.
import type { ExistingApp, NodeManager } from "./detect.js";

/** What the generated files may assume of the app. A new app has every one. */
export interface Uses {
  /** The app's database is PostgreSQL, as the stacks' RDS is: database.yml and pg are written. */
  postgres: boolean;
  solidCache: boolean;
  solidQueue: boolean;
  solidCable: boolean;
  actionCable: boolean;
  actionMailer: boolean;
  activeStorage: boolean;
  tailwind: boolean;
  /** bin/rubocop and the rubocop gem: only beside a RuboCop config. */
  rubocop: boolean;
  /** .github/workflows/ci.yml: not beside the app's own CI. */
  ciWorkflow: boolean;
  /** .ruby-version: not when the app states its Ruby elsewhere (.tool-versions, .mise.toml). */
  rubyVersionFile: boolean;
  /** Settings of Rails 8.0 (config.silence_healthcheck_path) and 7.2 (attributes_for_inspect). */
  rails8: boolean;
  /** Rails 8.1's names (max_connections, was pool). */
  rails81: boolean;
  /** What Rails 7.1 brought: rails/health#show, config.assume_ssl, TaggedLogging.logger. */
  rails71: boolean;
  /** The Capistrano deploy, its systemd units and the deploy workflow: not beside another deploy tool. */
  deploy: boolean;
}

/** The Solid gems, each with the database of its own it gets (database.yml, db/<name>_schema.rb). */
const SOLID_GEMS: [use: keyof Uses, gem: string, database: string][] = [
  ["solidCache", "Solid Cache", "cache"],
  ["solidQueue", "Solid Queue", "queue"],
  ["solidCable", "Solid Cable", "cable"],
];

const NUMBER_WORDS = ["no", "one", "two", "three", "four"];

/** `a`, `a and b`, `a, b and c`. */
const inWords = (items: string[]) =>
  items.length < 2
    ? (items[0] ?? "")
    : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;

/** The repo's Solid gems and databases in the generated docs' words: only those it has. */
export function stackWords(uses: Uses) {
  const solid = SOLID_GEMS.filter(([use]) => uses[use]);
  const databases = ["primary", ...solid.map(([, , database]) => database)];
  const stored = [
    "Data",
    ...(uses.solidCache ? ["cache"] : []),
    ...(uses.solidQueue ? ["jobs"] : []),
  ];
  return {
    /** "Solid Cache, Solid Queue and Solid Cable"; empty when there is none. */
    solidGems: inWords(solid.map(([, gem]) => gem)),
    /** "primary, cache, queue and cable". */
    databases: inWords(databases),
    /** "cache, queue and cable": the Solid gems' own. */
    solidDatabases: inWords(databases.slice(1)),
    /** "Data, cache and jobs live", "Data lives": what is kept in PostgreSQL. */
    stored: `${inWords(stored)} ${stored.length > 1 ? "live" : "lives"}`,
    /** "four". */
    databaseCount: NUMBER_WORDS[databases.length]!,
    /** "`db/cache_schema.rb`, `db/queue_schema.rb`". */
    schemaFiles: solid
      .map(([, , database]) => `\`db/${database}_schema.rb\``)
      .join(", "),
  };
}

/** The jobs service on the instances: the app's Active Job backend. */
export interface JobsWorker {
  name: string;
  /** config.active_job.queue_adapter. */
  adapter: string;
  /** What `bundle exec` runs in the release. */
  command: string;
}

/** A process Procfile.dev runs beside Rails' server: an asset watcher. */
export interface DevProcess {
  name: string;
  command: string;
  /** What it is, in the README's words. */
  what: string;
}

export interface Fit {
  uses: Uses;
  worker: JobsWorker;
  /** The asset watchers of Procfile.dev: those of the app's own asset gems. */
  devProcesses: DevProcess[];
  /** How CI runs the app's tests. */
  testCommand: string;
  /** What was found in the app, one line each, for the summary. */
  detected: string[];
  /** What could not be adapted to the app, each with the way forward. */
  notAdapted: string[];
}

/** The Rails versions onboarding supports (docs/regeneration.md says so). */
export const SUPPORTED_RAILS = { from: "7.0", through: "8.1" };

const SOLID_QUEUE: JobsWorker = {
  name: "Solid Queue",
  adapter: "solid_queue",
  command: "bin/jobs",
};

/** The worker of each Active Job backend rails-aws can run as a service. */
const WORKERS: Record<string, JobsWorker> = {
  solid_queue: SOLID_QUEUE,
  sidekiq: {
    name: "Sidekiq",
    adapter: "sidekiq",
    command: "sidekiq --environment production",
  },
  good_job: { name: "GoodJob", adapter: "good_job", command: "good_job start" },
  delayed_job: {
    name: "Delayed Job",
    adapter: "delayed_job",
    command: "rake jobs:work",
  },
  resque: {
    name: "Resque",
    adapter: "resque",
    command: "rake resque:work QUEUE=*",
  },
};

/** Backends that keep their jobs in Redis. */
const REDIS_BACKENDS = new Set(["sidekiq", "resque"]);

const TAILWIND_WATCHER: DevProcess = {
  name: "css",
  command: "bin/rails tailwindcss:watch",
  what: "the Tailwind watcher",
};

/** How each package manager runs a package.json script in watch mode. */
const WATCH_SCRIPT: Record<NodeManager, (script: string) => string> = {
  yarn: (script) => `yarn ${script} --watch`,
  npm: (script) => `npm run ${script} -- --watch`,
  pnpm: (script) => `pnpm ${script} --watch`,
  bun: (script) => `bun run ${script} --watch`,
};

/**
 * The watchers that rebuild the app's assets in development, as the installers of its asset
 * gems write them into Procfile.dev: jsbundling-rails and cssbundling-rails run the package.json
 * build scripts with --watch. A bundler gem without its script is named in `notAdapted`.
 */
function devProcesses(app: ExistingApp, notAdapted: string[]): DevProcess[] {
  const scripts = app.node?.scripts ?? [];
  const watchScript = (gem: string, name: string, script: string) => {
    if (scripts.includes(script))
      return [
        {
          name,
          command: WATCH_SCRIPT[app.node?.manager ?? "yarn"](script),
          what: `the ${name === "js" ? "JavaScript" : "CSS"} watcher`,
        },
      ];
    notAdapted.push(
      `Procfile.dev: the app has ${gem} but its package.json has no "${script}" script, so bin/dev runs no ${name === "js" ? "JavaScript" : "CSS"} watcher. Add the script (${gem}'s installer writes it) and run rails-aws again.`,
    );
    return [];
  };
  const css =
    app.assets.css === "tailwindcss-rails"
      ? [TAILWIND_WATCHER]
      : app.assets.css === "dartsass"
        ? [
            {
              name: "css",
              command: "bin/rails dartsass:watch",
              what: "the Sass watcher",
            },
          ]
        : app.assets.css === "cssbundling"
          ? watchScript("cssbundling-rails", "css", "build:css")
          : [];
  const js =
    app.assets.javascript === "jsbundling"
      ? watchScript("jsbundling-rails", "js", "build")
      : [];
  return [...js, ...css];
}

export const NEW_APP_FIT: Fit = {
  uses: {
    postgres: true,
    solidCache: true,
    solidQueue: true,
    solidCable: true,
    actionCable: true,
    actionMailer: true,
    activeStorage: true,
    tailwind: true,
    rubocop: true,
    ciWorkflow: true,
    rubyVersionFile: true,
    rails81: true,
    rails8: true,
    rails71: true,
    deploy: true,
  },
  worker: SOLID_QUEUE,
  devProcesses: [TAILWIND_WATCHER],
  testCommand: "bin/rails test",
  detected: [],
  notAdapted: [],
};

/** `7.2.1` → [7, 2]. */
const minor = (version: string) =>
  version.split(".").slice(0, 2).map(Number) as [number, number];

function atLeast(version: string | undefined, wanted: string): boolean {
  if (version === undefined) return true;
  const [major, min] = minor(version);
  const [wantMajor, wantMinor] = minor(wanted);
  return major > wantMajor || (major === wantMajor && min >= wantMinor);
}

/** Why an app's Rails cannot be onboarded, or undefined when it can. */
export function unsupportedRails(app: ExistingApp): string | undefined {
  const version = app.rails?.version;
  if (
    version === undefined ||
    (atLeast(version, SUPPORTED_RAILS.from) &&
      !atLeast(version, nextMinor(SUPPORTED_RAILS.through)))
  )
    return undefined;
  return `this app runs Rails ${version} (${app.rails!.source}); rails-aws onboards Rails ${SUPPORTED_RAILS.from} to ${SUPPORTED_RAILS.through}: upgrade the app within that range first (https://guides.rubyonrails.org/upgrading_ruby_on_rails.html), then run rails-aws again`;
}

/** Solid Cable 4 needs Ruby 3.3. */
export const solidCableRuns = (rubyVersion: string) =>
  atLeast(rubyVersion, "3.3");

function nextMinor(version: string): string {
  const [major, min] = minor(version);
  return `${major}.${min + 1}`;
}

const loads = (app: ExistingApp, framework: string) =>
  app.frameworks === "all" || app.frameworks.includes(framework);

/** Whether the app needs a Redis the stacks create only with the redis cable adapter. */
export function needsRedis(app: ExistingApp): boolean {
  return (
    app.cableAdapter === "redis" ||
    REDIS_BACKENDS.has(app.jobAdapter ?? "") ||
    app.cacheStore === "redis_cache_store"
  );
}

function describe(app: ExistingApp): string[] {
  const { assets } = app;
  return [
    `Rails ${app.rails ? `${app.rails.version} (${app.rails.source})` : "version unknown (no Gemfile.lock)"}`,
    `Ruby ${app.ruby ? `${app.ruby.version} (${app.ruby.source})` : "not stated"}`,
    `database: ${app.database ? `${app.database.adapters.join(", ") || "adapter not named"} (${app.database.file})` : "no config/database.yml"}`,
    `Action Cable: ${loads(app, "action_cable") ? (app.cableAdapter ?? "no config/cable.yml") : "not loaded"}`,
    `Active Job: ${app.jobAdapter ?? "no backend (in-process)"}`,
    `cache store: ${app.cacheStore ?? "not set for production"}`,
    `frameworks: ${app.frameworks === "all" ? 'all (require "rails/all")' : app.frameworks.join(", ") || "none required"}`,
    `assets: ${[assets.pipeline ?? "no pipeline gem", assets.javascript ?? "no JavaScript bundler gem", ...(assets.css ? [assets.css] : [])].join(", ")}${app.node ? ` (package.json with ${app.node.manager})` : ""}`,
    `tests: ${app.testFramework ?? "none found"}`,
    `deploy: ${app.deployTools.map((tool) => `${tool.name} (${tool.file})`).join(", ") || "none found"}`,
    `CI: ${app.ci.join(", ") || "none found"}`,
  ];
}

/** How the generated repo fits this app, given the answers (the cable adapter). */
export function fitApp(
  app: ExistingApp,
  answers: { cableAdapter: string; rubyVersion: string },
): Fit {
  const notAdapted: string[] = [];
  const rails = app.rails?.version;
  const redis = answers.cableAdapter === "redis";
  const postgres =
    app.database === undefined ||
    app.database.adapters.length === 0 ||
    app.database.adapters.some(
      (name) => name === "postgresql" || name === "postgis",
    );
  if (!postgres)
    notAdapted.push(
      `database: the app uses ${app.database!.adapters.join(", ")} (${app.database!.file}) and the AWS stacks run RDS PostgreSQL: config/database.yml and the pg gem were left as they are. Move the app to PostgreSQL (gem "pg", adapter: postgresql) before its first deploy, then run rails-aws again for its database.yml.`,
    );
  // Solid Cache, Queue and Cable 1.x need Rails 7.2 (their gemspecs), and PostgreSQL databases here.
  const solid = postgres && atLeast(rails, "7.2");
  if (postgres && !solid)
    notAdapted.push(
      `Solid Cache, Solid Queue and Solid Cable need Rails 7.2 and this app runs Rails ${rails}: none was added. Upgrade to Rails 7.2 to get them, or keep the app's own backends.`,
    );
  const ownBackend =
    app.jobAdapter !== undefined &&
    !["async", "inline", "solid_queue"].includes(app.jobAdapter);
  const worker = ownBackend ? WORKERS[app.jobAdapter!] : SOLID_QUEUE;
  if (ownBackend && worker === undefined)
    notAdapted.push(
      `jobs: rails-aws cannot run the app's ${app.jobAdapter} backend as a service: the jobs unit runs Solid Queue (bin/jobs). Edit config/systemd's jobs unit to start the app's worker.`,
    );
  if (!ownBackend && !solid && app.jobAdapter !== "solid_queue")
    notAdapted.push(
      "jobs: the jobs unit runs Solid Queue (bin/jobs), which this app does not have: add a backend (Solid Queue needs Rails 7.2 and PostgreSQL here), or edit config/systemd's jobs unit.",
    );
  if (needsRedis(app) && !redis)
    notAdapted.push(
      "Redis: the app uses Redis (its cable, job backend or cache store) but the stacks create ElastiCache only with --cable-adapter redis: run rails-aws again with --cable-adapter redis.",
    );
  const actionCable = loads(app, "action_cable");
  if (solid && actionCable && !redis && !solidCableRuns(answers.rubyVersion))
    notAdapted.push(
      `Action Cable: Solid Cable 4 needs Ruby 3.3 and the app runs Ruby ${answers.rubyVersion}: config/cable.yml uses Action Cable's own PostgreSQL adapter (LISTEN/NOTIFY) instead. Move to Ruby 3.3 for Solid Cable, or use --cable-adapter redis.`,
    );
  const foreignDeploy = app.deployTools;
  if (foreignDeploy.length > 0)
    notAdapted.push(
      `deploy: the app deploys with ${foreignDeploy.map((tool) => `${tool.name} (${tool.file})`).join(", ")}: the Capistrano deploy, its systemd units and .github/workflows/deploy.yml were not written beside it. To deploy to the AWS stacks with rails-aws's Capistrano instead, move those files out of the repo and run rails-aws again.`,
    );
  if (app.ci.length > 0)
    notAdapted.push(
      `CI: the app has its own (${app.ci.join(", ")}): .github/workflows/ci.yml was not written beside it. Its checks (brakeman, bundler-audit, the tests) are worth adding to yours.`,
    );
  const watchers = devProcesses(app, notAdapted);
  const uses: Uses = {
    postgres,
    solidCache:
      solid &&
      (app.cacheStore === undefined || app.cacheStore === "solid_cache_store"),
    solidQueue: solid && !ownBackend,
    solidCable: solid && actionCable && !redis,
    actionCable,
    actionMailer: loads(app, "action_mailer"),
    activeStorage: loads(app, "active_storage"),
    tailwind: app.assets.tailwind,
    rubocop: app.rubocopConfig,
    ciWorkflow: app.ci.length === 0,
    rubyVersionFile:
      app.ruby === undefined || app.ruby.source === ".ruby-version",
    rails81: atLeast(rails, "8.1"),
    rails8: atLeast(rails, "8.0"),
    rails71: atLeast(rails, "7.1"),
    deploy: foreignDeploy.length === 0,
  };
  return {
    uses,
    worker: worker ?? SOLID_QUEUE,
    devProcesses: watchers,
    testCommand:
      app.testFramework === "rspec"
        ? "bundle exec rspec"
        : NEW_APP_FIT.testCommand,
    detected: describe(app),
    notAdapted,
  };
}
