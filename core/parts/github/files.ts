// The github part's files: the workflows and Dependabot's config.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  ".github/dependabot.yml": always,
  ".github/workflows/ci.yml": always,
  ".github/workflows/deploy.yml": always,
  ".github/workflows/infra.yml": always,
};
