# erb-views: each view compiled to Ruby as Rails compiles it, then compiled by Ruby.
# Request: the views' paths. Problems: the syntax errors.
require_relative "protocol"

require "erb"

# The text of one tag, which never runs past its own "%>".
TAG_BODY = /(?:(?!%>).)*?/m
# ActionView's Erubi handler treats an output tag ending in "do |args|" or "{" as a block opener.
BLOCK_OUTPUT = /<%=(#{TAG_BODY}(?:\s+do|\{)(?:\s*\|[^|]*\|)?)\s*-?%>/m
# Erubi trims a code tag alone on its line: its indentation and its newline are not output, so
# `<% case x %>` and an indented `<% when 1 %>` below it are one Ruby statement. ERB's "-" mode
# trims the same way when told so by `<%-` and `-%>`.
CODE_LINE = /^[ \t]*<%(?![=#%-])(#{TAG_BODY})-?%>[ \t]*$/

problems = []
JSON.parse($stdin.read).each do |path|
  source = File.read(path).gsub(BLOCK_OUTPUT) { "<%#{$1} %>" }.gsub(CODE_LINE) { "<%-#{$1}-%>" }
  begin
    # Rails compiles a template into a method (so yield is valid). ERB's code starts with a magic
    # comment line: the method's line and that one are numbered -1 and 0, so the view's lines keep
    # their numbers.
    code = "def __template(local_assigns)\n#{ERB.new(source, trim_mode: "-").src}\nend"
    RubyVM::InstructionSequence.compile(code, path, path, -1)
  rescue SyntaxError => error
    problems << located(path, error.message)
  end
end
STDOUT.write(JSON.generate(problems))
