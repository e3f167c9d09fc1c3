// Root hooks of the whole suite (loaded by .mocharc.json): what every test made on disk goes away.
import { removeTempDirs } from "./repo.js";

export const mochaHooks = {
  afterAll(this: Mocha.Context): void {
    // Thousands of files on a busy machine can take longer than a test's timeout.
    this.timeout(300_000);
    removeTempDirs();
  },
};
