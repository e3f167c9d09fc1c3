// No module of the generator imports its way back to itself, type-only imports included: the
// parts, the registry and the shared context stay layered.
import assert from "node:assert/strict";
import { packageRoot } from "../core/paths.js";
import { findCycle, importGraph } from "./helpers/import-graph.js";
import { tempDir, writeRepo } from "./helpers/repo.js";

describe("import graph", () => {
  it("core/, cli/ and generators/ have no import cycle, type-only imports included", () => {
    const graph = importGraph(packageRoot, ["core", "cli", "generators"]);
    assert.ok(graph.has("core/parts/registry.ts"));
    assert.ok(
      graph.get("core/generate.ts")!.includes("core/parts/registry.ts"),
    );
    assert.equal(findCycle(graph)?.join(" → "), undefined);
  });

  it("finds a cycle made only of type imports and re-exports", () => {
    const dir = tempDir("import-graph-");
    writeRepo(dir, {
      "src/a.ts": 'import type { B } from "./b.js";\nexport type A = B;\n',
      "src/b.ts": 'export type { C as B } from "./nested/c.js";\n',
      "src/nested/c.ts":
        'import type { A } from "../a.js";\nexport type C = A | 1;\n',
      "src/leaf.ts": 'import { x } from "node:fs";\nexport const y = x;\n',
    });
    assert.deepEqual(findCycle(importGraph(dir, ["src"])), [
      "src/a.ts",
      "src/b.ts",
      "src/nested/c.ts",
      "src/a.ts",
    ]);
  });
});
