// shellcheck on the instances' user data in the CloudFormation templates (and on the scripts it
// writes with a quoted heredoc), once Fn::Sub's variables are rendered with placeholder values.
// Each finding points at the template line. One shellcheck process for all scripts.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  isTemplate,
  parseCloudFormationFile,
} from "../cloudformation/template.js";
import {
  userDataScripts,
  type UserDataScript,
} from "../cloudformation/user-data.js";
import { runTool } from "../tools.js";
import type { Problem, Validator } from "../types.js";

interface ShellcheckComment {
  file: string;
  line: number;
  column: number;
  level: string;
  code: number;
  message: string;
}

export const cloudformationUserData: Validator = {
  name: "cloudformation-userdata",
  tools: ["shellcheck"],
  appliesTo: isTemplate,
  async run(files, context) {
    const scripts = files.flatMap((file) => {
      const parsed = parseCloudFormationFile(file);
      return parsed.body === undefined
        ? []
        : userDataScripts(parsed, file.contents);
    });
    if (scripts.length === 0) return [];
    const dir = await mkdtemp(join(tmpdir(), "rails-aws-user-data-"));
    try {
      const names = scripts.map((_, index) => `${index}.sh`);
      await Promise.all(
        scripts.map((script, index) =>
          writeFile(join(dir, names[index]!), script.script),
        ),
      );
      const result = await runTool(
        context.tools.shellcheck!,
        ["--norc", "--format=json1", "--", ...names],
        { cwd: dir, env: context.env },
      );
      // 0: clean, 1: comments; anything else is shellcheck failing, not the scripts.
      if (result.code > 1)
        throw new Error(
          `shellcheck exited with code ${result.code}: ${result.stderr.trim()}`,
        );
      const { comments } = JSON.parse(result.stdout) as {
        comments: ShellcheckComment[];
      };
      return comments.map((comment) =>
        toProblem(scripts[Number(basename(comment.file, ".sh"))]!, comment),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

function toProblem(
  script: UserDataScript,
  comment: ShellcheckComment,
): Problem {
  return {
    file: script.file,
    ...script.position(comment.line, comment.column),
    message: `SC${comment.code} (${comment.level}) in ${script.label}: ${comment.message}`,
  };
}
