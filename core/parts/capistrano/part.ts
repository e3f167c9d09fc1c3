// The capistrano part: hosts from the Auto Scaling group, rolling restarts behind a health check.
import type { Part } from "../part.js";
import { capistranoContext } from "./context.js";
import { files } from "./files.js";

export const capistranoPart: Part = {
  name: "capistrano",
  description:
    "Capistrano: hosts from the Auto Scaling group over SSM or the bastion, rolling restarts behind a health check, db:prepare on the first host, release publishing, docs/DEPLOY.md",
  files,
  context: capistranoContext,
  // Not beside an existing app's own deploy tool (Kamal, Kubernetes, its own Capistrano...).
  leftOut: (context) => !context.uses.deploy,
};
