// Minimal stand-ins for the Capistrano plugins that Debian does not package, for the capistrano
// validator: it loads one only when RubyGems cannot find the real gem. Each defines the tasks,
// hooks and settings of the plugin that a Capfile and its tasks build on, running the same
// commands, so that `cap -T` and `cap <stage> deploy --dry-run` exercise the repo's own config.
// They are not the plugins: their own logic (bundle check, manifest backups, conditional
// migrations) is left out. Ruby in a TypeScript string, as the package ships only dist/core.

/** Gem name → the files it puts on the load path (relative to its lib/) → their source. */
export const STAND_INS: Record<string, Record<string, string>> = {
  "capistrano-bundler": {
    "capistrano/bundler.rb": String.raw`
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
`,
  },
  "capistrano-rails": {
    "capistrano/rails/assets.rb": String.raw`
# Stand-in for capistrano-rails 1.7's capistrano/rails/assets (rails-aws check):
# assets:precompile after deploy:updated, and public/assets among the linked dirs.
require_relative "set_rails_env"

namespace :deploy do
  desc "Compile assets"
  task compile_assets: [:set_rails_env] do
    invoke "deploy:assets:precompile"
  end

  desc "Rollback assets"
  task rollback_assets: [:set_rails_env]

  namespace :assets do
    task :precompile do
      on release_roles(fetch(:assets_roles)) do
        within release_path do
          with rails_env: fetch(:rails_env) do
            execute :rake, "assets:precompile"
          end
        end
      end
    end
  end

  task :set_linked_dirs do
    set :linked_dirs, (fetch(:linked_dirs, []) + ["public/#{fetch(:assets_prefix)}"]).uniq
  end

  after "deploy:updated", "deploy:compile_assets"
  after "deploy:reverted", "deploy:rollback_assets"
end

after "deploy:set_rails_env", "deploy:set_linked_dirs"

namespace :load do
  task :defaults do
    set :assets_roles, fetch(:assets_roles, [:web])
    set :assets_prefix, fetch(:assets_prefix, "assets")
  end
end
`,
    "capistrano/rails/migrations.rb": String.raw`
# Stand-in for capistrano-rails 1.7's capistrano/rails/migrations (rails-aws check):
# :migration_command on the primary host of :migration_role after deploy:updated.
require_relative "set_rails_env"

namespace :deploy do
  desc "Runs rake db:migrate if migrations are set"
  task migrate: [:set_rails_env] do
    on fetch(:migration_servers) do
      within release_path do
        with rails_env: fetch(:rails_env) do
          execute :rake, fetch(:migration_command)
        end
      end
    end
  end

  after "deploy:updated", "deploy:migrate"
end

namespace :load do
  task :defaults do
    set :migration_role, fetch(:migration_role, :db)
    set :migration_servers, -> { primary(fetch(:migration_role)) }
    set :migration_command, fetch(:migration_command, "db:migrate")
  end
end
`,
    "capistrano/rails/set_rails_env.rb": String.raw`
# Stand-in for capistrano-rails 1.7's deploy:set_rails_env (rails-aws check).
namespace :deploy do
  task :set_rails_env do
    set :rails_env, (fetch(:rails_env) || fetch(:stage))
  end
end
`,
  },
};

/**
 * Loaded first (RUBYOPT=-r...): puts a gem's stand-in on the load path only when RubyGems has
 * no such gem, so the real plugins win wherever they are installed. STAND_INS_DIR holds one
 * folder per gem.
 */
export const BOOTSTRAP = String.raw`
Dir.children(ENV.fetch("STAND_INS_DIR")).each do |gem|
  next if Gem::Specification.find_all_by_name(gem).any?

  $LOAD_PATH.push(File.join(ENV.fetch("STAND_INS_DIR"), gem))
end
`;
