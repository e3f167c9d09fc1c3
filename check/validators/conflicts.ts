// Unresolved merge conflicts: a regeneration that met edits of the user's on the same lines
// leaves both versions between markers. Such a file is reported here, once, as what it is; the
// other validators skip it (it would only be "a YAML error" or "a syntax error" to them).
import { conflictBlocks } from "../repo.js";
import type { Validator } from "../types.js";

export const conflicts: Validator = {
  name: "conflicts",
  tools: [],
  readsConflicts: true,
  appliesTo: (file) => file.hasConflictMarkers,
  run: async (files) =>
    files.flatMap((file) =>
      conflictBlocks(file.contents).map(({ from, to }) => ({
        file: file.path,
        line: from,
        message: `unresolved conflict (lines ${from}-${to}): keep what you want of both versions and delete the marker lines`,
      })),
    ),
};
