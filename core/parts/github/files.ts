// The github part's files: the workflows, Dependabot's config, and the checklist of the
// repository settings the workflows rely on.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  ".github/dependabot.yml": always,
  ".github/workflows/ci.yml": always,
  ".github/workflows/deploy.yml": always,
  ".github/workflows/infra.yml": always,
  "docs/GITHUB.md": always,
};
