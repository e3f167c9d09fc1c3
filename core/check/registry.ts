// Every validator `rails-aws check` runs, in report order. A new validator is one file under
// validators/ and one line here.
import { dockerCompose } from "./validators/docker-compose.js";
import { erbYaml } from "./validators/erb-yaml.js";
import { rubySyntax } from "./validators/ruby-syntax.js";
import { shellcheck } from "./validators/shellcheck.js";
import { yaml } from "./validators/yaml.js";
import type { Validator } from "./types.js";

export const validators: readonly Validator[] = [
  yaml,
  rubySyntax,
  erbYaml,
  dockerCompose,
  shellcheck,
];
