# Stand-in for action_text-trix: Action Text requires it; the app serves no Trix editor.
module ActionText
  module Trix
    VERSION = "2.1.15"
  end
end
