// Each part's file table lists exactly its templates: a template without a row would be rendered
// with no rule (never left out of an existing app, rendered whatever the answers), a row
// without a template would be a rule that never applies.
import assert from "node:assert/strict";
import { parts } from "../core/parts/registry.js";
import { builtInTemplateDir, listTemplates } from "../core/render.js";

describe("parts: file tables", () => {
  for (const part of parts) {
    it(`${part.name}: one row per template in templates/${part.name}/`, () => {
      const templates = listTemplates(builtInTemplateDir(part.name)).map(
        (template) => template.replace(/\.hbs$/, ""),
      );
      assert.ok(templates.length > 0);
      assert.deepEqual(Object.keys(part.files).sort(), templates.sort());
    });
  }
});
