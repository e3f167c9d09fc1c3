// The rails part: the Rails config the generator owns and, in a new app, the minimal Rails 8.1
// app around it; an existing app is onboarded by its adoption rules.
import type { Part } from "../part.js";
import { railsAdoption } from "./adoption.js";
import { railsContext } from "./context.js";
import { files } from "./files.js";

export const railsPart: Part = {
  name: "rails",
  description:
    "Rails config (database, cable, cache, queue, storage, puma, production settings, the /health route) and, in a new project, the minimal Rails 8.1 app around it",
  files,
  context: railsContext,
  adoption: railsAdoption,
};
