# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "brakeman"
  s.version = "7.1.0"
  s.summary = "Stand-in for brakeman, a development tool whose Debian package is not a gem here; the suite runs no scan"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb"]
end
