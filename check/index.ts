// The checker behind `rails-aws check`, as the command and the tests use it.
export { checkRepo, isClean } from "./check.js";
export { formatReport } from "./report.js";
export { validators } from "./registry.js";
