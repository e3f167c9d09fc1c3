// `npm run bench`: how fast the generator is, against a floor measured in the same invocation.
// Each case runs several times as a fresh process; medians, ratios to the floor (`node -e 0`),
// files per second, and where a full generation's time goes.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { packageRoot } from "../core/paths.js";
import type { Phase } from "../core/timings.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const cli = join(packageRoot, "bin/rails-aws.js");
const scratch = mkdtempSync(join(tmpdir(), "rails-aws-bench-"));

interface Sample {
  ms: number;
  phases?: Record<Phase, number> & { uptime: number };
}

function run(args: string[]): Sample {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, {
    encoding: "utf8",
    env: { ...process.env, RAILS_AWS_TIMINGS: "1" },
  });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${args.join(" ")}: ${result.stderr}`);
  const line = result.stderr.trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) return { ms };
  const parsed = JSON.parse(line) as {
    timings: Record<Phase, number>;
    uptime: number;
  };
  return { ms, phases: { ...parsed.timings, uptime: parsed.uptime } };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function measure(args: (index: number) => string[]): Sample[] {
  // One unmeasured run warms the file system cache.
  run(args(-1));
  return Array.from({ length: RUNS }, (_, index) => run(args(index)));
}

const fullDir = (index: number) => join(scratch, `full-${index}`, "demo");
const floor = measure(() => ["-e", "0"]);
const full = measure((index) => [
  cli,
  fullDir(index),
  "--defaults",
  "--domain",
  "example.com",
]);
const regenerate = measure(() => [cli, "docker", fullDir(0)]);
const fileCount = Number(
  execFileSync(
    "find",
    [fullDir(0), "-type", "f", "-not", "-path", "*/.rails-aws/*"],
    {
      encoding: "utf8",
    },
  )
    .trim()
    .split("\n").length,
);

const floorMs = median(floor.map((s) => s.ms));
const row = (name: string, samples: Sample[], files?: number) => {
  const ms = median(samples.map((s) => s.ms));
  const rate = files ? `${Math.round((files / ms) * 1000)} files/s` : "";
  return `${name.padEnd(28)}${ms.toFixed(0).padStart(7)} ms ${(ms / floorMs).toFixed(1).padStart(7)}x  ${rate}`;
};

const phases: Phase[] = ["answers", "render", "format", "plan", "write"];
const phaseMedian = (phase: Phase) =>
  median(full.map((s) => s.phases?.[phase] ?? 0));
const fullMs = median(full.map((s) => s.ms));
const inPhases = phases.reduce((sum, phase) => sum + phaseMedian(phase), 0);

console.log(
  `rails-aws benchmark: ${RUNS} runs each, medians; floor is \`node -e 0\`\n`,
);
console.log(
  `${"case".padEnd(28)}${"time".padStart(10)} ${"ratio".padStart(8)}`,
);
console.log(row("floor (node -e 0)", floor));
console.log(row("full generation (defaults)", full, fileCount));
console.log(row("regenerate one part (docker)", regenerate));
console.log(
  `\nwhere a full generation's ${fullMs.toFixed(0)} ms go (medians):`,
);
console.log(
  `  ${"start-up and exit".padEnd(20)}${(fullMs - inPhases).toFixed(0).padStart(6)} ms  (node, loading modules)`,
);
for (const phase of phases)
  console.log(
    `  ${phase.padEnd(20)}${phaseMedian(phase).toFixed(0).padStart(6)} ms`,
  );
console.log(`\n${fileCount} files generated.`);
rmSync(scratch, { recursive: true, force: true });
