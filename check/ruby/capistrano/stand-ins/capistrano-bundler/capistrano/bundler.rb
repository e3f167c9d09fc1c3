# Stand-in for capistrano-bundler 2.x (rails-aws check): bundler:install before deploy:updated,
# and "bundle exec" in front of gem, rake and rails.
namespace :bundler do
  desc "Install the current Bundler environment"
  task :install do
    on fetch(:bundle_servers) do
      within release_path do
        fetch(:bundle_config).each { |key, value| execute :bundle, "config", "--local", key, value }
        execute :bundle, "install", fetch(:bundle_flags)
      end
    end
  end

  task :map_bins do
    fetch(:bundle_bins).each do |command|
      SSHKit.config.command_map.prefix[command.to_sym].push("bundle exec")
    end
  end

  before "deploy:updated", "bundler:install"
end

Capistrano::DSL.stages.each { |stage| after stage, "bundler:map_bins" }

namespace :load do
  task :defaults do
    set :bundle_bins, %w[gem rake rails]
    set :bundle_roles, :all
    set :bundle_servers, -> { release_roles(fetch(:bundle_roles)) }
    set :bundle_config, -> { { deployment: true, path: shared_path.join("bundle"), without: "development:test" } }
    set :bundle_flags, "--quiet"
  end
end
