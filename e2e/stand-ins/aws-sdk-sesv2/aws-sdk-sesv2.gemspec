# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "aws-sdk-sesv2"
  s.version = "1.80.0"
  s.summary = "Stand-in for aws-sdk-sesv2, not in Debian: the suite sends no mail through SES"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb"]
end
