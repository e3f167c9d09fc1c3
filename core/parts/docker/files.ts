// The docker part's files: local development around docker-compose.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  ".env.example": always,
  ".gitignore": always,
  "Procfile.dev": always,
  "README.md": always,
  "bin/dev": always,
  "docker-compose.yml": always,
};
