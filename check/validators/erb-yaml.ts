// YAML with ERB, i.e. Rails config (database.yml, cable.yml, ...): Rails renders the ERB first,
// so this does the same in Ruby, then YAML.safe_load(aliases: true). Each file is rendered under
// several environments, because ERB runs for the whole file whatever RAILS_ENV is: a production
// ENV.fetch without a default breaks development too. The ERB is executed, as Rails would.
import { readEnvFile } from "../env-file.js";
import { hasErb, isYaml } from "../repo.js";
import { runRubyScript } from "../ruby.js";
import type { Problem, Validator } from "../types.js";

/** One environment to render under: the whole of ENV, and how the finding names it. */
interface Variant {
  label: string;
  env: Record<string, string>;
}

/**
 * Rails is not loaded, so the script stubs what config ERB commonly uses: Rails.env (with
 * production? and friends), Rails.root, ActiveSupport's durations and byte sizes (Rails'
 * own cache.yml has `256.megabytes`) and blank?/present?/presence. The stub, not an installed
 * ActiveSupport, so every machine renders alike.
 */
const SCRIPT = String.raw`
require "erb"
require "pathname"
require "yaml"

module Rails
  class Env < String
    def method_missing(name, *args)
      name.end_with?("?") && args.empty? ? self == name.to_s.chomp("?") : super
    end

    def respond_to_missing?(name, include_private = false)
      name.end_with?("?") || super
    end
  end

  class << self
    attr_accessor :env, :root
  end
end
Rails.root = Pathname(Dir.pwd)

class Numeric
  {
    second: 1, minute: 60, hour: 3600, day: 86_400, week: 604_800,
    month: 2_629_746, year: 31_556_952,
    byte: 1, kilobyte: 1024, megabyte: 1024**2, gigabyte: 1024**3, terabyte: 1024**4
  }.each do |unit, size|
    define_method(unit) { self * size }
    define_method(:"#{unit}s") { self * size }
  end
end

class Object
  def blank? = respond_to?(:empty?) ? !!empty? : !self
  def present? = !blank?
  def presence = (self if present?)
end

class String
  def blank? = strip.empty?
end

def line_in(path, error)
  location = (error.backtrace_locations || []).find { |entry| entry.path == path }
  location&.lineno
end

request = JSON.parse($stdin.read)
problems = []
request["files"].each do |path|
  text = File.read(path, encoding: "bom|utf-8")
  request["variants"].each do |variant|
    ENV.replace(variant["env"])
    Rails.env = Rails::Env.new(ENV.fetch("RAILS_ENV", "development"))
    problem =
      begin
        erb = ERB.new(text)
        erb.filename = path
        YAML.safe_load(erb.result, aliases: true, filename: path)
        nil
      rescue Psych::SyntaxError => error
        located(path, "YAML after ERB: #{error.problem} #{error.context}".strip, error.line)
      rescue Exception => error
        located(path, "#{error.class}: #{error.message}", line_in(path, error))
      end
    problems << problem.merge("variant" => variant["label"]) if problem
  end
end
STDOUT.write(JSON.generate(problems))
`;

export const erbYaml: Validator = {
  name: "erb-yaml",
  tools: ["ruby"],
  appliesTo: (file) => isYaml(file) && hasErb(file),
  async run(files, context) {
    const variants = envVariants(readEnvFile(context.root));
    const problems = await runRubyScript<Problem & { variant: string }>(
      SCRIPT,
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
