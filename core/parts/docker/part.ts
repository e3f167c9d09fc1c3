// The docker part: local development. Its templates need nothing beyond the shared context.
import type { Part } from "../part.js";
import { files } from "./files.js";

export const dockerPart: Part = {
  name: "docker",
  description:
    "local development: docker-compose.yml, .env.example, Procfile.dev, bin/dev and the README",
  files,
};
