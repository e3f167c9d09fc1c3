// The one mechanism every validator plugs into: a validator says which tools it needs and which
// files it applies to, and turns those files into problems. checkRepo (check.ts) does the rest.
import type { RepoFile } from "./repo.js";

/** Something wrong in one file, as a validator reports it. */
export interface Problem {
  /** Relative to the checked repo, with forward slashes. */
  file: string;
  /** 1-based, when the tool gives one. */
  line?: number;
  /** 1-based, when the tool gives one. */
  column?: number;
  message: string;
}

/** A problem together with the validator that found it. */
export interface Finding extends Problem {
  validator: string;
}

/** What a validator gets to run with. */
export interface ValidatorContext {
  /** The checked repo, absolute. Tools run with it as their working directory. */
  root: string;
  /** Absolute path of each tool the validator declared in `tools`. */
  tools: Readonly<Record<string, string>>;
  /** A minimal environment for tools: the caller's variables must not change what a tool reports. */
  env: NodeJS.ProcessEnv;
}

export interface Validator {
  name: string;
  /** External executables it needs, looked up on PATH, e.g. ["ruby"]. Empty for pure JS. */
  tools: readonly string[];
  /**
   * Whether it is given files that hold conflict markers. Other validators never are: those files
   * are reported as unresolved conflicts, not as whatever the markers break.
   */
  readsConflicts?: boolean;
  /** Whether a file is for this validator, by its path and, when needed, its contents. */
  appliesTo(file: RepoFile): boolean;
  /** Checks all matching files at once (one tool process where the tool allows). Never empty `files`. */
  run(
    files: readonly RepoFile[],
    context: ValidatorContext,
  ): Promise<Problem[]>;
}
