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

export const rubySyntax: Validator = {
  name: "ruby-syntax",
  tools: ["ruby"],
  appliesTo: isRubySource,
  run: (files, context) =>
    runRubyScript(
      "ruby-syntax",
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
