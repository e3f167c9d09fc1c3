# ruby-syntax: each file compiled as `ruby -c` parses it, with Ruby's default-level warnings.
# Request: the files' paths. Problems: syntax errors and warnings.
require_relative "protocol"

module Warning
  def self.warn(message, category: nil)
    $file_warnings << message
  end
end

# The app's Ruby, from .ruby-version: a Ruby older than that cannot read the newer syntax the
# app may use, so its errors say so instead of passing for the app's own mistakes.
APP_RUBY = (File.read(".ruby-version")[/\d+\.\d+(?:\.\d+)?/] rescue nil)
OLDER_THAN_APP = APP_RUBY && Gem::Version.new(RUBY_VERSION) < Gem::Version.new(APP_RUBY)

problems = []
JSON.parse($stdin.read).each do |path|
  $file_warnings = []
  begin
    RubyVM::InstructionSequence.compile_file(path)
  rescue SyntaxError => error
    message = error.message
    message += "\n(read by Ruby #{RUBY_VERSION}, older than the app's #{APP_RUBY} in .ruby-version: " \
               "this may be newer syntax; check this file with Ruby #{APP_RUBY})" if OLDER_THAN_APP
    problems << located(path, message)
  end
  $file_warnings.each { |warning| problems << located(path, warning) }
end
STDOUT.write(JSON.generate(problems))
