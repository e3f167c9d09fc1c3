// The files that make up a repo, as validators see them: a relative path, and contents read
// only when a validator asks (most validators decide by path alone).
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { basename, extname, join } from "node:path";

/** Folders that are never the repo's own source, wherever they are. */
const SKIPPED_ANYWHERE = new Set([".git", "node_modules"]);
/** Rails' and the generator's working folders: skipped at the top only, so `app/models/log/` is kept. */
const SKIPPED_AT_ROOT = new Set(["tmp", "log", "vendor", ".rails-aws"]);

export class RepoFile {
  #contents?: string;
  #firstLine?: string;
  #hasConflictMarkers?: boolean;

  constructor(
    /** The repo's folder, absolute. */
    readonly root: string,
    /** Relative to the root, with forward slashes. */
    readonly path: string,
  ) {}

  get absolute(): string {
    return join(this.root, this.path);
  }

  get name(): string {
    return basename(this.path);
  }

  /** The extension with its dot, lower case; "" for `Gemfile` or `bin/dev`. */
  get extension(): string {
    return extname(this.path).toLowerCase();
  }

  get contents(): string {
    this.#contents ??= readFileSync(this.absolute, "utf8");
    return this.#contents;
  }

  /**
   * Whether the file holds an unresolved merge conflict: a `<<<<<<<` line closed by a `>>>>>>>`
   * line. Binary files (a NUL byte) never do.
   */
  get hasConflictMarkers(): boolean {
    this.#hasConflictMarkers ??=
      conflictBlocks(textOf(this.absolute)).length > 0;
    return this.#hasConflictMarkers;
  }

  /** The first line, read without reading the whole file: enough for a shebang. */
  get firstLine(): string {
    this.#firstLine ??= (this.#contents ?? readHead(this.absolute)).split(
      "\n",
    )[0]!;
    return this.#firstLine;
  }
}

/** A file's contents when they are text, "" for a binary file (one holding a NUL byte). */
function textOf(path: string): string {
  const bytes = readFileSync(path);
  return bytes.includes(0) ? "" : bytes.toString("utf8");
}

const HEAD_BYTES = 256;

function readHead(path: string): string {
  const buffer = Buffer.alloc(HEAD_BYTES);
  const fd = openSync(path, "r");
  try {
    const length = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Each unresolved conflict of a text: the 1-based lines of its opening and closing markers. */
export function conflictBlocks(text: string): { from: number; to: number }[] {
  const blocks: { from: number; to: number }[] = [];
  let from: number | undefined;
  text.split("\n").forEach((line, index) => {
    if (/^<{7}( |$)/.test(line)) from = index + 1;
    else if (/^>{7}( |$)/.test(line) && from !== undefined) {
      blocks.push({ from, to: index + 1 });
      from = undefined;
    }
  });
  return blocks;
}

/** Every regular file under `root`, sorted by path, without the skipped folders. */
export async function listRepoFiles(root: string): Promise<RepoFile[]> {
  const paths: string[] = [];
  await walk(root, "", paths);
  return paths.sort().map((path) => new RepoFile(root, path));
}

async function walk(root: string, dir: string, paths: string[]): Promise<void> {
  const entries = await readdir(join(root, dir), { withFileTypes: true });
  await Promise.all(
    entries.map(async (entry) => {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      // Symbolic links are neither followed nor checked: they could loop or leave the repo.
      if (entry.isFile()) paths.push(path);
      else if (entry.isDirectory() && !isSkipped(entry.name, dir === "")) {
        await walk(root, path, paths);
      }
    }),
  );
}

function isSkipped(name: string, atRoot: boolean): boolean {
  return SKIPPED_ANYWHERE.has(name) || (atRoot && SKIPPED_AT_ROOT.has(name));
}

/**
 * The interpreter a shebang names, e.g. "bash" for `#!/usr/bin/env bash` or `#!/bin/bash -e`,
 * "ruby" for `#!/usr/bin/env -S ruby --yjit`; undefined without a shebang.
 */
export function shebangInterpreter(firstLine: string): string | undefined {
  const match = /^#!\s*(\S+)(.*)$/.exec(firstLine.trimEnd());
  if (!match) return undefined;
  const program = basename(match[1]!);
  if (program !== "env") return program;
  // `env` runs its first argument that is neither an option nor a VAR=value assignment.
  return match[2]!
    .trim()
    .split(/\s+/)
    .find(
      (word) => word !== "" && !word.startsWith("-") && !word.includes("="),
    );
}

export function isYaml(file: RepoFile): boolean {
  return file.extension === ".yml" || file.extension === ".yaml";
}

/** Rails config is YAML with ERB: not YAML until rendered. */
export function hasErb(file: RepoFile): boolean {
  return file.contents.includes("<%");
}
