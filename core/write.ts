// Writes planned files to disk, creating folders and setting modes.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlannedFile } from "./render.js";

export function writeFiles(destination: string, files: PlannedFile[]): void {
  for (const file of files) {
    const path = join(destination, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.contents, { mode: file.mode });
    chmodSync(path, file.mode);
  }
}
