// Writes planned files to disk, creating folders and setting modes.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlannedFile } from "./render.js";
import { timed } from "./timings.js";

function writeFile(destination: string, file: PlannedFile): void {
  const path = join(destination, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.contents, { mode: file.mode });
  // writeFileSync applies the mode to new files only (and through the umask).
  chmodSync(path, file.mode);
}

export function writeFiles(destination: string, files: PlannedFile[]): void {
  timed("write", () => files.forEach((file) => writeFile(destination, file)));
}
