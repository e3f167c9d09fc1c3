// What the generated repo's docs and comments refer to is in the generated repo: its reader never
// saw the generator's own documents (the user's infrastructure plan, the parts contract).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { answerSets } from "./helpers/answer-sets.js";
import { answerSetRepo, readTree } from "./helpers/repo.js";

/** Where a text speaks of a document its reader does not have. */
export function foreignReferences(
  files: Map<string, string>,
  exists: (path: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const [path, text] of files) {
    const at = (index: number) =>
      `${path}:${text.slice(0, index).split("\n").length}`;
    // The user's plan, not the infra workflow's plan of change sets ("the plan role", "reading the plan").
    for (const match of text.matchAll(
      /\bthe plan's\b|\bas the plan\b|\bthe plan (?:says|asks|advises|names)\b|\bfrom the plan\b|\bas planned\b/gi,
    ))
      problems.push(`${at(match.index)}: says "${match[0]}"`);
    const mentioned = [
      // Any Markdown file named anywhere, comments of YAML or Ruby included.
      ...[...text.matchAll(/[\w./-]*[\w-]\.md\b/g)].map((m) => ({
        target: m[0],
        index: m.index,
      })),
      // Links of Markdown files to files beside them.
      ...(path.endsWith(".md")
        ? [...text.matchAll(/\]\(([^)#:\s]+)(?:#[^)]*)?\)/g)].map((m) => ({
            target: m[1]!,
            index: m.index,
          }))
        : []),
    ];
    for (const { target, index } of mentioned)
      if (!exists(target) && !exists(join(dirname(path), target)))
        problems.push(`${at(index)}: refers to ${target}, not in the repo`);
  }
  return problems;
}

describe("generated docs speak only of the generated repo", () => {
  it("finds a planted 'the plan' and a reference to a file the repo lacks", () => {
    const problems = foreignReferences(
      new Map([
        [
          "README.md",
          "Where this departs from the plan.\nSee [x](docs/X.md). The plan role plans.",
        ],
        ["app.yml", "# as docs/parts-contract.md says\n"],
      ]),
      () => false,
    );
    assert.deepEqual(problems, [
      'README.md:1: says "from the plan"',
      "README.md:2: refers to docs/X.md, not in the repo",
      "README.md:2: refers to docs/X.md, not in the repo",
      "app.yml:1: refers to docs/parts-contract.md, not in the repo",
    ]);
  });

  for (const name of Object.keys(answerSets))
    it(`${name}: no 'the plan', and every document named is in the repo`, async () => {
      const dir = await answerSetRepo(name);
      const files = new Map(
        [...readTree(dir)].map(([path, contents]) => [
          path,
          contents.slice(contents.indexOf("\n") + 1),
        ]),
      );
      assert.deepEqual(
        foreignReferences(files, (path) => existsSync(join(dir, path))),
        [],
      );
    });
});
