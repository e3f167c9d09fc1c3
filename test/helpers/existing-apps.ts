// Small skeletons of existing Rails apps, one per shape onboarding must fit: the files that tell
// an app's Rails, Ruby, database, backends, frameworks, deploy tool and CI, as `rails new` and
// the tools write them. Each is written into a folder of its own (writeExistingApp).
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { join } from "node:path";
import { tempDir, writeRepo } from "./repo.js";

type Files = Record<string, string>;

function gemfile(rails: string, gems: string[]): string {
  return [
    'source "https://rubygems.org"',
    "",
    `gem "rails", "~> ${rails}"`,
    ...gems.map((gem) => `gem "${gem}"`),
    'gem "puma", ">= 5.0"',
    "",
    "group :development, :test do",
    '  gem "debug", platforms: %i[ mri windows ], require: "debug/prelude"',
    "end",
    "",
  ].join("\n");
}

function gemfileLock(rails: string): string {
  return [
    "GEM",
    "  remote: https://rubygems.org/",
    "  specs:",
    `    rails (${rails})`,
    `      railties (= ${rails})`,
    `    railties (${rails})`,
    "",
    "PLATFORMS",
    "  x86_64-linux",
    "",
    "DEPENDENCIES",
    "  rails",
    "",
  ].join("\n");
}

const REQUIRE_ALL = 'require "rails/all"';

function application(
  rails: string,
  requires = REQUIRE_ALL,
  extra = "",
): string {
  return `require_relative "boot"

${requires}

Bundler.require(*Rails.groups)

module ShopFront
  class Application < Rails::Application
    config.load_defaults ${rails.split(".").slice(0, 2).join(".")}
${extra}  end
end
`;
}

function databaseYml(adapter: string): string {
  return `default: &default
  adapter: ${adapter}
  pool: 5

development:
  <<: *default
  database: shop_front_development

test:
  <<: *default
  database: shop_front_test

production:
  <<: *default
  database: shop_front_production
`;
}

const CABLE_REDIS = `development:
  adapter: redis
  url: redis://localhost:6379/1

test:
  adapter: test

production:
  adapter: redis
  url: <%= ENV.fetch("REDIS_URL") { "redis://localhost:6379/1" } %>
  channel_prefix: shop_front_production
`;

/** An app as `rails new` leaves it (Rails 8.0, PostgreSQL), which each shape changes. */
function baseApp(rails: string, overrides: Files = {}): Files {
  return {
    Gemfile: gemfile(rails, ["pg", "propshaft", "importmap-rails"]),
    "Gemfile.lock": gemfileLock(rails),
    ".ruby-version": "3.4.7\n",
    // As Rails 7.1+ writes it: every .env file is ignored.
    ".gitignore": "/.bundle\n/.env*\n/log/*\n/tmp/*\n/config/master.key\n",
    "README.md": "# Shop front\n\nOur shop.\n",
    "bin/dev": '#!/usr/bin/env ruby\nexec "./bin/rails", "server", *ARGV\n',
    "config/application.rb": application(rails),
    "config/database.yml": databaseYml("postgresql"),
    "config/routes.rb":
      'Rails.application.routes.draw do\n  resources :products\n  root "products#index"\nend\n',
    "config/environments/production.rb":
      "Rails.application.configure do\n  config.eager_load = true\n  config.log_level = :info\nend\n",
    "app/models/application_record.rb":
      "class ApplicationRecord < ActiveRecord::Base\n  primary_abstract_class\nend\n",
    "app/models/product.rb": "class Product < ApplicationRecord\nend\n",
    "test/test_helper.rb": 'ENV["RAILS_ENV"] ||= "test"\n',
    "config/environments/development.rb":
      "Rails.application.configure do\n  config.enable_reloading = true\nend\n",
    "config/environments/test.rb":
      "Rails.application.configure do\n  config.eager_load = false\nend\n",
    "config/puma.rb":
      'threads 3, 3\nport ENV.fetch("PORT", 3000)\nplugin :tmp_restart\n',
    "config.ru":
      'require_relative "config/environment"\n\nrun Rails.application\n',
    Rakefile:
      'require_relative "config/application"\n\nRails.application.load_tasks\n',
    "bin/rails":
      '#!/usr/bin/env ruby\nAPP_PATH = File.expand_path("../config/application", __dir__)\nrequire_relative "../config/boot"\nrequire "rails/commands"\n',
    ...overrides,
  };
}

/** One app per shape: what onboarding must fit, by name. */
export const EXISTING_APPS: Record<string, Files> = {
  "rails-7.0": baseApp("7.0.8", {
    "Gemfile.lock": gemfileLock("7.0.8"),
    Gemfile: gemfile("7.0.8", ["pg", "sprockets-rails", "importmap-rails"]),
    "config/application.rb": application("7.0.8"),
    ".ruby-version": "ruby-3.2.2\n",
  }),
  "rails-7.2": baseApp("7.2.2", {
    Gemfile: gemfile("7.2.2", ["pg", "propshaft", "jsbundling-rails"]),
    "config/application.rb": application("7.2.2"),
    // As jsbundling-rails' installer writes it (esbuild), installed with yarn.
    "package.json":
      '{\n  "name": "app",\n  "private": true,\n  "scripts": {\n    "build": "esbuild app/javascript/*.* --bundle --sourcemap --format=esm --outdir=app/assets/builds --public-path=/assets"\n  }\n}\n',
    "yarn.lock": "# yarn lockfile v1\n",
    "config/cable.yml":
      "development:\n  adapter: async\n\ntest:\n  adapter: test\n\nproduction:\n  adapter: postgresql\n",
  }),
  mysql: baseApp("8.0.2", {
    Gemfile: gemfile("8.0.2", ["mysql2", "propshaft", "importmap-rails"]),
    "config/database.yml": databaseYml("mysql2"),
    // A folder named for Kubernetes without a manifest in it: not a Kubernetes deploy.
    "k8s/README.md": "Notes for a move to Kubernetes, some day.\n",
  }),
  sqlite: baseApp("8.0.2", {
    Gemfile: gemfile("8.0.2", ["sqlite3", "propshaft", "importmap-rails"]),
    // The adapter chosen by ERB, with SQLite unless DB_ADAPTER says otherwise.
    "config/database.yml": databaseYml(
      '<%= ENV.fetch("DB_ADAPTER", "sqlite3") %>',
    ),
  }),
  "redis-cable": baseApp("8.0.2", {
    Gemfile: gemfile("8.0.2", ["pg", "redis", "propshaft", "importmap-rails"]),
    "config/cable.yml": CABLE_REDIS,
  }),
  sidekiq: baseApp("8.0.2", {
    Gemfile: gemfile("8.0.2", ["pg", "sidekiq", "propshaft", "rspec-rails"]),
    "spec/spec_helper.rb": "RSpec.configure do |config|\nend\n",
    "config/application.rb": application(
      "8.0.2",
      REQUIRE_ALL,
      "    config.active_job.queue_adapter = :sidekiq\n",
    ),
  }),
  kamal: baseApp("8.0.2", {
    Gemfile: gemfile("8.0.2", [
      "pg",
      "kamal",
      "propshaft",
      "tailwindcss-rails",
    ]),
    "config/deploy.yml":
      "service: shop-front\nimage: acme/shop-front\nservers:\n  web:\n    - 192.0.2.10\n",
    ".kamal/secrets": "KAMAL_REGISTRY_PASSWORD=$KAMAL_REGISTRY_PASSWORD\n",
    ".github/workflows/ci.yml":
      "name: CI\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bin/rails test\n",
    ".github/workflows/lint.yml":
      "name: Lint\non: [push]\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps:\n      - run: bin/rubocop\n",
    // bin/setup copies the sample; the copy is git-ignored.
    "config/database.yml": undefined as unknown as string,
    "config/database.yml.sample": databaseYml("postgresql"),
    ".gitignore": "/.bundle\n/log/*\n/tmp/*\n/config/database.yml\n",
    ".rubocop.yml": "inherit_gem:\n  rubocop-rails-omakase: rubocop.yml\n",
  }),
  kubernetes: baseApp("8.0.2", {
    // A Helm chart, as `helm create` lays it out.
    "charts/shop-front/Chart.yaml":
      "apiVersion: v2\nname: shop-front\ntype: application\nversion: 0.1.0\n",
    "charts/shop-front/values.yaml": "replicaCount: 2\n",
    "charts/shop-front/templates/deployment.yaml":
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\n",
  }),
  capistrano: baseApp("8.0.2", {
    Gemfile: gemfile("8.0.2", ["pg", "propshaft", "capistrano"]),
    Capfile:
      'require "capistrano/setup"\nrequire "capistrano/deploy"\nDir.glob("lib/capistrano/tasks/*.rake").each { |r| import r }\n',
    "config/deploy.rb":
      'lock "~> 3.19"\nset :application, "shop_front"\nset :repo_url, "git@example.com:acme/shop_front.git"\n',
    "config/deploy/production.rb":
      'server "shop.example.com", user: "deploy", roles: %w[app db web]\n',
  }),
  "no-action-cable": baseApp("8.0.2", {
    "config/application.rb": application(
      "8.0.2",
      [
        'require "rails"',
        'require "active_model/railtie"',
        'require "active_job/railtie"',
        'require "active_record/railtie"',
        'require "action_controller/railtie"',
        'require "action_view/railtie"',
        'require "rails/test_unit/railtie"',
      ].join("\n"),
    ),
  }),
  "ruby-4-tool-versions": baseApp("8.1.1", {
    "config/application.rb": application("8.1.1"),
    ".ruby-version": undefined as unknown as string,
    ".tool-versions": "ruby 4.0.0\nnodejs 22.11.0\n",
    "docker-compose.yaml":
      "services:\n  db:\n    image: postgres:17\n    ports:\n      - 5432:5432\n",
  }),
};

/** The files of an app shape, without the entries a shape removes from the base app. */
export function existingAppFiles(shape: string): Files {
  const files = EXISTING_APPS[shape];
  if (!files) throw new Error(`no existing app shape named "${shape}"`);
  return Object.fromEntries(
    Object.entries(files).filter(([, contents]) => contents !== undefined),
  );
}

/**
 * Writes an app shape into a new folder `shop`, a git repository with a GitHub remote (git
 * decides which files are ignored), and returns its path.
 */
export function writeExistingApp(shape: string): string {
  const dir = join(tempDir(), "shop");
  const files = existingAppFiles(shape);
  writeRepo(dir, files);
  for (const path of Object.keys(files))
    if (path.startsWith("bin/")) chmodSync(join(dir, path), 0o755);
  for (const args of [
    ["init", "--quiet"],
    ["remote", "add", "origin", "git@github.com:acme/shop-front.git"],
  ]) {
    const git = spawnSync("git", args, { cwd: dir, encoding: "utf8" });
    if (git.status !== 0) throw new Error(`git ${args[0]}: ${git.stderr}`);
  }
  return dir;
}
