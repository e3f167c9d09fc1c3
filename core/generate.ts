// One run of the generator, with no I/O but reading the destination: answers → validated answers
// → context → rendered files → change set. Adapters (the CLI, the Yeoman generators) write it.
import { resolveAnswers } from "./answers.js";
import {
  manifestContents,
  MANIFEST_PATH,
  nextManifest,
  planChanges,
  WRITES,
  type Change,
} from "./changes.js";
import { deriveContext, type Context } from "./context.js";
import { renderPart, type PlannedFile } from "./render.js";
import type { Answers } from "./settings.js";
import { readFacts, readStoredAnswers, YO_RC, yoRcContents } from "./state.js";

export interface GenerateRequest {
  destination: string;
  /** Answers given for this run (flags, an answers file, prompts); stored answers fill the rest. */
  given: Record<string, unknown>;
  parts: string[];
  force?: boolean;
}

export type GenerateResult =
  | { ok: false; problems: string[] }
  | {
      ok: true;
      answers: Answers;
      context: Context;
      /** One entry per generated file, in path order. */
      changes: Change[];
      /** .yo-rc.json and the manifest, when they change. */
      state: PlannedFile[];
    };

export function answersFor(
  destination: string,
  given: Record<string, unknown>,
) {
  return resolveAnswers(
    { ...readStoredAnswers(destination), ...given },
    readFacts(destination),
  );
}

export async function generate(
  request: GenerateRequest,
): Promise<GenerateResult> {
  const resolution = answersFor(request.destination, request.given);
  if (!resolution.ok) return resolution;
  const context = deriveContext(resolution.answers);
  const rendered = await Promise.all(
    request.parts.map((part) => renderPart(part, context, request.destination)),
  );
  const changes = planChanges(
    rendered.flat().sort((a, b) => a.path.localeCompare(b.path)),
    request.destination,
    { force: request.force },
  );
  return {
    ok: true,
    answers: resolution.answers,
    context,
    changes,
    state: stateFiles(request.destination, resolution.answers, changes),
  };
}

function stateFiles(
  destination: string,
  answers: Answers,
  changes: Change[],
): PlannedFile[] {
  return [
    { path: YO_RC, contents: yoRcContents(destination, answers), mode: 0o644 },
    {
      path: MANIFEST_PATH,
      contents: manifestContents(nextManifest(destination, changes)),
      mode: 0o644,
    },
  ];
}

/** The files a run writes: changed generated files and changed state files. */
export function filesToWrite(
  result: Extract<GenerateResult, { ok: true }>,
  destination: string,
): PlannedFile[] {
  const generated = result.changes.filter((change) =>
    WRITES.has(change.action),
  );
  const state = planChanges(result.state, destination, { force: true }).filter(
    (change) => change.action !== "unchanged",
  );
  return [...generated, ...state];
}
