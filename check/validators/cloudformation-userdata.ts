// shellcheck on the instances' user data in the CloudFormation templates (and on the scripts it
// writes with a quoted heredoc), once Fn::Sub's variables are rendered with placeholder values.
// Each finding points at the template line. One shellcheck process for all scripts.
import {
  isTemplate,
  parseCloudFormationFile,
} from "../cloudformation/template.js";
import {
  userDataScripts,
  type UserDataScript,
} from "../cloudformation/user-data.js";
import {
  describeComment,
  shellcheckScripts,
  type ShellcheckComment,
} from "../shellcheck.js";
import type { Problem, Validator } from "../types.js";

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
    const found = await shellcheckScripts(
      context.tools.shellcheck!,
      [],
      scripts.map((script) => script.script),
      context.env,
    );
    return found.map(({ script, comment }) =>
      toProblem(scripts[script]!, comment),
    );
  },
};

function toProblem(
  script: UserDataScript,
  comment: ShellcheckComment,
): Problem {
  return {
    file: script.file,
    ...script.position(comment.line, comment.column),
    message: describeComment(comment, script.label),
  };
}
