# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "rubocop-rails-omakase"
  s.version = "1.1.0"
  s.summary = "Stand-in for rubocop-rails-omakase, a development tool not in Debian 13; the suite runs no lint"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb"]
end
