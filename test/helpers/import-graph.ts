// The import graph of the project's TypeScript, read with the compiler's own pre-processor, so
// that `import type` and `export ... from` count like any import: a type-only cycle still ties
// two modules together for a reader, and turns into a load-order cycle as soon as a value is added.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** Module → the project modules it imports, both as paths relative to `root`. */
export function importGraph(
  root: string,
  folders: string[],
): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const name = (path: string) => relative(root, path).split(sep).join("/");
  for (const folder of folders) {
    for (const entry of readdirSync(join(root, folder), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
      const file = join(entry.parentPath, entry.name);
      const { importedFiles } = ts.preProcessFile(
        readFileSync(file, "utf8"),
        true,
        true,
      );
      graph.set(
        name(file),
        importedFiles
          .map(({ fileName }) => fileName)
          .filter((specifier) => specifier.startsWith("."))
          .map((specifier) =>
            name(resolve(dirname(file), specifier.replace(/\.js$/, ".ts"))),
          ),
      );
    }
  }
  return graph;
}

/** A cycle of the graph as the modules along it (first = last), or undefined without one. */
export function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (module: string): string[] | undefined => {
    const open = path.indexOf(module);
    if (open >= 0) return [...path.slice(open), module];
    if (done.has(module)) return undefined;
    path.push(module);
    for (const imported of graph.get(module) ?? []) {
      const cycle = visit(imported);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(module);
    return undefined;
  };
  for (const module of [...graph.keys()].sort()) {
    const cycle = visit(module);
    if (cycle) return cycle;
  }
  return undefined;
}
