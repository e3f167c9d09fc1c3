// What a part is. A leaf module (it imports only the shared context's types), so that the parts,
// the registry and the renderer can all import it without a cycle.
import type { Context, EnvironmentContext } from "../context.js";

/**
 * How a part takes over a file that exists but that the generator never wrote (an existing app):
 * `keep` leaves it as it is; a function returns the user's file with what the generator needs
 * added (its input unchanged when nothing is missing), and the items it has ever added, given
 * those of earlier runs: an item the user removed since is not added again.
 */
export type Adoption =
  | "keep"
  | ((
      existing: string,
      generated: string,
      addedBefore: string[],
    ) => { contents: string; added: string[]; note?: string });

/** When a template is rendered: `env` is the environment of a template under `[env]`. */
export type Condition = (
  context: Context,
  env: EnvironmentContext | undefined,
) => boolean;

export interface FileRule {
  /** Rendered only when this holds (default: always). */
  when?: Condition;
  /** Written only into a new app, never added to an existing one. */
  newAppOnly?: boolean;
}

/**
 * Every built-in template of a part, by its path below templates/<part>/ without `.hbs`: a path
 * segment `[env]` renders once per environment, `[app]` is the app name. A test keeps the
 * table and the template folder equal.
 */
export type FileTable = Record<string, FileRule>;

/** A file rendered whatever the answers. */
export const always: FileRule = {};

export interface Part {
  name: string;
  description: string;
  files: FileTable;
  /** Values only this part's templates need, derived from the shared context; they render under the part's name. */
  context?: (context: Context) => object;
  /**
   * How the part adopts an output path of an existing app; undefined: the app's file is left as
   * it is and the part's version is proposed beside it.
   */
  adoption?: (path: string) => Adoption | undefined;
  /**
   * Whether the part is left out of an onboarded app that does not fit it (the reason is among
   * the context's onboarding notes).
   */
  leftOut?: (context: Context) => boolean;
}
