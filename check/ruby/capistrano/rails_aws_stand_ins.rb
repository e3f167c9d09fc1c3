# Loaded before Capfile (RUBYLIB=<this folder>, RUBYOPT=-rrails_aws_stand_ins) by the capistrano
# validator: puts a stand-in (stand-ins/<gem>/) on the load path only where RubyGems has no such
# gem, so that the real plugins win wherever they are installed. The stand-ins are minimal
# copies of what Capistrano plugins Debian does not package give a Capfile: their tasks, hooks
# and settings, running the same commands, so that `cap -T` and `cap <stage> deploy --dry-run`
# exercise the repo's own config. Their own logic (bundle check, manifest backups, conditional
# migrations) is left out.
stand_ins = File.join(__dir__, "stand-ins")
Dir.children(stand_ins).each do |gem|
  next if Gem::Specification.find_all_by_name(gem).any?

  $LOAD_PATH.push(File.join(stand_ins, gem))
end
