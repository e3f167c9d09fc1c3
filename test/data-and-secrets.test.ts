import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../core/paths.js";
import { answerSetRepo, readTree } from "./helpers/repo.js";

describe("data files", () => {
  const dataDir = join(packageRoot, "data");
  for (const file of readdirSync(dataDir)) {
    it(`${file} names its source and date`, () => {
      const data = JSON.parse(readFileSync(join(dataDir, file), "utf8"));
      assert.ok(
        typeof data.source === "string" && data.source.length > 20,
        "source",
      );
      assert.match(data.date, /^\d{4}-\d{2}-\d{2}$/);
    });
  }
});

describe("secrets never land in a generated file", () => {
  const secretPatterns: [string, RegExp][] = [
    ["an AWS access key", /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
    ["a private key", /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
    [
      "a set SECRET_KEY_BASE or master key",
      /^(SECRET_KEY_BASE|RAILS_MASTER_KEY)=\S/m,
    ],
    ["an AWS secret in the environment", /AWS_SECRET_ACCESS_KEY\s*[=:]\s*\S/],
    ["a literal production password", /^\s*password:\s*(?!<%)\S/m],
  ];

  it("scans every file of a generated repo, .yo-rc.json included", async () => {
    const dir = await answerSetRepo("redis");
    const tree = readTree(dir);
    assert.ok(tree.has(".yo-rc.json"));
    for (const [path, contents] of tree)
      for (const [what, pattern] of secretPatterns)
        assert.doesNotMatch(contents, pattern, `${what} in ${path}`);
  });

  it("keeps .env out of git, and .env.example in", async () => {
    const dir = await answerSetRepo("defaults");
    const ignore = readFileSync(join(dir, ".gitignore"), "utf8");
    assert.match(ignore, /^\/\.env\*$/m);
    assert.match(ignore, /^!\/\.env\.example$/m);
    assert.match(ignore, /^\/config\/master\.key$/m);
  });
});
