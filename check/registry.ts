// Every validator `rails-aws check` runs, in report order. A new validator is one file under
// validators/ and one line here.
import { actionlint } from "./validators/actionlint.js";
import { capistrano } from "./validators/capistrano.js";
import { conflicts } from "./validators/conflicts.js";
import { cloudformation } from "./validators/cloudformation.js";
import { cloudformationSecurity } from "./validators/cloudformation-security.js";
import { cloudformationUserData } from "./validators/cloudformation-userdata.js";
import { dockerCompose } from "./validators/docker-compose.js";
import { erbViews } from "./validators/erb-views.js";
import { erbYaml } from "./validators/erb-yaml.js";
import { javascript } from "./validators/javascript.js";
import { rubySyntax } from "./validators/ruby-syntax.js";
import { shellcheck } from "./validators/shellcheck.js";
import { systemd } from "./validators/systemd.js";
import { workflowShellcheck } from "./validators/workflow-shellcheck.js";
import { yaml } from "./validators/yaml.js";
import type { Validator } from "./types.js";

export const validators: readonly Validator[] = [
  conflicts,
  yaml,
  rubySyntax,
  erbYaml,
  erbViews,
  dockerCompose,
  shellcheck,
  cloudformation,
  cloudformationSecurity,
  cloudformationUserData,
  capistrano,
  systemd,
  actionlint,
  workflowShellcheck,
  javascript,
];
