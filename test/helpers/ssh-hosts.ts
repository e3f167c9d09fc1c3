// The generated repo as a deploy's tests use it outside the e2e suite: a git repository with a
// toy Gemfile and Rakefile (fixtures/ssh-hosts/Rakefile.toy, a rake gem built here), and what
// the generated user data does about the release at boot, as a script of its own. The fixtures
// folder also holds the AWS CLI stand-in (aws, pushed-keys) the e2e hosts install.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { packageRoot } from "../../core/paths.js";
import { writeRepo } from "./repo.js";

const execFileAsync = promisify(execFile);
export const FIXTURES = join(packageRoot, "test/fixtures/ssh-hosts");

export async function git(repo: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync("git", args, { cwd: repo });
  return stdout.trim();
}

/** Commits files (path → contents) in the app's repo; returns the commit. */
export async function commit(
  repo: string,
  files: Record<string, string>,
  message: string,
): Promise<string> {
  writeRepo(repo, files);
  await git(repo, "add", "--all");
  await git(repo, "commit", "--quiet", "--allow-empty", "-m", message);
  return git(repo, "rev-parse", "HEAD");
}

/** The generated repo as a git repository, with the toy Gemfile and Rakefile of this test. */
export async function toyApp(repo: string): Promise<string> {
  mkdirSync(join(repo, "vendor/cache"), { recursive: true });
  await execFileAsync("ruby", [
    join(FIXTURES, "rake-gem.rb"),
    join(repo, "vendor/cache"),
  ]);
  copyFileSync(join(FIXTURES, "Rakefile.toy"), join(repo, "Rakefile"));
  writeRepo(repo, {
    Gemfile: 'source "https://rubygems.org"\n\ngem "rake"\n',
  });
  await execFileAsync("bundle", ["lock", "--local"], { cwd: repo });
  await git(repo, "init", "--quiet");
  await git(repo, "config", "user.email", "test@example.com");
  await git(repo, "config", "user.name", "test");
  await commit(repo, {}, "the app");
  return repo;
}

/** The lines from the last one that is `from` before the one that is `to`, dedented. */
function heredocBody(text: string, from: string, to: string): string {
  const lines = text.split("\n");
  const end = lines.findIndex((line) => line.trim() === to);
  const start = lines
    .slice(0, end)
    .map((line) => line.trim())
    .lastIndexOf(from);
  const body = lines.slice(start, end);
  const indent = /^ */.exec(body[0]!)![0].length;
  return body.map((line) => line.slice(indent)).join("\n");
}

/**
 * What the generated user data (in app.yml) does about the release, from its comment "The
 * current release..." to the signal of success, with what it needs from before (its variables,
 * as_deploy, the signal to CloudFormation and the trap that sends it on failure), `values`
 * substituted for the stack's, and `path` as PATH.
 */
export function releaseBootScript(
  appYml: string,
  values: Record<string, string>,
  path: string,
): string {
  const userData = heredocBody(appYml, "#!/bin/bash", "signal SUCCESS");
  const lines = userData.split("\n");
  const keep = (prefix: string) =>
    lines.filter((line) => line.startsWith(prefix));
  const from = (prefix: string, to: (line: string) => boolean) => {
    const start = lines.findIndex((line) => line.startsWith(prefix));
    const end = lines.findIndex((line, i) => i > start && to(line));
    if (start < 0) throw new Error(`the user data has no line ${prefix}`);
    return lines.slice(start, end < 0 ? undefined : end + 1);
  };
  return [
    "set -Eeuo pipefail",
    `export PATH=${path}`,
    ...keep("region="),
    ...keep("app_root="),
    ...keep("deploy_user="),
    ...from("signal() {", (line) => line === "}"),
    ...keep("trap 'signal FAILURE' ERR"),
    ...keep("as_deploy()"),
    ...from(
      "# The current release, as the last deploy published it",
      () => false,
    ),
  ]
    .join("\n")
    .replace(/\$\{([\w:]+)\}/g, (_, name: string) => {
      if (!(name in values)) throw new Error(`no value for \${${name}}`);
      return values[name]!;
    });
}
