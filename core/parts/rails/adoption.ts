// How the rails part joins an existing Rails app: the app keeps its own files; its Gemfile gets
// the gems the generated config needs and its routes the health checks, each once.
import { DEPLOY_GEMS } from "../capistrano/context.js";
import type { Adoption } from "../part.js";

/** The Rails config files the generator owns: an existing one is merged (or a conflict). */
const OWNED_CONFIG = new Set([
  "config/database.yml",
  "config/cable.yml",
  "config/cache.yml",
  "config/queue.yml",
  "config/storage.yml",
  "config/puma.rb",
  "config/environments/production.rb",
]);

const GEM_LINE = /^\s*gem\s+["']([^"']+)["']/;

/**
 * The gems an existing app gets: those the generated config and workflows use. Not the rest of
 * a new app's Gemfile (propshaft, tailwindcss-rails, bootsnap...): an app may rightly use others.
 */
const GEMS_THE_CONFIG_NEEDS = new Set([
  "pg",
  "puma",
  "solid_cache",
  "solid_queue",
  "solid_cable",
  "redis",
  "aws-sdk-s3",
  "aws-actionmailer-ses",
  "brakeman",
  "bundler-audit",
  "rubocop-rails-omakase",
  ...DEPLOY_GEMS.map((gem) => gem.name),
]);

const GROUP_LINE = /^\s*group\s+(.+?)\s+do\s*$/;

/** The gem lines of a Gemfile, by the group they are in ("" outside any group). */
function gemsByGroup(gemfile: string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  let group = "";
  for (const line of gemfile.split("\n")) {
    const opened = GROUP_LINE.exec(line);
    if (opened) group = opened[1]!;
    else if (/^end\s*$/.test(line)) group = "";
    else if (GEM_LINE.test(line))
      groups.set(group, [...(groups.get(group) ?? []), line.trim()]);
  }
  return groups;
}

const gemName = (line: string) => GEM_LINE.exec(line)![1]!;

function addMissingGems(existing: string, generated: string): string {
  const present = new Set(
    existing
      .split("\n")
      .filter((line) => GEM_LINE.test(line))
      .map(gemName),
  );
  const blocks = [...gemsByGroup(generated)]
    .map(
      ([group, lines]) =>
        [
          group,
          lines.filter(
            (line) =>
              GEMS_THE_CONFIG_NEEDS.has(gemName(line)) &&
              !present.has(gemName(line)),
          ),
        ] as const,
    )
    .filter(([, lines]) => lines.length > 0)
    .map(([group, lines]) =>
      group
        ? [`group ${group} do`, ...lines.map((l) => `  ${l}`), "end"].join("\n")
        : lines.join("\n"),
    );
  if (blocks.length === 0) return existing;
  return `${existing.trimEnd()}\n\n# Added by rails-aws: gems its generated config needs.\n${blocks.join("\n\n")}\n`;
}

const HEALTH_ROUTES: [RegExp, string][] = [
  [
    /^\s*get\s+["']up["']/m,
    `  get "up" => "rails/health#show", as: :rails_health_check`,
  ],
  [/^\s*get\s+["']health["']/m, `  get "health" => "rails/health#show"`],
];

function addHealthRoutes(existing: string): string {
  const missing = HEALTH_ROUTES.filter(
    ([present]) => !present.test(existing),
  ).map(([, route]) => route);
  const draw = /^Rails\.application\.routes\.draw do\s*$/m;
  if (missing.length === 0 || !draw.test(existing)) return existing;
  return existing.replace(
    draw,
    (line) =>
      `${line}\n  # Added by rails-aws: the load balancer checks /health.\n${missing.join("\n")}\n`,
  );
}

export function railsAdoption(path: string): Adoption | undefined {
  if (path === "Gemfile") return addMissingGems;
  if (path === "config/routes.rb") return addHealthRoutes;
  return OWNED_CONFIG.has(path) ? undefined : "keep";
}
