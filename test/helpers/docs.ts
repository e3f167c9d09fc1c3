// What generated docs may say: only what their reader has (test/generated-docs-references.test.ts,
// test/onboarding.test.ts).
import { dirname, join } from "node:path";

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
