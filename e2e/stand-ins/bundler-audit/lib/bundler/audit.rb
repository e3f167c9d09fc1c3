# Stand-in for bundler-audit (development and test groups): loads nothing, the suite never runs it.
