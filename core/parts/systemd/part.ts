// The systemd part: the app's units, hardened, named after the app.
import type { Part } from "../part.js";
import { systemdContext } from "./context.js";
import { files } from "./files.js";

export const systemdPart: Part = {
  name: "systemd",
  description:
    "systemd units: Puma (socket-activated, Type=notify, watchdog), the Solid Queue worker and their target, hardened",
  files,
  context: systemdContext,
  // Not beside an existing app's own deploy tool (Kamal, Kubernetes, its own Capistrano...).
  leftOut: (context) => !context.uses.deploy,
};
