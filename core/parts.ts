// The parts of a generated repo. Each part's templates live in templates/<part>/ and mirror the
// output tree; a part is regenerated alone by `yo rails-aws:<part>` or `rails-aws <part>`.
import { newAppOnly, railsAdoption } from "./adoption.js";
import type { Adoption } from "./changes.js";
import { cloudformationPart } from "./cloudformation/part.js";
import type { Context } from "./context.js";
import { docsPart } from "./docs/part.js";
import { capistranoPart, DEPLOY_GEMS } from "./deploy/capistrano.js";
import { systemdPart } from "./deploy/systemd.js";
import { githubPart } from "./github/part.js";

export interface Part {
  name: string;
  description: string;
  /**
   * How the part takes over an output path that exists but that the generator never wrote
   * (onboarding an existing app); undefined: a three-way merge against an empty base.
   */
  adoption?: (path: string) => Adoption | undefined;
  /** Output paths written only into a new app, never added to an existing one. */
  newAppOnly?: (path: string) => boolean;
  /** Values only this part's templates need, derived from the shared context. */
  extendContext?: (context: Context) => Record<string, unknown>;
  /** Whether an output path of this part is written for these answers (default: always). */
  includes?: (outputPath: string, context: Context) => boolean;
}

export const parts: Part[] = [
  {
    name: "docker",
    description:
      "local development: docker-compose.yml, .env.example, Procfile.dev, bin/dev and the README",
  },
  {
    name: "rails",
    description:
      "Rails config (database, cable, cache, queue, storage, puma, production settings, the /health route) and, in a new project, the minimal Rails 8.1 app around it",
    adoption: railsAdoption,
    newAppOnly,
    extendContext: () => ({ deployGems: DEPLOY_GEMS }),
  },
  cloudformationPart,
  capistranoPart,
  systemdPart,
  githubPart,
  docsPart,
];

export const partNames = parts.map((part) => part.name);

export function partNamed(name: string): Part {
  const part = parts.find((candidate) => candidate.name === name);
  if (!part)
    throw new Error(
      `unknown part "${name}"; allowed parts: ${partNames.join(", ")}`,
    );
  return part;
}
