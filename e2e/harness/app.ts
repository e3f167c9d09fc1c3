// The generated repo as the suite runs it: written by the project's own CLI, with Rails 8.1 and
// the gems the vendored sources hold as path gems, the rest from Debian's packages, and stand-ins
// (e2e/stand-ins, each gemspec's summary says for what) where neither has the gem.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { isObject } from "../../check/cloudformation/json.js";
import { parseCloudFormationFile } from "../../check/cloudformation/template.js";
import { packageRoot } from "../../core/paths.js";
import type { Host } from "./fleet.js";
import { cacheRoot, rootPath } from "./rootfs.js";

/** Where the hosts see the suite's shared folder (gems, the app, the AWS stand-in's state). */
export const SHARED = "/opt/e2e";

/** Gems named in the generated Gemfile that come from the vendored sources (folder in the tarball). */
const VENDORED: Record<string, string> = {
  rails: "rails",
  propshaft: "propshaft",
  puma: "puma",
  "importmap-rails": "importmap-rails",
  "tailwindcss-rails": "tailwindcss-rails",
  solid_cache: "solid_cache",
  solid_queue: "solid_queue",
  solid_cable: "solid_cable",
  "aws-actionmailer-ses": "aws-actionmailer-ses",
  "capistrano-bundler": "capistrano-bundler",
  "capistrano-rails": "capistrano-rails",
};

/** Gems named in the Gemfile that neither Debian nor the tarball has: a stand-in each. */
const NAMED_STAND_INS = ["bundler-audit", "brakeman", "rubocop-rails-omakase"];

/** Gems the path gems depend on, installed as gems from the tarball's or the stand-ins' sources. */
const INDIRECT = [
  "fugit",
  "et-orbi",
  "stand-ins/tailwindcss-ruby",
  "stand-ins/action_text-trix",
  "stand-ins/aws-sdk-ses",
  "stand-ins/aws-sdk-sesv2",
];

/** The tarball of Rails 8.1 sources (shared/vendor/), found beside the clone or named by E2E_VENDOR. */
export function vendorTarball(): string | undefined {
  const named = process.env.E2E_VENDOR;
  if (named) return named;
  for (let dir = packageRoot; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, "shared/vendor/rails-8.1-sources.tar.xz");
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The Gemfile with each vendored or stand-in gem taken from its folder: its version constraint
 * gives way to `path:` (the tarball's versions are what they are), its other options stay.
 * No gem is added or removed.
 */
export function localGemfile(gemfile: string, gems: string): string {
  const paths: Record<string, string> = Object.fromEntries([
    ...Object.entries(VENDORED).map(([gem, dir]) => [gem, `${gems}/${dir}`]),
    ...NAMED_STAND_INS.map((gem) => [gem, `${gems}/stand-ins/${gem}`]),
  ]);
  return gemfile.replace(
    /^(\s*)gem "([^"]+)"((?:, *[^\n]*)?)$/gm,
    (line, indent: string, name: string, rest: string) => {
      const path = paths[name];
      if (!path) return line;
      const options = rest
        .split(/, */)
        .filter((part) => part && !/^["']/.test(part));
      return `${indent}gem "${name}", ${[`path: "${path}"`, ...options].join(", ")}`;
    },
  );
}

export interface PreparedApp {
  /** The generated repo on this machine (inside the shared folder). */
  dir: string;
  /** The same, as the hosts see it. */
  hostDir: string;
  generatorOutput: string;
}

/**
 * Generates the repo into `shared`/app with `args`, unpacks the vendored sources into
 * `shared`/gems with the stand-ins beside them, and points the Gemfile at them.
 */
export function prepareApp(
  shared: string,
  tarball: string,
  args: readonly string[],
): PreparedApp {
  const dir = join(shared, "app");
  const generatorOutput = execFileSync(
    process.execPath,
    [
      join(packageRoot, "bin/rails-aws.js"),
      dir,
      "--defaults",
      "--domain",
      "example.com",
      ...args,
    ],
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  const gems = join(shared, "gems");
  mkdirSync(gems, { recursive: true });
  execFileSync("tar", ["-xJf", tarball, "-C", gems]);
  cpSync(join(packageRoot, "e2e/stand-ins"), join(gems, "stand-ins"), {
    recursive: true,
  });
  const gemfile = join(dir, "Gemfile");
  writeFileSync(
    gemfile,
    localGemfile(readFileSync(gemfile, "utf8"), `${SHARED}/gems`),
  );
  return { dir, hostDir: `${SHARED}/app`, generatorOutput };
}

/**
 * Inside a host: builds Puma's C extension in its source folder (Bundler does not build path
 * gems' extensions) and installs the indirect gems, or takes both from the cache when this root,
 * tarball and stand-ins built them before; then locks the bundle from what is installed, for the
 * Linux platform the hosts run.
 */
export async function buildBundle(
  host: Host,
  shared: string,
  tarball: string,
): Promise<void> {
  const cache = join(cacheRoot(), `gems-${builtGemsKey(tarball)}`);
  const extension = "gems/puma/lib/puma/puma_http11.so";
  if (existsSync(join(cache, ".complete"))) {
    cpSync(join(cache, "puma_http11.so"), join(shared, extension));
    cpSync(join(cache, "gem-home"), join(shared, "gem-home"), {
      recursive: true,
    });
  } else {
    await host.run(
      `cd ${SHARED}/gems/puma/ext/puma_http11
       ruby extconf.rb >/dev/null && make -s -j"$(nproc)" >/dev/null
       cp puma_http11.so ../../lib/puma/ && make -s distclean >/dev/null
       mkdir -p /tmp/gem-build ${SHARED}/gem-home
       for dir in ${INDIRECT.map((d) => `${SHARED}/gems/${d}`).join(" ")}; do
         (cd "$dir" && gem build --silent -o "/tmp/gem-build/$(basename "$dir").gem" ./*.gemspec)
       done
       gem install --local --no-document --ignore-dependencies --silent \\
         --install-dir ${SHARED}/gem-home /tmp/gem-build/*.gem`,
      { timeoutMs: 10 * 60_000 },
    );
    // Made aside and renamed: a run that stops halfway leaves no cache that looks complete.
    const building = `${cache}.build-${process.pid}`;
    rmSync(building, { recursive: true, force: true });
    mkdirSync(building, { recursive: true });
    cpSync(join(shared, extension), join(building, "puma_http11.so"));
    cpSync(join(shared, "gem-home"), join(building, "gem-home"), {
      recursive: true,
    });
    writeFileSync(join(building, ".complete"), "");
    rmSync(cache, { recursive: true, force: true });
    renameSync(building, cache);
  }
  await host.run(
    `cd ${SHARED}/app && GEM_PATH=${SHARED}/gem-home: bundle lock --local 2>&1 | grep -v "not a git repository\\|filesystem boundary" >&2`,
    { timeoutMs: 10 * 60_000 },
  );
}

/** What the built gems depend on: the root they were built in, the tarball, the stand-ins. */
function builtGemsKey(tarball: string): string {
  const hash = createHash("sha256").update(rootPath());
  const { size, mtimeMs } = statSync(tarball);
  hash.update(`${tarball} ${size} ${mtimeMs}`);
  const standIns = join(packageRoot, "e2e/stand-ins");
  for (const file of readdirSync(standIns, { recursive: true }).sort()) {
    const path = join(standIns, String(file));
    if (statSync(path).isFile())
      hash.update(`${file}\0`).update(readFileSync(path));
  }
  return hash.digest("hex").slice(0, 12);
}

/**
 * Compiles the assets into the repo's public/assets, as a deploy does on the first host before
 * it publishes the release: instances launched later serve them from the published release.
 * `variables`: what production's boot insists on, though compiling assets uses none of it.
 */
export async function precompileAssets(
  host: Host,
  variables: Record<string, string>,
): Promise<void> {
  const assignments = Object.entries(variables)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`)
    .join(" ");
  await host.run(
    `cd ${SHARED}/app && env ${assignments} RAILS_ENV=production SECRET_KEY_BASE_DUMMY=1 ACTIVE_STORAGE_SERVICE=local GEM_PATH=${SHARED}/gem-home: bundle exec rails assets:precompile 2>&1 | { grep -v "not a git repository\\|filesystem boundary" >&2 || true; }`,
    { timeoutMs: 10 * 60_000 },
  );
}

/** Fn::Sub's variables in the user data: the test's stand-ins for the stack's values. */
export type StackValues = Record<string, string>;

interface LaunchTemplate {
  /** The files the user data installs, by path. */
  Metadata: Record<string, string>;
  Properties: { LaunchTemplateData: { UserData: unknown } };
}

/** The launch template of infra/cloudformation/app.yml's text `contents`. */
function launchTemplate(contents: string): LaunchTemplate {
  const parsed = parseCloudFormationFile({
    path: "infra/cloudformation/app.yml",
    contents,
  } as Parameters<typeof parseCloudFormationFile>[0]);
  const template = parsed.body as { Resources: Record<string, unknown> };
  return Object.values(template.Resources).find(
    (r) => isObject(r) && r.Type === "AWS::EC2::LaunchTemplate",
  ) as LaunchTemplate;
}

const appYml = (repo: string) =>
  readFileSync(join(repo, "infra/cloudformation/app.yml"), "utf8");

/**
 * The files the user data installs from the launch template's Metadata, by path, as
 * CloudFormation's describe-stack-resource gives them: `contents` is app.yml's text.
 */
export function bootFiles(contents: string): Record<string, string> {
  return launchTemplate(contents).Metadata;
}

/** The launch template's Metadata as describe-stack-resource gives it, for the AWS stand-in. */
export function launchTemplateMetadata(repo: string): string {
  return JSON.stringify(launchTemplate(appYml(repo)).Metadata);
}

/** The launch template's user data from infra/cloudformation/app.yml, rendered with `values`. */
export function userData(repo: string, values: StackValues): string {
  const launch = launchTemplate(appYml(repo));
  const base64 = launch.Properties.LaunchTemplateData.UserData as Record<
    string,
    unknown
  >;
  return substituted(base64["Fn::Base64"], values);
}

/**
 * What CloudFormation makes of `Fn::Sub`: a string, or a string and its own variables, with the
 * stack's `values` for every other `${Name}`.
 */
export function substituted(sub: unknown, values: StackValues): string {
  const argument = (sub as Record<string, unknown>)["Fn::Sub"];
  const [text, variables] = (
    Array.isArray(argument) ? argument : [argument, {}]
  ) as [string, Record<string, unknown>];
  return text.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith("!")) return `\${${name.slice(1)}}`;
    // The stack's value where the suite gives one (a Ref, a GetAtt, the outcome of a nested
    // Fn::Sub of those); else the Fn::Sub's own variable, a string or an Fn::Sub of its own.
    const variable = variables[name];
    const value =
      values[name] ??
      (typeof variable === "string"
        ? variable
        : isObject(variable) && "Fn::Sub" in variable
          ? substituted(variable, values)
          : undefined);
    if (value === undefined)
      throw new Error(
        `the user data uses \${${name}}, which the e2e suite gives no value`,
      );
    return value;
  });
}

/**
 * The user data without the steps that download from the internet (packages, the AWS CLI, the
 * CloudWatch agent, Ruby's source): the root file system has the packages, and stand-ins
 * play the AWS CLI and Ruby in /usr/local. Returns the script and the lines it leaves out.
 */
export function offlineUserData(script: string): {
  script: string;
  skipped: string[];
} {
  const lines = script.split("\n");
  const from = lines.findIndex((line) =>
    line.startsWith("export DEBIAN_FRONTEND"),
  );
  const to = lines.findIndex((line) =>
    line.startsWith("# The deploy user and the release tree"),
  );
  if (from < 0 || to < from)
    throw new Error(
      "the user data no longer has its download steps between `export DEBIAN_FRONTEND` and `# The deploy user and the release tree`: update offlineUserData",
    );
  return {
    script: [...lines.slice(0, from), ...lines.slice(to)].join("\n"),
    skipped: lines.slice(from, to),
  };
}
