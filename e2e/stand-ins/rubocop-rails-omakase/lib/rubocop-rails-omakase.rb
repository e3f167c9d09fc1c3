# Stand-in for rubocop-rails-omakase (development and test groups): loads nothing, the suite never runs it.
