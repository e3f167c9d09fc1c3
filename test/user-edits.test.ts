// A scripted series of random user edits across every generated file, then regeneration with
// changed answers: no line the user wrote may be lost, whether merged or in a conflict.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { STATE_DIR } from "../core/paths.js";
import { YO_RC } from "../core/state.js";
import { generateRepo, readTree, runCli } from "./helpers/repo.js";

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Inserts two lines and changes one line of the file; returns the lines the user wrote. */
function editAtRandom(
  text: string,
  tag: string,
  next: () => number,
): { text: string; written: string[] } {
  const lines = text.split("\n");
  const written: string[] = [];
  const changeable = lines
    .map((line, index) => (line.trim() ? index : -1))
    .filter((i) => i >= 0);
  if (changeable.length) {
    const index = changeable[Math.floor(next() * changeable.length)]!;
    lines[index] = `${lines[index]} # changed by ${tag}`;
    written.push(lines[index]!);
  }
  for (const n of [1, 2]) {
    const line = `# added by ${tag} (${n})`;
    lines.splice(Math.floor(next() * lines.length), 0, line);
    written.push(line);
  }
  return { text: lines.join("\n"), written };
}

const changedAnswers = [
  ...["--cable-adapter", "redis", "--production-region", "eu-west-1"],
  ...["--production-instance-type", "m7i.large", "--production-asg-max", "8"],
  ...["--shell-access", "bastion", "--nat-gateways", "per-az"],
];

describe("random user edits survive regeneration with changed answers", () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: every line the user wrote is still there`, async () => {
      const dir = await generateRepo();
      const next = random(seed);
      const written = new Map<string, string[]>();
      for (const path of readTree(dir).keys()) {
        if (path === YO_RC || path.startsWith(`${STATE_DIR}/`)) continue;
        const edited = editAtRandom(
          readFileSync(join(dir, path), "utf8"),
          `user ${seed}`,
          next,
        );
        writeFileSync(join(dir, path), edited.text);
        written.set(path, edited.written);
      }
      const run = await runCli([dir, ...changedAnswers]);
      assert.ok(run.code === 0 || /in conflict/.test(run.stdout), run.stderr);
      for (const [path, lines] of written) {
        const text = readFileSync(join(dir, path), "utf8");
        for (const line of lines)
          assert.ok(text.split("\n").includes(line), `${path} lost "${line}"`);
      }
    });
  }
});
