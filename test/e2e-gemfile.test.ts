// The e2e suite may change where the generated Gemfile's gems come from, and nothing else.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { localGemfile } from "../e2e/harness/app.js";
import { generateRepo } from "./helpers/repo.js";

/** Each `gem` line as its name and options other than where it comes from. */
function gems(gemfile: string): string[] {
  return [...gemfile.matchAll(/^\s*gem "([^"]+)"(.*)$/gm)].map(
    ([, name, rest]) =>
      [
        name,
        ...rest!
          .split(/, */)
          .filter((part) => part && !/^["']|^path:/.test(part)),
      ].join(" "),
  );
}

describe("e2e: the test's Gemfile", function () {
  it("names the same gems in the same groups with the same options, only their sources differ", async function () {
    this.timeout(60_000);
    const dir = await generateRepo(["--defaults"]);
    const generated = readFileSync(join(dir, "Gemfile"), "utf8");
    const local = localGemfile(generated, "/opt/e2e/gems");
    assert.deepEqual(gems(local), gems(generated));
    // Lines other than gem lines (sources, groups, comments) are untouched.
    const others = (text: string) =>
      text.split("\n").filter((line) => !/^\s*gem "/.test(line));
    assert.deepEqual(others(local), others(generated));
    assert.match(local, /^gem "rails", path: "\/opt\/e2e\/gems\/rails"$/m);
    assert.match(
      local,
      /^gem "solid_queue", path: "\/opt\/e2e\/gems\/solid_queue"$/m,
    );
    assert.match(
      local,
      /^ {2}gem "brakeman", path: "\/opt\/e2e\/gems\/stand-ins\/brakeman", require: false$/m,
    );
    assert.match(
      local,
      /^gem "pg", "~> 1\.1"$/m,
      "Debian's gems keep their constraints",
    );
  });
});
