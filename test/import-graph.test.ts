// No module of the generator or the checker imports its way back to itself, type-only imports
// included: the parts, the registry and the shared context stay layered. The checker is a program
// of its own: it and the generator share no module, and only the command joins them.
import assert from "node:assert/strict";
import { packageRoot } from "../core/paths.js";
import { findCycle, importGraph } from "./helpers/import-graph.js";
import { tempDir, writeRepo } from "./helpers/repo.js";

const projectGraph = () =>
  importGraph(packageRoot, ["core", "check", "cli", "generators"]);
const isChecker = (module: string) => module.startsWith("check/");

describe("import graph", () => {
  it("core/, check/, cli/ and generators/ have no import cycle, type-only imports included", () => {
    const graph = projectGraph();
    assert.ok(graph.has("core/parts/registry.ts"));
    assert.ok(
      graph.get("core/generate.ts")!.includes("core/parts/registry.ts"),
    );
    assert.equal(findCycle(graph)?.join(" → "), undefined);
  });

  it("check/ and the generator import nothing of each other: only cli/ joins them", () => {
    const graph = projectGraph();
    const crossing = [...graph].flatMap(([module, imports]) =>
      imports
        .filter((imported) => isChecker(module) !== isChecker(imported))
        .filter(() => !module.startsWith("cli/"))
        .map((imported) => `${module} → ${imported}`),
    );
    assert.deepEqual(crossing, []);
    assert.ok(
      graph.get("cli/main.ts")!.includes("check/index.ts"),
      "the command runs the checker",
    );
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
