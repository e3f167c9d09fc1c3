// Which of the files a run creates in an existing app its git ignores: created, they would not
// show in `git status`, so the summary names them.
import { spawnSync } from "node:child_process";

/** The paths git ignores in this folder; none when it is not a git repository or git is missing. */
export function ignoredByGit(destination: string, paths: string[]): string[] {
  if (paths.length === 0) return [];
  const result = spawnSync("git", ["check-ignore", "--no-index", "--stdin"], {
    cwd: destination,
    input: paths.join("\n"),
    encoding: "utf8",
  });
  // 0: some are ignored, 1: none is; anything else (not a repository, no git): nothing known.
  if (result.error || result.status !== 0) return [];
  return result.stdout.split("\n").filter(Boolean);
}
