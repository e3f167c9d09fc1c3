// The project's security rules over the CloudFormation templates (security-rules.ts), and no
// secret in a template or parameter file. Rules that only apply to production read the template
// with production's parameter file (infra/parameters/production/<stack>.json).
import { Evaluator } from "../cloudformation/evaluate.js";
import {
  runRules,
  secretParameterProblems,
  secretTextProblems,
  SECURITY_RULES,
} from "../cloudformation/security-rules.js";
import { isObject, type JsonObject } from "../cloudformation/json.js";
import {
  environmentOf,
  isParameterFile,
  isTemplate,
  parseCloudFormationFile,
  section,
  stackOf,
  type ParsedFile,
} from "../cloudformation/template.js";
import type { Problem, Validator } from "../types.js";

export const cloudformationSecurity: Validator = {
  name: "cloudformation-security",
  tools: [],
  appliesTo: (file) => isTemplate(file) || isParameterFile(file),
  async run(files) {
    const parsed = files.map(parseCloudFormationFile);
    const parameterFiles = parsed.filter((_, index) =>
      isParameterFile(files[index]!),
    );
    return files.flatMap((file, index): Problem[] => {
      const one = parsed[index]!;
      const text = secretTextProblems(file.path, file.contents);
      if (one.body === undefined) return text;
      if (!isTemplate(file)) return [...text, ...secretParameterProblems(one)];
      return [
        ...text,
        ...runRules(SECURITY_RULES, {
          template: one,
          resources: Object.entries(section(one.body, "Resources")).filter(
            (entry): entry is [string, JsonObject] => isObject(entry[1]),
          ),
          production: productionEvaluator(one, parameterFiles),
        }),
      ];
    });
  },
};

/**
 * The template as production deploys it: with infra/parameters/production/<stack>.json, or with
 * its defaults when the repo has no parameter file for it at all (a single-environment stack).
 * Undefined when only other environments deploy it.
 */
function productionEvaluator(
  template: ParsedFile,
  parameterFiles: readonly ParsedFile[],
): Evaluator | undefined {
  const stack = stackOf(template.file);
  const forStack = parameterFiles.filter(
    (file) => stackOf(file.file) === stack,
  );
  const production = forStack.find(
    (file) => environmentOf(file.file) === "production",
  );
  if (production)
    return new Evaluator(
      template.body,
      isObject(production.body) ? production.body : {},
    );
  return forStack.length === 0 ? new Evaluator(template.body) : undefined;
}
