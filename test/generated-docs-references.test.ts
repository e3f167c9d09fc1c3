// What the generated repo's docs and comments refer to is in the generated repo: its reader never
// saw the generator's own documents (the user's infrastructure plan, the parts contract).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { answerSets } from "./helpers/answer-sets.js";
import { foreignReferences } from "./helpers/docs.js";
import { answerSetRepo, readTree } from "./helpers/repo.js";

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
