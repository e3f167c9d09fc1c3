// Values only the rails part's templates need.
import { DEPLOY_GEMS } from "../capistrano/context.js";

/** The Gemfile's deploy group holds the gems a deploy needs. */
export function railsContext() {
  return { deployGems: DEPLOY_GEMS };
}
