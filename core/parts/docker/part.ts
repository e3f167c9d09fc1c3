// The docker part: local development with docker-compose's PostgreSQL (and Redis), foreman and
// the README that explains both.
import type { Part } from "../part.js";
import { dockerContext } from "./context.js";
import { files } from "./files.js";

export const dockerPart: Part = {
  name: "docker",
  description:
    "local development: docker-compose.yml, .env.example, Procfile.dev, bin/dev and the README",
  files,
  context: dockerContext,
};
