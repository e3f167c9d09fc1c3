// A scratch folder for a validator that must write files a tool reads (extracted scripts, a
// copy of the Capistrano files, a systemd root): the checked repo itself is never written to.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Runs `use` in a new empty folder, and removes the folder afterwards, whatever happened. */
export async function withScratchDir<T>(
  purpose: string,
  use: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), `rails-aws-${purpose}-`));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
