// The docs part: docs/ONBOARDING.md, docs/ARCHITECTURE.md (a Mermaid diagram of what the answers
// chose), docs/COSTS.md (a monthly estimate, ./costs.ts), docs/RUNBOOK.md and docs/SECURITY.md.
import type { Part } from "../part.js";
import { docsContext } from "./context.js";
import { files } from "./files.js";

export const docsPart: Part = {
  name: "docs",
  description:
    "the team's docs: docs/ONBOARDING.md, docs/ARCHITECTURE.md (a diagram of the chosen setup), docs/COSTS.md (a monthly estimate), docs/RUNBOOK.md and docs/SECURITY.md (threats, roles, accepted risks)",
  files,
  context: docsContext,
};
