// What an existing Rails app already is, read from its files before anything is written: its
// Rails and Ruby, its database, cable, queue and cache backends, the frameworks it loads, its
// assets, tests, deploy tool and CI. Pure: it reads only through the AppFiles it is given.

/** The app's files as detection reads them: the generator's own files read as absent. */
export interface AppFiles {
  read(path: string): string | undefined;
  /**
   * Paths of the files in a folder, relative to the app, and in its subfolders down to `depth`
   * levels (0: the folder's own files); `.` is the app's root; none when it is absent.
   */
  list(dir: string, depth?: number): string[];
}

export type NodeManager = "yarn" | "npm" | "pnpm" | "bun";

export interface RubySource {
  version: string;
  /** The file it was read from: .ruby-version, .tool-versions, .mise.toml or Gemfile. */
  source: string;
}

export interface ExistingApp {
  /** From Gemfile.lock (railties), else the Gemfile's `gem "rails"` requirement. */
  rails?: { version: string; source: string };
  /** Database adapters named by the app's database config, and the file naming them. */
  database?: { adapters: string[]; file: string };
  /** Action Cable's production adapter in config/cable.yml. */
  cableAdapter?: string;
  /** Active Job's backend: config.active_job.queue_adapter, else a known backend gem. */
  jobAdapter?: string;
  /** config.cache_store in production. */
  cacheStore?: string;
  /** `all` for require "rails/all", else the frameworks config/application.rb requires. */
  frameworks: "all" | string[];
  assets: {
    pipeline?: string;
    javascript?: string;
    /** The CSS build gem: tailwindcss-rails, cssbundling or dartsass. */
    css?: string;
    tailwind: boolean;
  };
  /** The app's package.json: its scripts, and the package manager that installs it. */
  node?: { manager: NodeManager; scripts: string[] };
  testFramework?: "rspec" | "minitest";
  /** Deploy tools found, each with the file that shows it. */
  deployTools: { name: string; file: string }[];
  /** CI configuration files. */
  ci: string[];
  ruby?: RubySource;
  rubocopConfig: boolean;
  /** Gem names the Gemfile declares. */
  gems: string[];
}

/** Where each database config may live: Rails' name, then the names of a copy bin/setup makes. */
export const DATABASE_CONFIGS = [
  "config/database.yml",
  "config/database.yml.sample",
  "config/database.yml.example",
  "config/database.yml.dist",
];

const DATABASE_ADAPTERS = [
  "postgresql",
  "postgis",
  "mysql2",
  "trilogy",
  "sqlite3",
  "oracle_enhanced",
  "sqlserver",
];

const JOB_BACKEND_GEMS: [string, string][] = [
  ["sidekiq", "sidekiq"],
  ["good_job", "good_job"],
  ["delayed_job_active_record", "delayed_job"],
  ["delayed_job", "delayed_job"],
  ["resque", "resque"],
  ["solid_queue", "solid_queue"],
];

const GEM_NAME = /^\s*gem\s+["']([^"']+)["']/;

function gemsOf(gemfile: string | undefined): string[] {
  return (gemfile ?? "")
    .split("\n")
    .map((line) => GEM_NAME.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

function railsVersion(files: AppFiles): ExistingApp["rails"] {
  const locked = files
    .read("Gemfile.lock")
    ?.match(/^ {4}(?:railties|rails) \((\d+\.\d+[\w.]*)\)$/m)?.[1];
  if (locked) return { version: locked, source: "Gemfile.lock" };
  const required = files
    .read("Gemfile")
    ?.match(/^\s*gem\s+["']rails["']\s*,\s*["'][~>=\s]*(\d+\.\d+[\d.]*)/m)?.[1];
  return required ? { version: required, source: "Gemfile" } : undefined;
}

function database(files: AppFiles): ExistingApp["database"] {
  for (const file of DATABASE_CONFIGS) {
    const text = files.read(file);
    if (text === undefined) continue;
    // `adapter: mysql2`, and the adapters an ERB choice names (`<%= ENV.fetch("DB", "sqlite3") %>`).
    const adapters = [
      ...new Set(
        text
          .split("\n")
          .filter((line) => /^\s*adapter:/.test(line))
          .flatMap((line) =>
            DATABASE_ADAPTERS.filter((name) =>
              new RegExp(`\\b${name}\\b`).test(line),
            ),
          ),
      ),
    ];
    return { adapters, file };
  }
  return undefined;
}

/** The lines of a top-level YAML section (`production:` up to the next top-level key). */
function section(yaml: string, key: string): string {
  const lines = yaml.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${key}:`));
  if (start < 0) return "";
  const rest = lines.slice(start + 1);
  const end = rest.findIndex(
    (line) => /^\S/.test(line) && !line.startsWith("#"),
  );
  return rest.slice(0, end < 0 ? undefined : end).join("\n");
}

function cableAdapter(files: AppFiles): string | undefined {
  const cable = files.read("config/cable.yml");
  if (cable === undefined) return undefined;
  const production = section(cable, "production");
  return /^\s+adapter:\s*(\w+)/m.exec(production)?.[1];
}

const setting = (text: string | undefined, name: string) =>
  new RegExp(`^\\s*config\\.${name}\\s*=\\s*\\[?\\s*:(\\w+)`, "m").exec(
    text ?? "",
  )?.[1];

function jobAdapter(files: AppFiles, gems: string[]): string | undefined {
  const configured =
    setting(
      files.read("config/environments/production.rb"),
      "active_job\\.queue_adapter",
    ) ??
    setting(files.read("config/application.rb"), "active_job\\.queue_adapter");
  if (configured) return configured;
  return JOB_BACKEND_GEMS.find(([gem]) => gems.includes(gem))?.[1];
}

function frameworks(files: AppFiles): ExistingApp["frameworks"] {
  const application = files.read("config/application.rb") ?? "";
  if (/^\s*require\s+["']rails\/all["']/m.test(application)) return "all";
  return [
    ...application.matchAll(
      /^\s*require\s+["'](\w+)\/(?:engine|railtie)["']/gm,
    ),
  ].map((match) => match[1]!);
}

function assets(gems: string[]): ExistingApp["assets"] {
  const first = (pairs: [string, string][]) =>
    pairs.find(([gem]) => gems.includes(gem))?.[1];
  return {
    pipeline: first([
      ["propshaft", "propshaft"],
      ["sprockets-rails", "sprockets"],
      ["sprockets", "sprockets"],
    ]),
    javascript: first([
      ["importmap-rails", "importmap"],
      ["jsbundling-rails", "jsbundling"],
      ["shakapacker", "shakapacker"],
      ["webpacker", "webpacker"],
      ["vite_rails", "vite"],
    ]),
    css: first([
      ["tailwindcss-rails", "tailwindcss-rails"],
      ["cssbundling-rails", "cssbundling"],
      ["dartsass-rails", "dartsass"],
    ]),
    tailwind: gems.includes("tailwindcss-rails"),
  };
}

/** Each package manager's lockfile; yarn is what jsbundling-rails installs with by default. */
const LOCKFILES: [string, NodeManager][] = [
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["pnpm-lock.yaml", "pnpm"],
  ["bun.lock", "bun"],
  ["bun.lockb", "bun"],
];

function node(files: AppFiles): ExistingApp["node"] {
  const text = files.read("package.json");
  if (text === undefined) return undefined;
  let manifest: { scripts?: unknown; packageManager?: unknown } = {};
  try {
    manifest = JSON.parse(text) ?? {};
  } catch {
    // An unreadable package.json has no scripts to run.
  }
  const scripts =
    typeof manifest.scripts === "object" && manifest.scripts !== null
      ? Object.keys(manifest.scripts)
      : [];
  // Corepack's `"packageManager": "pnpm@9.1.0"` names it; else the lockfile does.
  const declared = /^(yarn|npm|pnpm|bun)@/.exec(
    String(manifest.packageManager ?? ""),
  )?.[1] as NodeManager | undefined;
  const manager =
    declared ??
    LOCKFILES.find(([lockfile]) => files.read(lockfile) !== undefined)?.[1] ??
    "yarn";
  return { manager, scripts };
}

function testFramework(files: AppFiles, gems: string[]) {
  if (
    gems.includes("rspec-rails") ||
    files.read("spec/spec_helper.rb") !== undefined
  )
    return "rspec" as const;
  return files.read("test/test_helper.rb") !== undefined
    ? ("minitest" as const)
    : undefined;
}

/** Files whose presence shows a deploy tool, by tool. */
const DEPLOY_MARKERS: [string, string[]][] = [
  ["Capistrano", ["Capfile", "config/deploy.rb"]],
  ["Kamal", ["config/deploy.yml", ".kamal/secrets"]],
  ["Fly.io", ["fly.toml"]],
  ["Render", ["render.yaml"]],
  ["Heroku", ["app.json"]],
];

/** Folders where apps keep Kubernetes manifests, Kustomize overlays or Helm charts. */
const KUBERNETES_DIRS = [
  "k8s",
  "kubernetes",
  "kube",
  "helm",
  "charts",
  "deploy",
  "manifests",
  ".",
];

/** A Kubernetes manifest has a top-level `apiVersion:` and `kind:` (in one of its documents). */
const isManifest = (text: string) =>
  /^apiVersion:\s*\S/m.test(text) && /^kind:\s*\S/m.test(text);

/**
 * The first file that shows the app deploys to Kubernetes: a Helm chart (Chart.yaml), a Kustomize
 * file, or a manifest; a folder named k8s holding anything else is not taken for it.
 */
function kubernetesFile(files: AppFiles): string | undefined {
  for (const dir of KUBERNETES_DIRS)
    for (const path of files.list(dir, dir === "." ? 0 : 3)) {
      const name = path.split("/").pop()!;
      if (!/\.ya?ml$/.test(name)) continue;
      if (/^(Chart|kustomization)\.ya?ml$/.test(name)) return path;
      // The app's root holds many YAML files: there, only a chart or a Kustomize file counts.
      if (dir !== "." && isManifest(files.read(path) ?? "")) return path;
    }
  return undefined;
}

function deployTools(files: AppFiles): ExistingApp["deployTools"] {
  const found = DEPLOY_MARKERS.flatMap(([name, markers]) => {
    const file = markers.find((path) => files.read(path) !== undefined);
    return file ? [{ name, file }] : [];
  });
  const kubernetes = kubernetesFile(files);
  return kubernetes
    ? [...found, { name: "Kubernetes", file: kubernetes }]
    : found;
}

function ci(files: AppFiles): string[] {
  return [
    ...files.list(".github/workflows").filter((path) => /\.ya?ml$/.test(path)),
    ...[
      ".gitlab-ci.yml",
      ".circleci/config.yml",
      ".travis.yml",
      "bitbucket-pipelines.yml",
      ".buildkite/pipeline.yml",
    ].filter((path) => files.read(path) !== undefined),
  ];
}

/** Each place a Ruby version may be stated, in the order version managers and Bundler read them. */
const RUBY_SOURCES: [string, RegExp][] = [
  [".ruby-version", /^\s*(?:ruby-)?(\d+\.\d+\.\d+)\s*$/m],
  [".tool-versions", /^\s*ruby\s+(?:ruby-)?(\d+\.\d+\.\d+)/m],
  [".mise.toml", /^\s*ruby\s*=\s*["'](\d+\.\d+\.\d+)["']/m],
  ["mise.toml", /^\s*ruby\s*=\s*["'](\d+\.\d+\.\d+)["']/m],
  ["Gemfile", /^\s*ruby\s+["'][~>=\s]*(\d+\.\d+\.\d+)["']/m],
];

export function rubySource(files: AppFiles): RubySource | undefined {
  for (const [source, pattern] of RUBY_SOURCES) {
    const version = pattern.exec(files.read(source) ?? "")?.[1];
    if (version) return { version, source };
  }
  return undefined;
}

export function detectApp(files: AppFiles): ExistingApp {
  const gems = gemsOf(files.read("Gemfile"));
  return {
    rails: railsVersion(files),
    database: database(files),
    cableAdapter: cableAdapter(files),
    jobAdapter: jobAdapter(files, gems),
    cacheStore: setting(
      files.read("config/environments/production.rb"),
      "cache_store",
    ),
    frameworks: frameworks(files),
    assets: assets(gems),
    node: node(files),
    testFramework: testFramework(files, gems),
    deployTools: deployTools(files),
    ci: ci(files),
    ruby: rubySource(files),
    rubocopConfig: files.read(".rubocop.yml") !== undefined,
    gems,
  };
}

/** Other names under which an app keeps a file the generator writes. */
const ALTERNATIVE_NAMES: Record<string, string[]> = {
  "config/database.yml": DATABASE_CONFIGS.slice(1),
  "docker-compose.yml": ["docker-compose.yaml", "compose.yml", "compose.yaml"],
  ".env.example": [".env.sample", ".env.template", ".env.dist"],
};

/**
 * The name an app keeps a generated file under: its own, or, when only another name exists (a
 * database.yml.sample that bin/setup copies, a compose.yaml), that one, so that the app's file
 * counts as existing and is not doubled by a new file under the generator's name.
 */
export function nameInApp(
  path: string,
  exists: (path: string) => boolean,
): string {
  if (exists(path)) return path;
  return (ALTERNATIVE_NAMES[path] ?? []).find(exists) ?? path;
}
