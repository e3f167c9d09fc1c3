// The docs part's files: the team's docs about what the answers chose.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  "docs/ARCHITECTURE.md": always,
  "docs/COSTS.md": always,
  "docs/ONBOARDING.md": always,
  "docs/RUNBOOK.md": always,
  "docs/SECURITY.md": always,
};
