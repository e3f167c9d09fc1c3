# Stand-in for tailwindcss-ruby: names the binary it would ship, and has none.
module Tailwindcss
  module Ruby
    module Upstream
      VERSION = "v4.1.13"
    end

    def self.executable(**)
      raise "tailwindcss-ruby is a stand-in in the e2e suite: it has no tailwindcss binary"
    end
  end
end
