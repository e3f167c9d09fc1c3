# What every script the checker runs with Ruby starts with (require_relative "protocol"): the
# checker writes a JSON request on stdin and reads a JSON array of problems from stdout.
# $stdout is pointed at stderr, so that code a script evaluates (ERB) cannot corrupt the JSON
# written on the real STDOUT. `located` turns Ruby's "path:LINE: message" into a problem.
require "json"
$stdout = $stderr

def located(path, message, line = nil)
  message = message.to_s.scrub
  match = /\A#{Regexp.escape(path)}:(\d+):\s*/.match(message)
  line = match[1].to_i if match
  { "file" => path, "line" => line, "message" => (match ? match.post_match : message).rstrip }
end
