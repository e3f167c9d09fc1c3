// What the deploy (Capistrano and the systemd units) assumes of an instance, beyond the names of
// docs/parts-contract.md. The cloudformation part's user data must provide exactly this; it
// imports these constants rather than spelling them out again.
import type { Context } from "../context.js";
import { LINKED_DIRS } from "../cloudformation/linked-dirs.js";

/**
 * Ruby's install prefix on the instances: the user data builds Ruby with ruby-build into
 * /usr/local, on the PATH of the services, of the deploy's SSH sessions and of sudo. Outside
 * /home, which the units hide (ProtectHome=).
 */
export const RUBY_PREFIX = "/usr/local";

/** The linked dirs that the services write to: ReadWritePaths= under ProtectSystem=strict. */
export const WRITABLE_LINKED_DIRS = ["log", "tmp", "storage"] as const;

/**
 * Capistrano's linked_dirs: the user data's list (a new instance links the same ones), plus
 * Bundler's project config, which capistrano-bundler recommends sharing across releases.
 * capistrano-rails adds public/assets by itself.
 */
export const CAPISTRANO_LINKED_DIRS = [...LINKED_DIRS, ".bundle"];

/**
 * How the deploy finds the bastion when shellAccess is `bastion`: the running instance, and the
 * security group, tagged app=<app>, environment=<env> and role=<this>. The deploy jumps
 * through it as the deploy user, with the same pushed key.
 */
export const BASTION_ROLE_TAG = "bastion";

/** The paths of the release tree, derived once from app.deployPath. */
export function releaseTree(context: Context) {
  const root = context.app.deployPath;
  return { current: `${root}/current`, shared: `${root}/shared` };
}
