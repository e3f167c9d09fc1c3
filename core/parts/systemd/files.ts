// The systemd part's files: the units of config/systemd, named after the app.
import { always, type FileTable } from "../part.js";

export const files: FileTable = {
  "config/systemd/[app]-jobs.service": always,
  "config/systemd/[app]-web.service": always,
  "config/systemd/[app]-web.socket": always,
  "config/systemd/[app].target": always,
};
