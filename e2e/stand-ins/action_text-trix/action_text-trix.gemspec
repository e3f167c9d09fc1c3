# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "action_text-trix"
  s.version = "2.1.15"
  s.summary = "Stand-in for action_text-trix, Trix's JavaScript and CSS for Action Text, not in Debian: the app uses no rich text"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb"]
end
