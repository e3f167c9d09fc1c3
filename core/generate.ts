// One run of the generator, with no I/O but reading the destination: answers → validated answers
// → context → rendered files → change set. Adapters (the CLI, the Yeoman generators) write it.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveAnswers } from "./answers.js";
import { nextManifest, planChanges, writes, type Change } from "./changes.js";
import { deriveContext, type Context } from "./context.js";
import { changedEjectedTemplates } from "./eject.js";
import {
  EMPTY_MANIFEST,
  MANIFEST_PATH,
  manifestContents,
  readManifest,
  readManifestIfReadable,
  REPAIR_ADVICE,
  StateError,
  type Manifest,
} from "./manifest.js";
import { formatFiles } from "./format.js";
import { partNamed, partNames } from "./parts/registry.js";
import { comparePaths, STATE_DIR } from "./paths.js";
import { renderPart, type PlannedFile } from "./render.js";
import { flagOf, type Answers } from "./settings.js";
import { nameInApp, type ExistingApp } from "./onboarding/detect.js";
import { ignoredByGit } from "./onboarding/ignored.js";
import { unsupportedRails } from "./onboarding/fit.js";
import {
  isExistingApp,
  readFacts,
  readStoredAnswers,
  YO_RC,
  yoRcContents,
} from "./state.js";
import { timed, timedAsync } from "./timings.js";

export interface GenerateRequest {
  destination: string;
  /** Answers given for this run (flags, an answers file, prompts); stored answers fill the rest. */
  given: Record<string, unknown>;
  parts: string[];
  force?: boolean;
  restoreDeleted?: boolean;
  /** Rebuild a damaged or missing manifest: every file present is taken as the user's. */
  repair?: boolean;
  /** Write a new app into a folder that holds other files and no Rails app. */
  intoExisting?: boolean;
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
  /** A new app written by this run (not an existing app, not a regeneration). */
  newApp: boolean;
}

export type GenerateResult = { ok: false; problems: string[] } | Generated;

export async function generate(
  request: GenerateRequest,
): Promise<GenerateResult> {
  const { destination } = request;
  const facts = readFacts(destination);
  const resolution = timed("answers", () =>
    resolveAnswers(request.given, facts, readStoredAnswers(destination)),
  );
  if (!resolution.ok) return resolution;
  const found = request.repair ? EMPTY_MANIFEST : readManifest(destination);
  const unrelated = unrelatedFolderProblem(destination, found, request);
  if (unrelated) throw new StateError(unrelated);
  const existingApp = isExistingApp(destination, found);
  // Onboarding reads the app first: a Rails it cannot fit is refused before anything is written.
  const app = existingApp && !request.repair ? facts.existingApp : undefined;
  const unsupported = app && unsupportedRails(app);
  if (unsupported) return { ok: false, problems: [unsupported] };
  const context = deriveContext(resolution.answers, app);
  // A flag given to a part's run that changes other parts regenerates them too, so that the
  // repo never holds, say, a docker-compose with Redis beside a cable.yml on Solid Cable.
  const alsoChanged = changedElsewhere(request, context, existingApp, app);
  const parts = [...request.parts, ...alsoChanged];
  // In an existing app, a file the app keeps under another name is that file.
  const generatedName = new Map<string, string>();
  const inApp = (file: PlannedFile): PlannedFile => {
    if (!app || found.files[file.path]) return file;
    const path = nameInApp(file.path, (name) =>
      existsSync(join(destination, name)),
    );
    if (path !== file.path) generatedName.set(path, file.path);
    return { ...file, path };
  };
  const rendered = timed("render", () =>
    parts.map((name) => {
      const part = partNamed(name);
      const files = renderPart(part, context, destination, existingApp);
      return { part, files: files.map(inApp) };
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
  // A repaired manifest says the generator last wrote exactly this output: a file that differs
  // is then the user's (kept), and a missing one was deleted by the user (it stays deleted).
  const missing = request.repair
    ? undefined
    : missingManifestProblem(destination, found, formatted);
  if (missing) throw new StateError(missing);
  const manifest = request.repair
    ? {
        files: Object.fromEntries(
          formatted.map((file) => [file.path, { base: file.contents }]),
        ),
        ejected: readManifestIfReadable(destination).ejected,
      }
    : found;
  const scope = {
    parts,
    allParts: partNames.every((name) => parts.includes(name)),
  };
  const changes = timed("plan", () =>
    planChanges(
      formatted.sort((a, b) => comparePaths(a.path, b.path)),
      destination,
      manifest,
      {
        ...scope,
        force: request.force,
        restoreDeleted: request.restoreDeleted,
        adoptionOf: (path) =>
          partOf.get(path)?.adoption?.(generatedName.get(path) ?? path),
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
      nextManifest(manifest, changes, (path) => partOf.get(path)?.name, scope),
    ),
    warnings: [
      ...(alsoChanged.length
        ? [
            `${Object.keys(request.given)
              .map((name) => `--${flagOf(name)}`)
              .join(
                ", ",
              )} also changes what the ${alsoChanged.join(", ")} part${alsoChanged.length > 1 ? "s write" : " writes"}: regenerated ${alsoChanged.length > 1 ? "them" : "it"} too, so that the repo stays in step`,
          ]
        : []),
      ...changedEjectedTemplates(destination, manifest, parts),
      ...(!app &&
      resolution.answers.cableAdapter === "solid_cable" &&
      !context.uses.solidCable
        ? [
            `Ruby ${resolution.answers.rubyVersion}: Solid Cable 4 needs Ruby 3.3, so config/cable.yml uses Action Cable's own PostgreSQL adapter (LISTEN/NOTIFY)`,
          ]
        : []),
      ...changes.flatMap((change) =>
        change.note ? [`${change.path}: ${change.note}`] : [],
      ),
      ...(app
        ? ignoredByGit(
            destination,
            changes
              .filter((change) => change.action === "create")
              .map((change) => change.path),
          ).map(
            (path) =>
              `${path} is created but your .gitignore ignores it: git will not show or commit it`,
          )
        : []),
    ],
    newApp:
      !existingApp && !request.repair && Object.keys(found.files).length === 0,
  };
}

/** The parts outside this run whose output the answers given to it change. */
function changedElsewhere(
  request: GenerateRequest,
  context: Context,
  existingApp: boolean,
  app: ExistingApp | undefined,
): string[] {
  const others = partNames.filter((name) => !request.parts.includes(name));
  if (others.length === 0 || Object.keys(request.given).length === 0) return [];
  const { destination } = request;
  const before = resolveAnswers(
    {},
    readFacts(destination),
    readStoredAnswers(destination),
  );
  if (!before.ok) return [];
  const previous = deriveContext(before.answers, app);
  const output = (name: string, of: Context) =>
    JSON.stringify(renderPart(partNamed(name), of, destination, existingApp));
  return others.filter(
    (name) => output(name, previous) !== output(name, context),
  );
}

/**
 * Why the generator will not write here: the folder holds files of something that is not a Rails
 * app, or its answers and most of the generator's files are there but the manifest is gone (edits
 * could no longer be told from output, and the folder would be taken for an existing app).
 */
function unrelatedFolderProblem(
  destination: string,
  manifest: Manifest,
  request: GenerateRequest,
): string | undefined {
  if (request.repair || Object.keys(manifest.files).length > 0)
    return undefined;
  if (request.intoExisting || !existsSync(destination)) return undefined;
  if (existsSync(join(destination, "config/application.rb"))) return undefined;
  const others = readdirSync(destination).filter(
    (name) => ![".git", STATE_DIR, YO_RC].includes(name),
  );
  return others.length
    ? `${destination} holds other files (${others.slice(0, 3).join(", ")}${others.length > 3 ? ", …" : ""}) and no Rails app (no config/application.rb): choose an empty folder, or pass --into-existing to write a new app among them.`
    : undefined;
}

function missingManifestProblem(
  destination: string,
  manifest: Manifest,
  files: PlannedFile[],
): string | undefined {
  if (Object.keys(manifest.files).length > 0) return undefined;
  if (Object.keys(readStoredAnswers(destination)).length === 0)
    return undefined;
  const present = files.filter((file) =>
    existsSync(join(destination, file.path)),
  ).length;
  return present > files.length / 2
    ? `${MANIFEST_PATH} is missing, though ${YO_RC} and ${present} of the ${files.length} files rails-aws writes are here: without it your edits cannot be told from the generator's output; ${REPAIR_ADVICE}.`
    : undefined;
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

/** The files a run removes: its own output that is no longer generated and was not edited. */
export function filesToRemove(result: Generated): string[] {
  return result.changes
    .filter((change) => change.action === "removed")
    .map((change) => change.path);
}

/** The files a run writes: generated files that change, then state files that change. */
export function filesToWrite(
  result: Generated,
  destination: string,
): PlannedFile[] {
  // The app's own file stays as it is: the output goes to the proposal beside it.
  const generated = result.changes
    .filter(writes)
    .map(({ path, contents, mode, proposal }) =>
      proposal
        ? { path: proposal, contents, mode: 0o644 }
        : { path, contents, mode },
    );
  const state = result.state.filter((file) => differsOnDisk(destination, file));
  return [...generated, ...state];
}
