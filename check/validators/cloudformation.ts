// CloudFormation templates (infra/cloudformation/) against AWS's resource specification, and
// their parameter files (infra/parameters/) against the templates. Pure JavaScript: the spec is
// an npm package, loaded once.
import { checkParameterFile } from "../cloudformation/parameter-files.js";
import { loadSpec } from "../cloudformation/spec.js";
import { checkTemplate } from "../cloudformation/spec-check.js";
import {
  isParameterFile,
  isTemplate,
  parseCloudFormationFile,
} from "../cloudformation/template.js";
import type { Problem, Validator } from "../types.js";

export const cloudformation: Validator = {
  name: "cloudformation",
  tools: [],
  appliesTo: (file) => isTemplate(file) || isParameterFile(file),
  async run(files) {
    const parsed = files.map((file) => ({
      file,
      parsed: parseCloudFormationFile(file),
    }));
    const templates = parsed
      .filter(({ file }) => isTemplate(file))
      .map((t) => t.parsed);
    const spec = await loadSpec();
    return parsed.flatMap(({ file, parsed: one }): Problem[] => {
      // The yaml validator reports YAML syntax; JSON parameter files have no other checker.
      const syntax = file.extension === ".json" ? one.syntaxErrors : [];
      if (one.body === undefined) return syntax;
      const checked = isTemplate(file)
        ? checkTemplate(one, spec)
        : checkParameterFile(one, templates);
      return [...syntax, ...one.problems, ...checked];
    });
  },
};
