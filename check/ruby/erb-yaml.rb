# erb-yaml: each file rendered as Rails renders config (ERB, then YAML.safe_load), under each
# environment of the request ({ "files": [...], "variants": [{ "label", "env" }] }).
# Rails is not loaded, so this stubs what config ERB commonly uses: Rails.env (with production?
# and friends), Rails.root, ActiveSupport's durations and byte sizes (Rails' own cache.yml has
# `256.megabytes`) and blank?/present?/presence. The stub, not an installed ActiveSupport, so
# every machine renders alike.
require_relative "protocol"

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
