// The scratchpad's edits, as the generated app merges them: the browser's rules
// (app/javascript/channels/scratchpad_operation.js) and the server's (app/models/scratchpad/
// operation.rb) must agree, and two edits made on the same text must give the same text in
// either order with both kept. Random edits, run in Node and in Ruby.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { answerSetRepo, tempDir } from "./helpers/repo.js";
import { requireTool } from "./helpers/tools.js";

type Step = { i: number; s: string } | { d: number; n: number };
interface Operations {
  apply(text: string, operation: Step[]): string;
  diff(before: string, after: string): Step[];
  transform(a: Step[], b: Step[], aFirst: boolean): [Step[], Step[]];
}

/** A random edit of `text`: one to three inserts and deletes. */
function randomEdit(text: string, random: () => number, ops: Operations) {
  const steps: Step[] = [];
  for (let k = 1 + Math.floor(random() * 3); k > 0; k--) {
    const step: Step =
      text.length && random() < 0.5
        ? (() => {
            const d = Math.floor(random() * text.length);
            return {
              d,
              n: 1 + Math.floor(random() * Math.min(4, text.length - d)),
            };
          })()
        : {
            i: Math.floor(random() * (text.length + 1)),
            s: "xyz".slice(0, 1 + Math.floor(random() * 3)),
          };
    steps.push(step);
    text = ops.apply(text, [step]);
  }
  return steps;
}

/** A seeded generator, so that a failure can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe("the scratchpad's edit merging", function () {
  this.timeout(120_000);
  let repo: string;
  let ops: Operations;

  before(async () => {
    repo = await answerSetRepo("defaults");
    ops = (await import(
      pathToFileURL(
        join(repo, "app/javascript/channels/scratchpad_operation.js"),
      ).href
    )) as Operations;
  });

  it("gives the same text in either order, keeping both edits, for 5000 random pairs of edits", () => {
    const random = seeded(7);
    for (let run = 0; run < 5000; run++) {
      const base = "abcdefghij".slice(0, Math.floor(random() * 11));
      const a = randomEdit(base, random, ops);
      const b = randomEdit(base, random, ops);
      const [aAfterB, bAfterA] = ops.transform(a, b, false);
      assert.equal(
        ops.apply(ops.apply(base, b), aAfterB),
        ops.apply(ops.apply(base, a), bAfterA),
        JSON.stringify({ base, a, b }),
      );
    }
  });

  it("turns one text into another by its diff, never cutting an emoji in two", () => {
    const pairs = [
      ["", "abc"],
      ["abc", ""],
      ["abc", "aXc"],
      ["a😀b", "a😁b"],
      ["😀", "😀😀"],
    ];
    for (const [before, after] of pairs) {
      const operation = ops.diff(before!, after!);
      assert.equal(ops.apply(before!, operation), after);
      for (const step of operation) {
        const at = "i" in step ? step.i : step.d;
        assert.ok(
          !/[\udc00-\udfff]/.test(before!.charAt(at)) || at === 0,
          `${JSON.stringify(step)} cuts ${before}`,
        );
      }
    }
  });

  it("merges on the server exactly as in the browser (the same results from the Ruby)", function () {
    requireTool(this, "ruby");
    const random = seeded(11);
    const cases = Array.from({ length: 1000 }, () => {
      const base = "abcdefghij".slice(0, Math.floor(random() * 11));
      const a = randomEdit(base, random, ops);
      const b = randomEdit(base, random, ops);
      const [aAfterB, bAfterA] = ops.transform(a, b, false);
      return {
        base,
        a,
        b,
        aAfterB,
        bAfterA,
        text: ops.apply(ops.apply(base, b), aAfterB),
      };
    });
    const dir = tempDir("scratchpad-");
    writeFileSync(join(dir, "cases.json"), JSON.stringify(cases));
    const script = `
      require "json"
      module Scratchpad; end
      load ${JSON.stringify(join(repo, "app/models/scratchpad/operation.rb"))}
      op = Scratchpad::Operation
      JSON.parse(File.read(ARGV[0])).each_with_index do |c, index|
        a, b = op.transform(op.parse(c["a"]), op.parse(c["b"]), false)
        text = op.apply(op.apply(c["base"], c["b"]), a)
        next if [ a, b, text ] == c.values_at("aAfterB", "bAfterA", "text")

        abort "case #{index}: #{c.to_json} gave #{[ a, b, text ].to_json}"
      end`;
    execFileSync("ruby", ["-e", script, join(dir, "cases.json")], {
      encoding: "utf8",
    });
  });
});
