import assert from "node:assert/strict";
import { erbViews } from "../check/validators/erb-views.js";
import { shellcheck } from "../check/validators/shellcheck.js";
import { checkFiles } from "./helpers/check.js";
import { requireTool } from "./helpers/tools.js";

describe("check: erb-views validator", () => {
  before(function () {
    requireTool(this, "ruby");
  });

  it("accepts what Rails accepts: yield in a layout and block helpers in output tags", async () => {
    const report = await checkFiles(
      {
        "app/views/layouts/application.html.erb": "<body><%= yield %></body>\n",
        "app/views/notes/_form.html.erb": [
          "<%= form_with model: note do |form| %>",
          "  <%= form.text_area :body %>",
          "<% end %>",
          "<% [1, 2].each do |n| -%>",
          "  <%= n %>",
          "<% end -%>",
          "",
        ].join("\n"),
      },
      [erbViews],
    );
    assert.deepEqual(report.findings, []);
    assert.equal(report.ran[0]?.files, 2);
  });

  it("accepts case/when on lines of their own, which Rails trims, and a block helper after other tags", async () => {
    const report = await checkFiles(
      {
        "app/views/notes/_state.html.erb": [
          "<%= @note.title %> <% if @note %>",
          "  <%= form_with model: @note do |form| %>",
          "    <%= form.submit %>",
          "  <% end %>",
          "<% end %>",
          "<% case @note&.state %>",
          "  <% when :draft %>",
          "    Draft",
          "  <% else %>",
          "    Published",
          "<% end %>",
          "",
        ].join("\n"),
      },
      [erbViews],
    );
    assert.deepEqual(report.findings, []);
  });

  it("reports a view that does not compile, at its file", async () => {
    const report = await checkFiles(
      {
        "app/views/notes/show.html.erb":
          "<h1>Note</h1>\n<% if @note %>\n  <%= @note.body %>\n",
      },
      [erbViews],
    );
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]!.file, "app/views/notes/show.html.erb");
  });

  it("reports the view's own line of the error", async () => {
    const report = await checkFiles(
      {
        "app/views/notes/index.html.erb":
          "<% if @notes %>\n  <p>Notes</p>\n<% end %>\n<p><%= @notes.size ) %></p>\n",
      },
      [erbViews],
    );
    assert.equal(report.findings[0]?.line, 4);
  });
});

describe("check: shellcheck on .env.example", () => {
  before(function () {
    requireTool(this, "shellcheck");
  });

  it("checks it as sh assignments, which `set -a; . ./.env` sources", async () => {
    const clean = await checkFiles(
      {
        ".env.example":
          "# Local values\nDB_HOST=localhost\n# DB_NAME=\nAPP_HOST=\n",
      },
      [shellcheck],
    );
    assert.deepEqual(clean.findings, []);
    const { findings } = await checkFiles(
      { ".env.example": 'DB_HOST=localhost\nDB_PASSWORD="unclosed\n' },
      [shellcheck],
    );
    assert.ok(
      findings.some((f) => f.file === ".env.example"),
      JSON.stringify(findings),
    );
  });
});
