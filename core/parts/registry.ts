// The parts of a generated repo, in the order they are generated and listed. Each part's
// templates live in templates/<part>/, its code in core/parts/<part>/; a part is regenerated
// alone by `yo rails-aws:<part>` or `rails-aws <part>`.
import { capistranoPart } from "./capistrano/part.js";
import { cloudformationPart } from "./cloudformation/part.js";
import { dockerPart } from "./docker/part.js";
import { docsPart } from "./docs/part.js";
import { githubPart } from "./github/part.js";
import type { Part } from "./part.js";
import { railsPart } from "./rails/part.js";
import { systemdPart } from "./systemd/part.js";

export const parts: Part[] = [
  dockerPart,
  railsPart,
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
