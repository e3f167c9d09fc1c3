// What a run writes from built-in templates is exactly what prettier would write, over the
// answer matrix: that is what lets a run skip prettier for them (core/format.ts).
import assert from "node:assert/strict";
import { createTwoFilesPatch } from "diff";
import { alignTables, formatFile, needsFormatting } from "../core/format.js";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo, readTree } from "./helpers/repo.js";

describe("generated YAML, JSON and Markdown are what prettier would write", () => {
  for (const name of Object.keys(answerSets)) {
    it(name, async () => {
      const tree = readTree(await answerSetRepo(name));
      let checked = 0;
      for (const [path, entry] of tree) {
        const contents = entry.slice(entry.indexOf("\n") + 1);
        // ERB in YAML is not YAML until Rails renders it; the state files are the generator's own.
        if (!/\.(ya?ml|json|md)$/.test(path) || contents.includes("<%"))
          continue;
        if (path === ".yo-rc.json" || path.startsWith(".rails-aws/")) continue;
        const formatted = await formatFile(path, contents);
        assert.equal(
          formatted,
          contents,
          createTwoFilesPatch(path, `${path} (prettier)`, contents, formatted),
        );
        checked++;
      }
      assert.ok(checked > 20, `${checked} files checked`);
    });
  }

  it("still formats what a user's template renders", () => {
    const file = { path: "a.yml", contents: "a:  1\n", mode: 0o644 };
    assert.ok(needsFormatting({ ...file, fromUserTemplate: true }));
    assert.ok(!needsFormatting(file));
  });

  it("aligns Markdown tables as prettier does, alignment markers and escaped pipes included", async () => {
    const table = [
      "Some text | not a table",
      "",
      "| name | right | centre | left |",
      "| --- | ---: | :-: | :-- |",
      "| a \\| b | 1 | x | l |",
      "| longer name | 12345 | y | left |",
      "",
    ].join("\n");
    assert.equal(alignTables(table), await formatFile("t.md", table));
  });
});
