// The release directories linked to shared/ (the plan's list). A module of its own, with no
// imports: the deploy part builds Capistrano's linked_dirs on it, while the cloudformation part
// imports the deploy part's constants, so neither part's module waits for the other's to load.

/** Release directories linked to `shared/`, as the plan lists them. */
export const LINKED_DIRS = ["log", "tmp", "storage", "node_modules"];
