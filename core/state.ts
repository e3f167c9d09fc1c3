// What the destination already tells: stored answers in .yo-rc.json, its folder name, its git remote.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import {
  generatorFiles,
  readManifestIfReadable,
  type Manifest,
} from "./manifest.js";
import { detectApp, type AppFiles } from "./onboarding/detect.js";
import { GENERATOR_NAME } from "./paths.js";
import { settingNames, type Answers, type Facts } from "./settings.js";

export const YO_RC = ".yo-rc.json";

function readYoRc(destination: string): Record<string, unknown> {
  const path = join(destination, YO_RC);
  if (!existsSync(path)) return {};
  if (statSync(path).isDirectory())
    throw new Error(
      `${YO_RC} is a folder, where the generator keeps its answers in a file: move it away, then give the answers again (--answers FILE, or the flags).`,
    );
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new Error(
      `${YO_RC}: not valid JSON (${(error as Error).message}). Mend it, or remove it and give the answers again (--answers FILE, or the flags).`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new Error(
      `${YO_RC}: expected an object such as { "${GENERATOR_NAME}": { "domain": "example.com" } }. Mend it, or remove it and give the answers again.`,
    );
  return parsed as Record<string, unknown>;
}

export function readStoredAnswers(
  destination: string,
): Record<string, unknown> {
  const stored = readYoRc(destination)[GENERATOR_NAME];
  if (stored === undefined) return {};
  if (stored === null || typeof stored !== "object" || Array.isArray(stored))
    throw new Error(
      `${YO_RC}: "${GENERATOR_NAME}" must be an object of answers such as { "domain": "example.com" }. Mend it, or remove the key and give the answers again.`,
    );
  return stored as Record<string, unknown>;
}

/** .yo-rc.json with these answers under the generator's key, other generators' keys kept. */
export function yoRcContents(destination: string, answers: Answers): string {
  const ordered = Object.fromEntries(
    settingNames
      .filter((name) => answers[name] !== undefined)
      .map((name) => [name, answers[name]]),
  );
  const config = { ...readYoRc(destination), [GENERATOR_NAME]: ordered };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `owner/name` from a GitHub remote in .git/config (https or ssh form). */
export function gitHubRemote(destination: string): string | undefined {
  const path = join(destination, ".git", "config");
  if (!existsSync(path)) return undefined;
  const match = readFileSync(path, "utf8").match(
    /url\s*=\s*(?:https:\/\/github\.com\/|git@github\.com:|ssh:\/\/git@github\.com\/)([\w.-]+\/[\w.-]+?)(?:\.git)?\s*$/m,
  );
  return match?.[1];
}

function readIfExists(destination: string, path: string): string | undefined {
  const full = join(destination, path);
  return existsSync(full) ? readFileSync(full, "utf8") : undefined;
}

/** `board-app` from `module BoardApp` in an existing app's config/application.rb. */
function existingAppName(destination: string): string | undefined {
  const module = readIfExists(destination, "config/application.rb")?.match(
    /^module\s+([A-Z]\w*)/m,
  )?.[1];
  return module
    ?.replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replaceAll("_", "-");
}

/** Folders detection never looks into: git's, and installed packages. */
const SKIPPED_FOLDERS = new Set([".git", "node_modules", "vendor", "tmp"]);

/**
 * An existing app's files, as detection reads them: the files the generator owns (its manifest)
 * read as absent, so that its own Capfile is not taken for the app's deploy tool.
 */
function appFilesOn(destination: string, manifest: Manifest): AppFiles {
  const generated = new Set(generatorFiles(manifest));
  const isAppFile = (path: string) => {
    const full = join(destination, path);
    return !generated.has(path) && existsSync(full) && statSync(full).isFile();
  };
  const list = (dir: string, depth = 0): string[] => {
    const full = join(destination, dir);
    if (!existsSync(full) || !statSync(full).isDirectory()) return [];
    return readdirSync(full, { withFileTypes: true }).flatMap((entry) => {
      const path = dir === "." ? entry.name : `${dir}/${entry.name}`;
      if (!entry.isDirectory()) return isAppFile(path) ? [path] : [];
      return depth > 0 && !SKIPPED_FOLDERS.has(entry.name)
        ? list(path, depth - 1)
        : [];
    });
  };
  return {
    read: (path) =>
      isAppFile(path)
        ? readFileSync(join(destination, path), "utf8")
        : undefined,
    list,
  };
}

/** An app the generator did not write: config/application.rb is there and is not its own. */
export function isExistingApp(
  destination: string,
  manifest: Manifest,
): boolean {
  const application = "config/application.rb";
  return (
    existsSync(join(destination, application)) && !manifest.files[application]
  );
}

export function readFacts(
  destination: string,
  manifest: Manifest = readManifestIfReadable(destination),
): Facts {
  const existingApp = isExistingApp(destination, manifest)
    ? detectApp(appFilesOn(destination, manifest))
    : undefined;
  return {
    folderName: basename(resolve(destination)),
    gitHubRemote: gitHubRemote(destination),
    appName: existingAppName(destination),
    rubyVersion: existingApp?.ruby?.version,
    ...(existingApp ? { existingApp } : {}),
  };
}
