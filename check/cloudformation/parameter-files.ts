// Parameter files (infra/parameters/<env>/<stack>.json): a mapping of parameter name to value
// for the template infra/cloudformation/<stack>.yml. Each name must be a parameter of that
// template, and each value must fit the parameter's constraints, as CloudFormation would check
// when the change set is created. Parameters missing here are bin/infra's (looked up at deploy
// time) or take their default.
import type { Problem } from "../types.js";
import { parameterValueProblem } from "./spec-check.js";
import { isObject } from "./json.js";
import { problemAt, section, stackOf, type ParsedFile } from "./template.js";

export function checkParameterFile(
  parameters: ParsedFile,
  templates: readonly ParsedFile[],
): Problem[] {
  const stack = stackOf(parameters.file);
  const template = templates.find(
    (candidate) => stackOf(candidate.file) === stack,
  );
  if (!template)
    return [
      problemAt(
        parameters,
        [],
        `No template infra/cloudformation/${stack}.yml for these parameters`,
      ),
    ];
  if (!isObject(parameters.body))
    return [
      problemAt(
        parameters,
        [],
        "A parameter file is a mapping of parameter names to values",
      ),
    ];
  const declared = section(template.body, "Parameters");
  const problems: Problem[] = [];
  for (const [name, value] of Object.entries(parameters.body)) {
    const parameter = declared[name];
    if (!isObject(parameter)) {
      problems.push(
        problemAt(
          parameters,
          [name],
          `${template.file} has no parameter ${name}`,
        ),
      );
      continue;
    }
    if (isObject(value) || Array.isArray(value) || value === null) {
      problems.push(
        problemAt(
          parameters,
          [name],
          `${name} must be a string, number or boolean`,
        ),
      );
      continue;
    }
    const wrong = parameterValueProblem(parameter, String(value));
    if (wrong) problems.push(problemAt(parameters, [name], `${name} ${wrong}`));
  }
  return problems;
}
