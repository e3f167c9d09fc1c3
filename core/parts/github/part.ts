// The github part: GitHub Actions workflows (CI, deploy, infrastructure change sets), the
// Dependabot config that keeps their pinned actions current, and docs/GITHUB.md, the repository
// settings they rely on.
import type { Part } from "../part.js";
import { githubContext } from "./context.js";
import { files } from "./files.js";

export const githubPart: Part = {
  name: "github",
  description:
    "GitHub Actions workflows: CI (scans, lint, tests, infra lint), deploy (OIDC, Capistrano), CloudFormation change sets (plan, then apply), Dependabot, and the checklist of the repository's GitHub settings",
  files,
  context: githubContext,
};
