// The github part's files: the workflows, Dependabot's config, and the checklist of the
// repository settings the workflows rely on.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  ".github/dependabot.yml": always,
  // The linters ci.yml runs, pinned where Dependabot updates them.
  ".github/linters/Dockerfile": { when: (context) => context.uses.ciWorkflow },
  ".github/linters/requirements.txt": {
    when: (context) => context.uses.ciWorkflow,
  },
  // Not beside an existing app's own CI, nor beside its own deploy tool (core/onboarding/fit.ts).
  ".github/workflows/ci.yml": { when: (context) => context.uses.ciWorkflow },
  ".github/workflows/deploy.yml": { when: (context) => context.uses.deploy },
  ".github/workflows/infra.yml": always,
  "docs/GITHUB.md": always,
};
