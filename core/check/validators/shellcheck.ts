// Shell scripts through shellcheck: files with a sh/bash/dash/ksh shebang (bin/dev, deploy
// scripts) and *.sh / *.bash. Every severity counts, down to "style". One process for all files.
import type { RepoFile } from "../repo.js";
import { shebangInterpreter } from "../repo.js";
import {
  describeComment,
  shellcheckFiles,
  type ShellcheckComment,
} from "../shellcheck.js";
import type { Problem, Validator } from "../types.js";

/** The shells shellcheck understands. */
const SHELLS = new Set(["sh", "bash", "dash", "ksh"]);

export const shellcheck: Validator = {
  name: "shellcheck",
  tools: ["shellcheck"],
  appliesTo: isShellScript,
  async run(files, context) {
    // -x with SCRIPTDIR follows `source` of the repo's own files, as the scripts resolve them.
    const comments = await shellcheckFiles(
      context.tools.shellcheck!,
      ["--external-sources", "--source-path=SCRIPTDIR"],
      files.map((file) => file.path),
      { cwd: context.root, env: context.env },
    );
    return comments.map(toProblem);
  },
};

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
