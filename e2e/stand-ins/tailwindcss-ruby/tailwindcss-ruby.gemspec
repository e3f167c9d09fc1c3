# A stand-in: see e2e/README.md. Only what booting the generated app needs, nothing more.
Gem::Specification.new do |s|
  s.name = "tailwindcss-ruby"
  s.version = "4.1.13"
  s.summary = "Stand-in for tailwindcss-ruby, which ships a prebuilt tailwindcss binary per platform: its stand-in copies its input, building no CSS"
  s.authors = ["generator-rails-aws e2e suite"]
  s.license = "MIT"
  s.files = Dir["lib/**/*.rb", "exe/*"]
end
