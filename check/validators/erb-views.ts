// ERB views and layouts (app/views/**/*.erb): compiled to Ruby as Rails does, then compiled by
// Ruby, in one process. Like Rails' own ERB handler, `<%= helper do |f| %>` opens a block rather
// than being an expression, so block helpers such as form_with are not syntax errors.
import type { RepoFile } from "../repo.js";
import { runRubyScript } from "../ruby.js";
import type { Validator } from "../types.js";

export const erbViews: Validator = {
  name: "erb-views",
  tools: ["ruby"],
  appliesTo: (file: RepoFile) => file.name.endsWith(".erb"),
  run: (files, context) =>
    runRubyScript(
      "erb-views",
      files.map((file) => file.path),
      context,
    ),
};
