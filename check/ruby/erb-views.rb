# erb-views: each view compiled to Ruby as Rails compiles it, then compiled by Ruby.
# Request: the views' paths. Problems: the syntax errors.
require_relative "protocol"

require "erb"

# ActionView's Erubi handler treats an output tag ending in "do |args|" or "{" as a block opener.
BLOCK_OUTPUT = /<%=(.*?(?:\s+do|\{)(?:\s*\|[^|]*\|)?)\s*-?%>/m

problems = []
JSON.parse($stdin.read).each do |path|
  source = File.read(path).gsub(BLOCK_OUTPUT) { "<%#{$1} %>" }
  begin
    # Rails compiles a template into a method (so yield is valid); line 0 keeps its lines.
    code = "def __template(local_assigns)\n#{ERB.new(source, trim_mode: "-").src}\nend"
    RubyVM::InstructionSequence.compile(code, path, path, 0)
  rescue SyntaxError => error
    problems << located(path, error.message)
  end
end
STDOUT.write(JSON.generate(problems))
