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
