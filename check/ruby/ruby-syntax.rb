# ruby-syntax: each file compiled as `ruby -c` parses it, with Ruby's default-level warnings.
# Request: the files' paths. Problems: syntax errors and warnings.
require_relative "protocol"

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
