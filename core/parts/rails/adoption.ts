// How the rails part joins an existing Rails app: the app keeps its own files; its Gemfile gets
// the gems the generated config needs and its routes the health checks, each once (what the user
// removes afterwards stays removed).
import { DEPLOY_GEMS } from "../capistrano/context.js";
import type { Adoption } from "../part.js";

/** The Rails config the deploy needs: an existing one is left as it is, the generated one proposed beside it. */
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

/** The gems the generated config needs that the Gemfile lacks, never those added before. */
function addMissingGems(
  existing: string,
  generated: string,
  addedBefore: string[],
): { contents: string; added: string[] } {
  const present = new Set([
    ...existing
      .split("\n")
      .filter((line) => GEM_LINE.test(line))
      .map(gemName),
    // A gem added by an earlier run and since removed by the user stays removed.
    ...addedBefore,
  ]);
  const missing = [...gemsByGroup(generated)]
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
    .filter(([, lines]) => lines.length > 0);
  if (missing.length === 0) return { contents: existing, added: addedBefore };
  const blocks = missing.map(([group, lines]) =>
    group
      ? [`group ${group} do`, ...lines.map((l) => `  ${l}`), "end"].join("\n")
      : lines.join("\n"),
  );
  return {
    contents: `${existing.trimEnd()}\n\n# Added by rails-aws: gems its generated config needs.\n${blocks.join("\n\n")}\n`,
    added: [
      ...addedBefore,
      ...missing.flatMap(([, lines]) => lines.map(gemName)),
    ],
  };
}

/** A health route of the generated routes.rb: `get "health" => ...`, by its path. */
const HEALTH_ROUTE = /^\s*get\s*\(?\s*["']\/?(up|health)["']/;

/** The line that opens the routes: `Rails.application.routes.draw do`, `Shop::Application...`, with a comment or not. */
const DRAW_LINE = /^[\w:]+(?:\.application)?\.routes\.draw\s+do\b.*$/m;

/** The health routes the load balancer needs that the app's routes lack, never those added before. */
function addHealthRoutes(
  existing: string,
  generated: string,
  addedBefore: string[],
): { contents: string; added: string[]; note?: string } {
  const present = new Set([
    ...existing
      .split("\n")
      .map((line) => HEALTH_ROUTE.exec(line)?.[1])
      .filter((path) => path !== undefined),
    ...addedBefore,
  ]);
  const missing = generated.split("\n").filter((line) => {
    const path = HEALTH_ROUTE.exec(line)?.[1];
    return path !== undefined && !present.has(path);
  });
  if (missing.length === 0) return { contents: existing, added: addedBefore };
  if (!DRAW_LINE.test(existing))
    return {
      contents: existing,
      added: addedBefore,
      note: `no routes.draw line found, so the health routes were not added: add ${missing.map((line) => line.trim()).join(" and ")} to your routes; the load balancer checks /health`,
    };
  return {
    contents: existing.replace(
      DRAW_LINE,
      (line) =>
        `${line}\n  # Added by rails-aws: the load balancer checks /health.\n${missing.join("\n")}\n`,
    ),
    added: [
      ...addedBefore,
      ...missing.map((line) => HEALTH_ROUTE.exec(line)![1]!),
    ],
  };
}

export function railsAdoption(path: string): Adoption | undefined {
  if (path === "Gemfile") return addMissingGems;
  if (path === "config/routes.rb") return addHealthRoutes;
  return OWNED_CONFIG.has(path) ? undefined : "keep";
}
