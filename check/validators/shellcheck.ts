// Shell scripts through shellcheck: files with a sh/bash/dash/ksh shebang (bin/dev, deploy
// scripts), *.sh / *.bash, and .env.example as sh. Every severity counts, down to "style".
import type { RepoFile } from "../repo.js";
import { shebangInterpreter } from "../repo.js";
import {
  describeComment,
  shellcheckFiles,
  SHELLS,
  type ShellcheckComment,
} from "../shellcheck.js";
import type { Problem, Validator } from "../types.js";

export const shellcheck: Validator = {
  name: "shellcheck",
  tools: ["shellcheck"],
  appliesTo: (file) => isShellScript(file) || isEnvFile(file),
  async run(files, context) {
    const options = { cwd: context.root, env: context.env };
    const paths = (wanted: (file: RepoFile) => boolean) =>
      files.filter(wanted).map((file) => file.path);
    const [scripts, envFiles] = [paths(isShellScript), paths(isEnvFile)];
    const comments = await Promise.all([
      // -x with SCRIPTDIR follows `source` of the repo's own files, as the scripts resolve them.
      scripts.length
        ? shellcheckFiles(
            context.tools.shellcheck!,
            ["--external-sources", "--source-path=SCRIPTDIR"],
            scripts,
            options,
          )
        : [],
      // An env file has no shebang: it is sourced by sh (`set -a; . ./.env`) and read by
      // docker compose and foreman, so it must be plain sh assignments. Its variables are
      // exported by `set -a`, which shellcheck cannot see (SC2034, "appears unused").
      envFiles.length
        ? shellcheckFiles(
            context.tools.shellcheck!,
            ["--shell=sh", "--exclude=SC2034"],
            envFiles,
            options,
          )
        : [],
    ]);
    return comments.flat().map(toProblem);
  },
};

/** The example environment file (.env itself holds local values and is not the repo's). */
function isEnvFile(file: RepoFile): boolean {
  return file.name === ".env.example";
}

function isShellScript(file: RepoFile): boolean {
  if (file.extension === ".sh" || file.extension === ".bash") return true;
  const interpreter =
    file.extension === "" ? shebangInterpreter(file.firstLine) : undefined;
  return interpreter !== undefined && SHELLS.has(interpreter);
}

function toProblem(comment: ShellcheckComment): Problem {
  return {
    file: comment.file,
    line: comment.line,
    column: comment.column,
    message: describeComment(comment),
  };
}
