// `npm run bench`: how fast the generator is, against a floor measured in the same invocation.
// Each case runs several times as a fresh process; medians, ratios to the floor (`node -e 0`),
// files per second, and where a full generation's time goes. Then what a person feels and what
// they would compare it with: the time to the first prompt in a terminal, `yo rails-aws` against
// a bare Yeoman generator that writes three files, and `rails new` where Rails is installed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { packageRoot } from "../core/paths.js";
import type { Phase } from "../core/timings.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const cli = join(packageRoot, "bin/rails-aws.js");
const scratch = mkdtempSync(join(tmpdir(), "rails-aws-bench-"));

/**
 * Marks the scratch folder as the top of a tree (ext2/3/4's T attribute), so that the kernel
 * places each folder made in it in a block group of its own, as a user's new project folder
 * usually is, rather than beside everything else in the system's temporary folder. On ext4
 * without a journal, creating a file passes over each inode of its group freed in the last
 * minutes; the test suites make and delete thousands in the temporary folder's group, and a
 * generation there took up to ten times as long to create its files. A journaled file system,
 * the usual kind, has no such cost. Returns whether the file system took the mark.
 */
function spreadAcrossTheDisk(folder: string): boolean {
  return spawnSync("chattr", ["+T", folder], { stdio: "ignore" }).status === 0;
}
const spread = spreadAcrossTheDisk(scratch);
/**
 * The path of a folder to make, named anew by each bench. In a spread folder the kernel starts its
 * search for a block group from a hash of the folder's name: with the names of the last bench, a
 * bench would land in the groups that one's clean-up just freed, which stay slow for minutes.
 */
const newFolder = (parent: string, name: string) =>
  join(parent, `${name}-${process.pid}`);

interface Sample {
  ms: number;
  phases?: Record<Phase, number> & { started: number };
}

function run(
  args: string[],
  command = process.execPath,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Sample {
  const start = performance.now();
  const result = spawnSync(command, args, {
    encoding: "utf8",
    cwd: options.cwd,
    env: { ...process.env, RAILS_AWS_TIMINGS: "1", ...options.env },
  });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`${args.join(" ")}: ${result.stderr}`);
  const line = result.stderr.trim().split("\n").pop() ?? "";
  if (!line.startsWith("{")) return { ms };
  const parsed = JSON.parse(line) as {
    timings: Record<Phase, number>;
    started: number;
  };
  return { ms, phases: { ...parsed.timings, started: parsed.started } };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

interface Case {
  args: (index: number) => string[];
  command?: string;
  options?: (index: number) => { cwd?: string; env?: NodeJS.ProcessEnv };
}

/**
 * Runs the cases in turn, one run of each a round, so that a change in the machine's load while
 * they run (this machine's disk varies several-fold within minutes) weighs on each alike and
 * leaves their ratio alone. One unmeasured round first warms the file system cache.
 */
function measureInTurn(cases: Case[]): Sample[][] {
  const samples = cases.map((): Sample[] => []);
  for (let index = -1; index < RUNS; index++)
    cases.forEach(({ args, command, options }, which) => {
      const sample = run(args(index), command, options?.(index));
      if (index >= 0) samples[which]!.push(sample);
    });
  return samples;
}

const measure = (
  args: Case["args"],
  command?: string,
  options?: Case["options"],
): Sample[] => measureInTurn([{ args, command, options }])[0]!;

/** From start to the first question on the screen, in a pseudo-terminal (`script`). */
function untilFirstPrompt(dir: string): Promise<number> {
  const start = performance.now();
  const child = spawn(
    "script",
    ["-qefc", `'${process.execPath}' '${cli}' '${dir}'`, "/dev/null"],
    { env: { ...process.env, TERM: "xterm" } },
  );
  return new Promise((done, fail) => {
    let screen = "";
    child.stdout.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
      if (screen.includes("Application name")) {
        done(performance.now() - start);
        child.kill();
      }
    });
    child.on("exit", () => fail(new Error(`no prompt shown:\n${screen}`)));
  });
}

async function measureFirstPrompt(): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let index = -1; index < RUNS; index++) {
    const ms = await untilFirstPrompt(newFolder(scratch, `prompt-${index}`));
    if (index >= 0) samples.push({ ms });
  }
  return samples;
}

/**
 * `yo rails-aws --defaults` and `yo bare` (three files) from a folder whose node_modules holds
 * both generators, as `npm link` would. As root, yo runs as an unprivileged user, who needs a
 * home of its own and folders it may write.
 */
function yeomanRig() {
  const rig = newFolder(scratch, "yo");
  mkdirSync(rig);
  // Each run's folder in a block group of its own too: yo and git replace files as they go (a
  // new copy renamed over the old), and the inodes so freed would slow the next runs' creations.
  spreadAcrossTheDisk(rig);
  const bare = join(rig, "node_modules", "generator-bare");
  mkdirSync(join(bare, "generators", "app"), { recursive: true });
  symlinkSync(packageRoot, join(rig, "node_modules", "generator-rails-aws"));
  symlinkSync(
    join(packageRoot, "node_modules", "yeoman-generator"),
    join(rig, "node_modules", "yeoman-generator"),
  );
  writeFileSync(
    join(bare, "package.json"),
    JSON.stringify({
      name: "generator-bare",
      version: "1.0.0",
      type: "module",
    }),
  );
  writeFileSync(
    join(bare, "generators", "app", "index.js"),
    `import Generator from "yeoman-generator";
export default class extends Generator {
  writing() {
    for (const name of ["a.txt", "b.txt", "c.txt"])
      this.fs.write(this.destinationPath(name), name);
  }
}
`,
  );
  const home = newFolder(rig, "home");
  mkdirSync(home);
  // A git identity, as a developer's machine has, so that the run makes the new project's first
  // commit as a developer's would. The folders are made by root for the user yo becomes, which
  // git would refuse as another user's (safe.directory) and then make no repository at all.
  writeFileSync(
    join(home, ".gitconfig"),
    "[user]\n\tname = rails-aws bench\n\temail = bench@example.com\n[safe]\n\tdirectory = *\n",
  );
  for (const folder of [scratch, rig, home]) chmodSync(folder, 0o777);
  const yo = join(packageRoot, "node_modules", "yo", "lib", "cli.js");
  const yoCase = (args: string[]): Case => ({
    args: () => [yo, ...args, "--no-insight"],
    options: (index) => {
      const cwd = newFolder(rig, `${args[0]}-${index}`);
      mkdirSync(cwd);
      chmodSync(cwd, 0o777);
      return { cwd, env: { HOME: home } };
    },
  });
  const [railsAws, bareGenerator] = measureInTurn([
    yoCase(["rails-aws", "--defaults", "--domain", "example.com"]),
    yoCase(["bare"]),
  ]) as [Sample[], Sample[]];
  return { railsAws, bare: bareGenerator };
}

/** `rails new --skip-bundle`, where Rails is installed: what a new Rails app costs by itself. */
function railsNew(): Sample[] | undefined {
  if (spawnSync("rails", ["--version"]).error) return undefined;
  return measure(
    (index) => ["new", newFolder(scratch, `rails-${index}`), "--skip-bundle"],
    "rails",
  );
}

/**
 * What creating a file costs on this disk, in new folders of the given one: the context for the
 * write phase, which is mostly that. On ext4 without a journal it varies several-fold with what
 * was deleted nearby in the minutes before (see the README), which no change to rails-aws moves.
 */
function microsecondsToCreateAFile(parent: string, probe: string): number {
  const samples: number[] = [];
  for (let round = 0; round < 5; round++) {
    const dir = newFolder(parent, `${probe}-${round}`);
    mkdirSync(dir);
    const start = performance.now();
    for (let file = 0; file < 100; file++)
      writeFileSync(join(dir, String(file)), "x".repeat(2048), { flag: "wx" });
    samples.push((performance.now() - start) * 10);
  }
  return median(samples);
}

const fullDir = (index: number) =>
  join(newFolder(scratch, `full-${index}`), "demo");
const creationBefore = microsecondsToCreateAFile(scratch, "creation-before");
// The ratio that matters: the floor and a full generation, measured in turn.
const [floor, full] = measureInTurn([
  { args: () => ["-e", "0"] },
  {
    args: (index) => [
      cli,
      fullDir(index),
      "--defaults",
      "--domain",
      "example.com",
    ],
  },
]) as [Sample[], Sample[]];
const creationAfter = microsecondsToCreateAFile(scratch, "creation-after");
// The same, in the system's temporary folder as it is, for comparison.
const beside = mkdtempSync(join(tmpdir(), "rails-aws-bench-beside-"));
const creationBeside = microsecondsToCreateAFile(beside, "creation");
rmSync(beside, { recursive: true, force: true });
const regenerate = measure(() => [cli, "docker", fullDir(0)]);
const firstPrompt = await measureFirstPrompt();
const yeoman = yeomanRig();
const rails = railsNew();
/**
 * `rails-aws check` on the generated repo: every validator over every file rails-aws writes, so
 * an upper bound for an onboarded app, where check looks at fewer of them. It runs the installed
 * tools (Ruby, cfn-lint, shellcheck…); where one is missing, check fails and says which. Measured
 * last: each check makes and deletes some 750 temporary files, and on some file systems (ext4
 * without a journal) creating files stays slower for minutes after many were deleted, which would
 * weigh on the cases measured after it.
 */
let check: Sample[] | string;
try {
  check = measure(() => [cli, "check", fullDir(0)]);
} catch (error) {
  check = (error instanceof Error ? error.message : String(error)).trim();
}
const fileCount = Number(
  execFileSync(
    "find",
    // The generated files: neither the generator's state nor git's objects.
    [
      fullDir(0),
      "-type",
      "f",
      "-not",
      "-path",
      "*/.rails-aws/*",
      "-not",
      "-path",
      "*/.git/*",
    ],
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

const phases: Phase[] = [
  "load",
  "answers",
  "render",
  "format",
  "plan",
  "write",
  "git",
];
const phaseMedian = (phase: Phase | "started") =>
  median(full.map((s) => s.phases?.[phase] ?? 0));
const fullMs = median(full.map((s) => s.ms));
const accounted = [
  phaseMedian("started"),
  ...phases.map((phase) => phaseMedian(phase)),
].reduce((sum, ms) => sum + ms);

console.log(
  `rails-aws benchmark: ${RUNS} runs each, medians; floor is \`node -e 0\`\n`,
);
console.log(
  `${"case".padEnd(28)}${"time".padStart(10)} ${"ratio".padStart(8)}`,
);
console.log(row("floor (node -e 0)", floor));
console.log(row("full generation (defaults)", full, fileCount));
console.log(row("regenerate one part (docker)", regenerate));
if (typeof check === "string")
  console.log(`rails-aws check: not measured, it failed: ${check}`);
else console.log(row("rails-aws check", check));
console.log(
  `\nwhere a full generation's ${fullMs.toFixed(0)} ms go (medians):`,
);
const line = (name: string, ms: number, note = "") =>
  console.log(`  ${name.padEnd(20)}${ms.toFixed(0).padStart(6)} ms  ${note}`);
line("start-up", phaseMedian("started"), "(node, the command line's modules)");
const notes: Partial<Record<Phase, string>> = {
  load: "(the modules of a run)",
  git: "(waiting for git's first commit, made while the files are written)",
};
for (const phase of phases) line(phase, phaseMedian(phase), notes[phase]);
line("the rest", fullMs - accounted, "(deciding outside the phases, exit)");
console.log(`\n${fileCount} files generated.`);
console.log(
  `Creating a file (medians of 5 × 100 files of 2 KiB): ${creationBefore.toFixed(0)} µs in the bench's folders before the full generations, ${creationAfter.toFixed(0)} µs after; ${creationBeside.toFixed(0)} µs in a new folder of ${tmpdir()}.`,
);
console.log(
  spread
    ? "The bench's folders are each in a block group of their own (chattr +T; see the README)."
    : "chattr +T failed here (it needs e2fsprogs and ext2/3/4): the bench's folders are where the file system put them.",
);
console.log(
  "Where creating a file in them took several times a quiet moment's (about 40 µs on ext4), the disk, not rails-aws, set the write phase.",
);

/**
 * The ratio of the medians, and where a and b were measured in turn, the median of each round's
 * own ratio: on this kind of machine the disk's speed drifts within a run of the benchmark, and
 * a round's two runs see the same disk.
 */
const ratio = (a: Sample[], b: Sample[], inTurn = true) => {
  const ofMedians = `${(median(a.map((s) => s.ms)) / median(b.map((s) => s.ms))).toFixed(2)}x`;
  if (!inTurn) return ofMedians;
  const perRound = median(a.map((sample, index) => sample.ms / b[index]!.ms));
  return `${ofMedians} (per round: ${perRound.toFixed(2)}x)`;
};
console.log(`\n${"what a person feels".padEnd(28)}`);
console.log(row("first prompt (terminal)", firstPrompt));
console.log(row("yo rails-aws --defaults", yeoman.railsAws));
console.log(row("yo bare (three files)", yeoman.bare));
console.log(
  `  yo rails-aws / yo bare: ${ratio(yeoman.railsAws, yeoman.bare)} (target 1.1x at most)`,
);
if (rails) {
  console.log(row("rails new --skip-bundle", rails));
  console.log(
    `  full generation / rails new: ${ratio(full, rails, false)} (target 0.5x at most)`,
  );
} else
  console.log(
    "rails new --skip-bundle: not measured, rails is not installed here",
  );
console.log(
  `  full generation / floor: ${ratio(full, floor)} (target 2.5x at most)`,
);
rmSync(scratch, { recursive: true, force: true });
