// Ruby syntax, as `ruby -c` checks it, but in one process for all files: compiling each file with
// RubyVM::InstructionSequence.compile_file parses it like `ruby -c` (and also catches compile
// errors such as a stray `next`, which `ruby -c` lets through). Ruby's default-level warnings,
// which `ruby -c` prints too (e.g. a duplicated hash key), are reported as well.
import type { RepoFile } from "../repo.js";
import { shebangInterpreter } from "../repo.js";
import { runRubyScript } from "../ruby.js";
import type { Validator } from "../types.js";

const RUBY_EXTENSIONS = new Set([".rb", ".rake", ".gemspec", ".ru"]);
const RUBY_NAMES = new Set(["Capfile", "Gemfile", "Rakefile", "Guardfile"]);

const SCRIPT = String.raw`
module Warning
  def self.warn(message, category: nil)
    $file_warnings << message
  end
end

problems = []
JSON.parse($stdin.read).each do |path|
  $file_warnings = []
  begin
    RubyVM::InstructionSequence.compile_file(path)
  rescue SyntaxError => error
    problems << located(path, error.message)
  end
  $file_warnings.each { |warning| problems << located(path, warning) }
end
STDOUT.write(JSON.generate(problems))
`;

export const rubySyntax: Validator = {
  name: "ruby-syntax",
  tools: ["ruby"],
  appliesTo: isRubySource,
  run: (files, context) =>
    runRubyScript(
      SCRIPT,
      files.map((file) => file.path),
      context,
    ),
};

function isRubySource(file: RepoFile): boolean {
  if (RUBY_EXTENSIONS.has(file.extension) || RUBY_NAMES.has(file.name)) {
    return true;
  }
  // Executables such as bin/setup or bin/rails have no extension, only a shebang.
  return file.extension === "" && shebangInterpreter(file.firstLine) === "ruby";
}
