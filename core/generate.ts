// One run of the generator, with no I/O but reading the destination: answers → validated answers
// → context → rendered files → change set. Adapters (the CLI, the Yeoman generators) write it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveAnswers } from "./answers.js";
import { nextManifest, planChanges, writes, type Change } from "./changes.js";
import { deriveContext, type Context } from "./context.js";
import { changedEjectedTemplates } from "./eject.js";
import {
  MANIFEST_PATH,
  manifestContents,
  readManifest,
  type Manifest,
} from "./manifest.js";
import { formatFiles } from "./format.js";
import { partNamed } from "./parts/registry.js";
import { renderPart, type PlannedFile } from "./render.js";
import type { Answers } from "./settings.js";
import { readFacts, readStoredAnswers, YO_RC, yoRcContents } from "./state.js";
import { timed, timedAsync } from "./timings.js";

export interface GenerateRequest {
  destination: string;
  /** Answers given for this run (flags, an answers file, prompts); stored answers fill the rest. */
  given: Record<string, unknown>;
  parts: string[];
  force?: boolean;
  restoreDeleted?: boolean;
}

export interface Generated {
  ok: true;
  answers: Answers;
  context: Context;
  /** One entry per generated file, in path order. */
  changes: Change[];
  /** .yo-rc.json and the manifest. */
  state: PlannedFile[];
  /** Things the user should know that are not about one file's change. */
  warnings: string[];
}

export type GenerateResult = { ok: false; problems: string[] } | Generated;

export async function generate(
  request: GenerateRequest,
): Promise<GenerateResult> {
  const { destination } = request;
  const resolution = timed("answers", () =>
    resolveAnswers(
      request.given,
      readFacts(destination),
      readStoredAnswers(destination),
    ),
  );
  if (!resolution.ok) return resolution;
  const context = deriveContext(resolution.answers);
  const manifest = readManifest(destination);
  const existingApp = isExistingApp(destination, manifest);
  const rendered = timed("render", () =>
    request.parts.map((name) => {
      const part = partNamed(name);
      const files = renderPart(part, context, destination, existingApp);
      return { part, files };
    }),
  );
  const partOf = new Map(
    rendered.flatMap(({ part, files }) =>
      files.map((file) => [file.path, part] as const),
    ),
  );
  const formatted = await timedAsync("format", () =>
    formatFiles(rendered.flatMap(({ files }) => files)),
  );
  const changes = timed("plan", () =>
    planChanges(
      formatted.sort((a, b) => a.path.localeCompare(b.path)),
      destination,
      {
        force: request.force,
        restoreDeleted: request.restoreDeleted,
        adoptionOf: (path) => partOf.get(path)?.adoption?.(path),
      },
    ),
  );
  return {
    ok: true,
    answers: resolution.answers,
    context,
    changes,
    state: stateFiles(
      destination,
      resolution.answers,
      nextManifest(manifest, changes),
    ),
    warnings: changedEjectedTemplates(destination, manifest, request.parts),
  };
}

/** A Rails app the generator did not write: it is onboarded, not completed. */
function isExistingApp(destination: string, manifest: Manifest): boolean {
  const application = "config/application.rb";
  return (
    existsSync(join(destination, application)) && !manifest.files[application]
  );
}

function stateFiles(
  destination: string,
  answers: Answers,
  manifest: Manifest,
): PlannedFile[] {
  return [
    { path: YO_RC, contents: yoRcContents(destination, answers), mode: 0o644 },
    { path: MANIFEST_PATH, contents: manifestContents(manifest), mode: 0o644 },
  ];
}

function differsOnDisk(destination: string, file: PlannedFile): boolean {
  try {
    return readFileSync(join(destination, file.path), "utf8") !== file.contents;
  } catch {
    return true;
  }
}

/** The files a run writes: generated files that change, then state files that change. */
export function filesToWrite(
  result: Generated,
  destination: string,
): PlannedFile[] {
  const generated = result.changes
    .filter(writes)
    .map(({ path, contents, mode }) => ({ path, contents, mode }));
  const state = result.state.filter((file) => differsOnDisk(destination, file));
  return [...generated, ...state];
}
