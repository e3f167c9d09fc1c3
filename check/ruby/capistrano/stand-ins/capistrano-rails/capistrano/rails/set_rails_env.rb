# Stand-in for capistrano-rails 1.7's deploy:set_rails_env (rails-aws check).
namespace :deploy do
  task :set_rails_env do
    set :rails_env, (fetch(:rails_env) || fetch(:stage))
  end
end
