// Rails config in YAML with ERB (database.yml, cable.yml, ...): Rails renders the ERB first,
// so this does the same in Ruby, then YAML.safe_load(aliases: true). Each file is rendered under
// several environments, because ERB runs for the whole file whatever RAILS_ENV is: a production
// ENV.fetch without a default breaks development too. The ERB is executed, as Rails would, by
// ruby/erb-yaml.rb.
import { readEnvFile } from "../env-file.js";
import { hasErb, isYaml } from "../repo.js";
import { runRubyScript } from "../ruby.js";
import type { Problem, Validator } from "../types.js";

/** One environment to render under: the whole of ENV, and how the finding names it. */
interface Variant {
  label: string;
  env: Record<string, string>;
}

export const erbYaml: Validator = {
  name: "erb-yaml",
  tools: ["ruby"],
  // Only what Rails itself renders: config/*.yml (database.yml, config_for files). ERB elsewhere
  // (a CloudFormation template, locales, fixtures) is not Rails config, and executing it would run
  // whatever code it holds.
  appliesTo: (file) =>
    isYaml(file) && /^config\/[^/]+$/.test(file.path) && hasErb(file),
  async run(files, context) {
    const variants = envVariants(readEnvFile(context.root));
    const problems = await runRubyScript<Problem & { variant: string }>(
      "erb-yaml",
      { files: files.map((file) => file.path), variants },
      context,
    );
    return mergeVariants(problems, variants.length);
  },
};

/**
 * A fresh clone has no `.env`: render with an empty ENV (RAILS_ENV aside) for development and
 * test. Then with what `.env.example` tells a developer to set, for every RAILS_ENV.
 */
export function envVariants(example?: Record<string, string>): Variant[] {
  const variants = ["development", "test"].map((railsEnv) => ({
    label: `empty ENV, RAILS_ENV=${railsEnv}`,
    env: { RAILS_ENV: railsEnv },
  }));
  if (example) {
    for (const railsEnv of ["development", "test", "production"]) {
      variants.push({
        label: `.env.example, RAILS_ENV=${railsEnv}`,
        env: { ...example, RAILS_ENV: railsEnv },
      });
    }
  }
  return variants;
}

/** The same error under several variants is one finding that names them all. */
function mergeVariants(
  problems: readonly (Problem & { variant: string })[],
  variantCount: number,
): Problem[] {
  const merged = new Map<string, { problem: Problem; variants: string[] }>();
  for (const { variant, ...problem } of problems) {
    const key = JSON.stringify([problem.file, problem.line, problem.message]);
    const entry = merged.get(key) ?? { problem, variants: [] };
    entry.variants.push(variant);
    merged.set(key, entry);
  }
  return [...merged.values()].map(({ problem, variants }) => {
    const under =
      variants.length === variantCount
        ? "every ENV tried"
        : variants.join("; ");
    return { ...problem, message: `${problem.message} (with ${under})` };
  });
}
