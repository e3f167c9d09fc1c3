// The checker behind `rails-aws check`: import from here.
export {
  checkRepo,
  isClean,
  type CheckOptions,
  type CheckReport,
  type ValidatorFailure,
  type ValidatorNotRun,
  type ValidatorRun,
} from "./check.js";
export { formatReport } from "./report.js";
export { validators } from "./registry.js";
export { listRepoFiles, RepoFile, shebangInterpreter } from "./repo.js";
export { findTool, hasTool } from "./tools.js";
export type { Finding, Problem, Validator, ValidatorContext } from "./types.js";
