// The e2e suite's cache of Debian roots outside the clone: a root no run has used for a week goes
// when the next run starts; the root in use, recent ones and the gem caches stay.
import assert from "node:assert/strict";
import {
  mkdirSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { basename, join } from "node:path";
import {
  ensureRoot,
  pruneUnusedRoots,
  rootPath,
} from "../e2e/harness/rootfs.js";
import { tempDir } from "./helpers/repo.js";

const DAY = 24 * 3600_000;

describe("e2e: the cache of root file systems", function () {
  let cache: string;
  const previous = process.env.E2E_CACHE;
  beforeEach(() => {
    cache = tempDir("e2e-cache-");
    process.env.E2E_CACHE = cache;
  });
  afterEach(() => {
    if (previous === undefined) delete process.env.E2E_CACHE;
    else process.env.E2E_CACHE = previous;
  });

  /** A cache entry, its `.complete` mark (when `complete`) last touched `daysAgo` days ago. */
  function entry(name: string, daysAgo: number, complete = true): void {
    const path = join(cache, name);
    mkdirSync(path);
    const when = new Date(Date.now() - daysAgo * DAY);
    if (complete) {
      writeFileSync(join(path, ".complete"), "");
      utimesSync(join(path, ".complete"), when, when);
    }
    utimesSync(path, when, when);
  }

  it("removes roots and unfinished builds unused for a week, and keeps the current root, recent roots and gem caches", function () {
    const current = rootPath();
    const currentName = basename(current);
    const suite = currentName.slice(0, currentName.indexOf("-"));
    entry(currentName, 30);
    entry(`${suite}-0123456789ab`, 8);
    entry(`${suite}-0123456789ab.build-4242`, 8, false);
    entry(`${suite}-ba9876543210`, 2);
    entry("gems-0123456789ab", 30);
    const removed: string[] = [];
    pruneUnusedRoots(join(cache, currentName), (line) => removed.push(line));
    assert.deepEqual(
      readdirSync(cache).sort(),
      [currentName, "gems-0123456789ab", `${suite}-ba9876543210`].sort(),
    );
    assert.equal(removed.length, 2, removed.join("\n"));
    assert.match(removed[0]!, /no run has used for a week/);
  });

  it("marks the root a run uses as used now, so that other package lists' runs keep it", async function () {
    const current = basename(rootPath());
    entry(current, 30);
    assert.equal(await ensureRoot(() => {}), join(cache, current));
    const age =
      Date.now() - statSync(join(cache, current, ".complete")).mtimeMs;
    assert.ok(age < DAY, `the mark is ${age} ms old`);
  });
});
