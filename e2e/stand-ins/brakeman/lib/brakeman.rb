# Stand-in for brakeman (development and test groups): loads nothing, the suite never runs it.
