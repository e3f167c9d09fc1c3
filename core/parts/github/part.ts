// The github part: GitHub Actions workflows (CI, deploy, infrastructure change sets) and the
// Dependabot config that keeps their pinned actions current.
import type { Part } from "../part.js";
import { githubContext } from "./context.js";
import { files } from "./files.js";

export const githubPart: Part = {
  name: "github",
  description:
    "GitHub Actions workflows: CI (scans, lint, tests, infra lint), deploy (OIDC, Capistrano), CloudFormation change sets, and Dependabot",
  files,
  context: githubContext,
};
