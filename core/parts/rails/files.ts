// The rails part's files: the Rails config the generator owns and, in a new app only, the
// minimal Rails 8.1 app around it (an existing app keeps its own way: structure.sql, RSpec, its
// CSS, its own root page and JavaScript rather than the demo scratchpad and its import map).
import type { Uses } from "../../onboarding/fit.js";
import { always, type FileRule, type FileTable } from "../part.js";

const newApp: FileRule = { newAppOnly: true };
/** Written where the app has (or, new, will have) what the file is for: core/onboarding/fit.ts. */
const ifUses = (what: keyof Uses): FileRule => ({
  when: (context) => context.uses[what],
});

export const files: FileTable = {
  ".rubocop.yml": newApp,
  ".ruby-version": ifUses("rubyVersionFile"),
  Gemfile: always,
  Rakefile: always,
  "app/assets/builds/.keep": newApp,
  "app/assets/tailwind/application.css": newApp,
  "app/channels/application_cable/channel.rb": ifUses("actionCable"),
  "app/channels/application_cable/connection.rb": ifUses("actionCable"),
  "app/channels/scratchpad_channel.rb": newApp,
  "app/controllers/application_controller.rb": always,
  "app/controllers/database_health_controller.rb": always,
  "app/controllers/scratchpad_controller.rb": newApp,
  "app/javascript/application.js": newApp,
  "app/javascript/channels/consumer.js": newApp,
  "app/javascript/channels/scratchpad_channel.js": newApp,
  "app/jobs/application_job.rb": always,
  "app/mailers/application_mailer.rb": ifUses("actionMailer"),
  "app/models/application_record.rb": always,
  "app/views/layouts/application.html.erb": always,
  "app/views/layouts/mailer.html.erb": ifUses("actionMailer"),
  "app/views/layouts/mailer.text.erb": ifUses("actionMailer"),
  "app/views/scratchpad/show.html.erb": newApp,
  "bin/brakeman": always,
  "bin/bundler-audit": always,
  "bin/importmap": newApp,
  "bin/jobs": ifUses("solidQueue"),
  "bin/rails": always,
  "bin/rake": always,
  "bin/rubocop": ifUses("rubocop"),
  "bin/setup": newApp,
  "config.ru": always,
  "config/application.rb": always,
  "config/boot.rb": always,
  "config/bundler-audit.yml": always,
  "config/cable.yml": ifUses("actionCable"),
  "config/cache.yml": ifUses("solidCache"),
  "config/database.yml": ifUses("postgres"),
  "config/environment.rb": always,
  "config/environments/development.rb": always,
  "config/environments/production.rb": always,
  "config/environments/test.rb": always,
  "config/importmap.rb": newApp,
  "config/initializers/cable_connection_count.rb": always,
  "config/initializers/database_credentials.rb": always,
  "config/initializers/filter_parameter_logging.rb": always,
  "config/puma.rb": always,
  "config/queue.yml": ifUses("solidQueue"),
  "config/recurring.yml": ifUses("solidQueue"),
  "config/routes.rb": always,
  "config/storage.yml": ifUses("activeStorage"),
  "db/cable_schema.rb": ifUses("solidCable"),
  "db/cache_schema.rb": ifUses("solidCache"),
  "db/queue_schema.rb": ifUses("solidQueue"),
  "db/schema.rb": newApp,
  // What allow_browser renders to old browsers; `rails new` gives existing apps their own.
  "public/406-unsupported-browser.html": newApp,
  "test/integration/health_check_test.rb": newApp,
  "test/test_helper.rb": newApp,
};
