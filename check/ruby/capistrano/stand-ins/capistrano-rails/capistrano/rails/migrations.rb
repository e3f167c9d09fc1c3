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
