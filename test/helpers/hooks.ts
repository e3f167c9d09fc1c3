// Root hooks of the whole suite (loaded by .mocharc.json): what every test made on disk goes away.
import { removeTempDirs } from "./repo.js";

export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    // Hundreds of generated repos: on a busy machine removing them outlasts any test's timeout.
    this.timeout(0);
    removeTempDirs();
  },
};
