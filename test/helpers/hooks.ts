// Root hooks of the whole suite (loaded by .mocharc.json): what every test made on disk goes away.
import { removeTempDirs } from "./repo.js";

export const mochaHooks = {
  afterAll(): void {
    removeTempDirs();
  },
};
