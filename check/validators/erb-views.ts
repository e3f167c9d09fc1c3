// ERB views and layouts (app/views/**/*.erb): compiled to Ruby as Rails does, then compiled by
// Ruby, in one process. Like Rails' own ERB handler, `<%= helper do |f| %>` opens a block rather
// than being an expression, so block helpers such as form_with are not syntax errors.
import type { RepoFile } from "../repo.js";
import { runRubyScript } from "../ruby.js";
import type { Validator } from "../types.js";

const SCRIPT = String.raw`
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
`;

export const erbViews: Validator = {
  name: "erb-views",
  tools: ["ruby"],
  appliesTo: (file: RepoFile) => file.name.endsWith(".erb"),
  run: (files, context) =>
    runRubyScript(
      SCRIPT,
      files.map((file) => file.path),
      context,
    ),
};
