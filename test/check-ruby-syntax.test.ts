import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { checkRepo } from "../check/check.js";
import { RUBY_DIR } from "../check/ruby.js";
import { rubySyntax } from "../check/validators/ruby-syntax.js";
import { checkFiles } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

describe("check: ruby-syntax validator", function () {
  before(function () {
    requireTool(this, "ruby");
  });

  it("checks .rb, .rake, Gemfile, Capfile, Rakefile, config.ru and ruby bin/ scripts, finding nothing in clean ones", async () => {
    const report = await checkFiles(
      {
        "app/models/user.rb":
          'class User\n  def name = email.split("@").first\nend\n',
        "lib/tasks/health.rake": "task :health do\n  puts :ok\nend\n",
        Gemfile: 'source "https://rubygems.org"\n',
        Capfile: 'require "capistrano/setup"\n',
        Rakefile: 'require_relative "config/application"\n',
        "config.ru": "run Rails.application\n",
        "bin/setup": '#!/usr/bin/env ruby\nrequire "fileutils"\n',
        // Not Ruby: a bash script, and a file named like one.
        "bin/dev": "#!/usr/bin/env bash\nexec foreman start\n",
        "docs/Gemfile.md": "# not ruby (\n",
      },
      [rubySyntax],
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 7);
  });

  it("says when the Ruby that read a file is older than the app's, whose newer syntax it may not know", async () => {
    const broken = { "app/models/user.rb": "def name(*) = other(*\n" };
    const annotated =
      /older than the app's 99\.0\.1 in \.ruby-version: this may be newer syntax; check this file with Ruby 99\.0\.1/;
    const older = await checkFiles(
      { ...broken, ".ruby-version": "ruby-99.0.1\n" },
      [rubySyntax],
    );
    assert.match(older.findings[0]?.message ?? "", annotated);
    const same = await checkFiles(broken, [rubySyntax]);
    assert.equal(same.findings.length, 1);
    assert.doesNotMatch(same.findings[0]!.message, /older than the app's/);
  });

  it("reports syntax errors with ruby's line, in .rb files and ruby shebang scripts", async () => {
    const report = await checkFiles(
      {
        "app/models/user.rb": [
          "class User < ApplicationRecord",
          "  validates :email, presence: true",
          "",
          "  def display_name",
          '    email.split("@").first',
          "end",
          "",
        ].join("\n"),
        "bin/setup": [
          "#!/usr/bin/env ruby",
          'require "fileutils"',
          "",
          'FileUtils.chdir File.expand_path("..", __dir__) do',
          '  system("bundle check") || system!("bundle install"',
          "end",
          "",
        ].join("\n"),
      },
      [rubySyntax],
    );
    assert.deepEqual(
      report.findings.map(({ file, line }) => ({ file, line })),
      [
        { file: "app/models/user.rb", line: 6 },
        { file: "bin/setup", line: 6 },
      ],
    );
    assert.match(report.findings[0]!.message, /syntax error/);
    assert.ok(
      !report.findings[0]!.message.startsWith("app/models"),
      "the path prefix is stripped",
    );
  });

  it("passes the checker's own Ruby: every file of check/ruby/, which the package ships", async () => {
    const files = readdirSync(RUBY_DIR, { recursive: true }).filter((path) =>
      String(path).endsWith(".rb"),
    );
    const report = await checkRepo(RUBY_DIR, { validators: [rubySyntax] });
    assert.deepEqual(report.failed, []);
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, files.length);
    assert.ok(files.length >= 9, files.join(", "));
  });
});
