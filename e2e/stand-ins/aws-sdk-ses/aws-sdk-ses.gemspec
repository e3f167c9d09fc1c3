# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "aws-sdk-ses"
  s.version = "1.90.0"
  s.summary = "Stand-in for aws-sdk-ses, not in Debian: the suite sends no mail through SES"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb"]
end
