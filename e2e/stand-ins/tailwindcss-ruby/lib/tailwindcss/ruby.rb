# Stand-in for tailwindcss-ruby: names the binary it would ship, and ships a stand-in for it
# (exe/tailwindcss) that builds no CSS.
module Tailwindcss
  module Ruby
    module Upstream
      VERSION = "v4.1.13"
    end

    def self.executable(**)
      File.expand_path("../../exe/tailwindcss", __dir__)
    end
  end
end
