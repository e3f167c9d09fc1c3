// Built-in templates render YAML and JSON exactly as prettier formats it, over the answer
// matrix: that is what lets a run skip formatting them (core/format.ts).
import assert from "node:assert/strict";
import { createTwoFilesPatch } from "diff";
import { resolveAnswers } from "../core/answers.js";
import { deriveContext } from "../core/context.js";
import {
  alignTables,
  formatFile,
  formatFiles,
  needsFormatting,
} from "../core/format.js";
import { partNames } from "../core/parts.js";
import { renderPart } from "../core/render.js";
import { tempDir } from "./helpers/repo.js";
import { answerSets } from "./helpers/answer-sets.js";

/** The matrix's flags as answers: `--production-asg-min 3` → `productionAsgMin: "3"`. */
function answersOf(args: string[]): Record<string, unknown> {
  const answers: Record<string, unknown> = { domain: "example.com" };
  for (let i = 0; i < args.length; i++) {
    const key = args[i]!.slice(2).replace(/-([a-z])/g, (_, c: string) =>
      c.toUpperCase(),
    );
    const value = args[i + 1];
    if (value === undefined || value.startsWith("--")) answers[key] = true;
    else ((answers[key] = value), i++);
  }
  return answers;
}

describe("built-in templates render what prettier would write", () => {
  for (const [name, args] of Object.entries(answerSets)) {
    it(name, async () => {
      const resolution = resolveAnswers(answersOf(args), {
        folderName: "demo",
      });
      assert.ok(
        resolution.ok,
        resolution.ok ? "" : resolution.problems.join("\n"),
      );
      const context = deriveContext(resolution.answers);
      const destination = tempDir();
      // What a run writes: nothing from a built-in template goes through prettier.
      const written = await formatFiles(
        partNames.flatMap((part) => renderPart(part, context, destination)),
      );
      const skipped = written.filter(
        (file) =>
          /\.(ya?ml|json|md)$/.test(file.path) && !file.contents.includes("<%"),
      );
      assert.ok(
        skipped.length > 20,
        "YAML, JSON and Markdown are rendered without prettier",
      );
      for (const file of skipped) {
        const formatted = await formatFile(file.path, file.contents);
        assert.equal(
          formatted,
          file.contents,
          createTwoFilesPatch(
            file.path,
            `${file.path} (prettier)`,
            file.contents,
            formatted,
          ),
        );
      }
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
