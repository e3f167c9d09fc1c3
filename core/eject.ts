// `rails-aws eject <part>`: copies a part's built-in templates to .rails-aws/templates/<part>/,
// where later runs take them from. The manifest records which built-in template each copy came
// from, so that a run can say when the built-in one has changed since.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  MANIFEST_PATH,
  manifestContents,
  readManifest,
  sha256,
  type Manifest,
} from "./manifest.js";
import { partNamed } from "./parts/registry.js";
import {
  builtInTemplateDir,
  listTemplates,
  userTemplateDir,
  type PlannedFile,
} from "./render.js";
import { diff } from "./lazy.js";
import { STATE_DIR } from "./paths.js";

interface Ejection {
  /** The copies to write, and the manifest. */
  files: PlannedFile[];
  /** Copies the user already has and changed: left alone without --force. */
  kept: string[];
}

function ejectPart(
  destination: string,
  part: string,
  options: { force?: boolean } = {},
): Ejection {
  partNamed(part);
  const manifest = readManifest(destination);
  const ejected = { ...manifest.ejected };
  const files: PlannedFile[] = [];
  const kept: string[] = [];
  for (const template of listTemplates(builtInTemplateDir(part))) {
    const source = readFileSync(
      join(builtInTemplateDir(part), template),
      "utf8",
    );
    const copy = join(userTemplateDir(destination, part), template);
    const path = `${STATE_DIR}/templates/${part}/${template}`;
    if (
      existsSync(copy) &&
      readFileSync(copy, "utf8") !== source &&
      !options.force
    ) {
      kept.push(path);
      continue;
    }
    files.push({ path, contents: source, mode: 0o644 });
    ejected[`${part}/${template}`] = sha256(source);
  }
  const next: Manifest = { ...manifest, ejected };
  files.push({
    path: MANIFEST_PATH,
    contents: manifestContents(next),
    mode: 0o644,
  });
  return { files, kept };
}

export interface EjectRequest {
  destination: string;
  part: string;
  force?: boolean;
  dryRun?: boolean;
  destinationLabel: string;
}

/** Diffs between the user's copies and the built-in templates a forced ejection would put back. */
function copyDiffs(destination: string, copies: PlannedFile[]): string[] {
  return copies.flatMap((file) => {
    const path = join(destination, file.path);
    const previous = existsSync(path) ? readFileSync(path, "utf8") : "";
    return previous && previous !== file.contents
      ? [
          diff().createTwoFilesPatch(
            `yours/${file.path}`,
            `built-in/${file.path}`,
            previous,
            file.contents,
          ),
        ]
      : [];
  });
}

/** What `eject` writes, and its report. */
export function planEjection(request: EjectRequest): {
  files: PlannedFile[];
  report: string;
} {
  const { destination, part, dryRun } = request;
  const ejection = ejectPart(destination, part, { force: request.force });
  const copies = ejection.files.filter((file) => file.path.endsWith(".hbs"));
  const report = [
    ...copies.map((file) => `  eject     ${file.path}`),
    ...(dryRun ? copyDiffs(destination, copies) : []),
    ...ejection.kept.map(
      (path) => `  kept      ${path} (yours, changed: --force replaces it)`,
    ),
    "",
    `rails-aws${dryRun ? " (dry run: nothing was written)" : ""}: ${copies.length} templates of ${part} ejected to ${request.destinationLabel}/${STATE_DIR}/templates/${part}/; later runs use them.`,
    "",
  ].join("\n");
  return { files: dryRun ? [] : ejection.files, report };
}

/** Warnings for ejected templates whose built-in original changed since they were copied. */
export function changedEjectedTemplates(
  destination: string,
  manifest: Manifest,
  parts: string[],
): string[] {
  return Object.entries(manifest.ejected)
    .filter(([key]) => parts.includes(key.slice(0, key.indexOf("/"))))
    .filter(([key, hash]) => {
      const [part, template] = [
        key.slice(0, key.indexOf("/")),
        key.slice(key.indexOf("/") + 1),
      ];
      const builtIn = join(builtInTemplateDir(part), template);
      const copy = join(userTemplateDir(destination, part), template);
      return (
        existsSync(builtIn) &&
        existsSync(copy) &&
        sha256(readFileSync(builtIn)) !== hash
      );
    })
    .map(
      ([key]) =>
        `the built-in template ${key} changed since you ejected it: compare your copy in ${STATE_DIR}/templates/${key} with the new one (rails-aws eject --dry-run shows it)`,
    );
}
