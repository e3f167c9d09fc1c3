// The cloudformation part: infra/cloudformation/*.yml (one template per stack, shared by every
// environment), infra/parameters/<env>/<stack>.json (what differs between environments) and
// bin/infra, which deploys them in order through change sets.
import type { Part } from "../part.js";
import { cloudformationContext } from "./context.js";
import { files } from "./files.js";

export const cloudformationPart: Part = {
  name: "cloudformation",
  description:
    "AWS infrastructure: CloudFormation stacks (deploy access, CDN certificate, network, data, app), per-environment parameters and bin/infra",
  files,
  context: cloudformationContext,
};
