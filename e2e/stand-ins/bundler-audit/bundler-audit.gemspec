# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "bundler-audit"
  s.version = "0.9.2"
  s.summary = "Stand-in for bundler-audit, a development tool not in Debian 13; the suite runs no audit"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb"]
end
