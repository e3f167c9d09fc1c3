// Values only the rails part's templates need.
import { DEPLOY_GEMS } from "../capistrano/context.js";

/** The Gemfile's development group holds the gems a deploy needs. */
export function railsContext() {
  return { deployGems: DEPLOY_GEMS };
}
