// systemd unit files, through systemd-analyze (no systemd as PID 1 needed):
// - `verify` prints nothing for a good unit. It reports unknown keys and bad values as warnings
//   with exit code 0, so any output is a finding.
// - `security --offline=true` rates each service's sandboxing; an exposure of 4.0 or more
//   (worse than "OK") is a finding, with the settings that would lower it most.
// Both run under a temporary --root: the units sit in its /etc/systemd/system beside a copy of
// this machine's own units (the targets they order against), and every command an Exec*= line
// names is a stub there, since whether the instance has it is the instance's business.
import { chmod, cp, mkdir, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { RepoFile } from "../repo.js";
import { withScratchDir } from "../scratch.js";
import { runTool, type ToolResult } from "../tools.js";
import type { Problem, Validator, ValidatorContext } from "../types.js";

const UNIT_EXTENSIONS = new Set([
  ".service",
  ".socket",
  ".target",
  ".timer",
  ".path",
  ".mount",
  ".automount",
  ".slice",
  ".swap",
]);

/** Below this, systemd-analyze calls a service's exposure "OK" or better. */
export const MAX_EXPOSURE = 4.0;

/** Where the units of the checking machine's packages live (merged /usr first). */
const SYSTEM_UNIT_DIRS = ["/usr/lib/systemd/system", "/lib/systemd/system"];
const UNIT_DIR = "/etc/systemd/system";
const EXEC_LINE = /^\s*Exec[A-Za-z]*=\s*[-@:+!]*(\/\S+)/;

export const systemd: Validator = {
  name: "systemd",
  tools: ["systemd-analyze"],
  appliesTo: (file) => UNIT_EXTENSIONS.has(file.extension),
  async run(files, context) {
    const problems: Problem[] = [];
    // Units are found by name under the root: units that share one are checked apart.
    for (const batch of batchesWithUniqueNames(files)) {
      await withScratchDir("systemd", async (root) => {
        await stageRoot(root, batch);
        const [verified, rated] = await Promise.all([
          verify(root, batch, context),
          rate(root, batch, context),
        ]);
        problems.push(...verified, ...rated);
      });
    }
    return problems;
  },
};

function batchesWithUniqueNames(files: readonly RepoFile[]): RepoFile[][] {
  const batches: RepoFile[][] = [];
  for (const file of files) {
    const free = batches.find(
      (batch) => !batch.some((f) => f.name === file.name),
    );
    if (free) free.push(file);
    else batches.push([file]);
  }
  return batches;
}

async function stageRoot(
  root: string,
  files: readonly RepoFile[],
): Promise<void> {
  const systemUnits = SYSTEM_UNIT_DIRS.find((dir) => existsSync(dir));
  if (!systemUnits) {
    throw new Error(
      `no systemd unit directory on this machine (${SYSTEM_UNIT_DIRS.join(", ")})`,
    );
  }
  await mkdir(join(root, "usr/lib/systemd"), { recursive: true });
  // Package units link to others by absolute path, which systemd resolves inside the root.
  await cp(systemUnits, join(root, "usr/lib/systemd/system"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  await symlink("usr/lib", join(root, "lib"));
  await mkdir(join(root, UNIT_DIR), { recursive: true });
  for (const file of files) {
    await writeFile(join(root, UNIT_DIR, file.name), file.contents);
    for (const command of execCommands(file.contents)) {
      const stub = join(root, command);
      await mkdir(dirname(stub), { recursive: true });
      await writeFile(stub, "#!/bin/sh\n");
      await chmod(stub, 0o755);
    }
  }
}

/** The absolute commands of a unit's Exec*= lines, without systemd's prefixes (-, @, +, ...). */
export function execCommands(unit: string): string[] {
  return unit
    .split("\n")
    .map((line) => EXEC_LINE.exec(line)?.[1])
    .filter((command): command is string => command !== undefined);
}

const analyzeArgs = (root: string) => [`--root=${root}`];
const inRoot = (file: RepoFile) => `${UNIT_DIR}/${file.name}`;

async function verify(
  root: string,
  files: readonly RepoFile[],
  context: ValidatorContext,
): Promise<Problem[]> {
  const result = await analyze(
    [
      "verify",
      "--man=no",
      "--generators=no",
      ...analyzeArgs(root),
      ...files.map(inRoot),
    ],
    context,
  );
  const output = `${result.stdout}${result.stderr}`.trim();
  if (result.code === 0 && output === "") return [];
  if (output === "") {
    return [
      {
        file: files[0]!.path,
        message: `systemd-analyze verify exited with code ${result.code}`,
      },
    ];
  }
  return output.split("\n").map((line) => locate(line, root, files));
}

/** Turns `<root>/etc/systemd/system/x.service:7: message` or `x.service: message` into a problem. */
function locate(
  line: string,
  root: string,
  files: readonly RepoFile[],
): Problem {
  for (const file of files) {
    const staged = `${root}${inRoot(file)}:`;
    if (line.startsWith(staged)) {
      const rest = line.slice(staged.length);
      const numbered = /^(\d+):\s*(.*)$/.exec(rest);
      return numbered
        ? { file: file.path, line: Number(numbered[1]), message: numbered[2]! }
        : { file: file.path, message: rest.trim() };
    }
    if (line.startsWith(`${file.name}: `)) {
      return { file: file.path, message: line.slice(file.name.length + 2) };
    }
  }
  const named = files.find((file) => line.includes(file.name)) ?? files[0]!;
  return { file: named.path, message: line.split(root).join("") };
}

/** systemd-analyze with its findings in its output, whatever its exit code. */
function analyze(
  args: readonly string[],
  context: ValidatorContext,
): Promise<ToolResult> {
  return runTool(context.tools["systemd-analyze"]!, args, {
    cwd: context.root,
    env: context.env,
  });
}

/** Exposure of each service, with the settings that cost the most when it is too high. */
async function rate(
  root: string,
  files: readonly RepoFile[],
  context: ValidatorContext,
): Promise<Problem[]> {
  const services = files.filter((file) => file.extension === ".service");
  if (services.length === 0) return [];
  const result = await analyze(
    [
      "security",
      "--offline=true",
      "--no-pager",
      ...analyzeArgs(root),
      ...services.map(inRoot),
    ],
    context,
  );
  const ratings = parseSecurity(result.stdout);
  return services.flatMap((file): Problem[] => {
    const rating = ratings.get(file.name);
    if (!rating) {
      const output = `${result.stdout}${result.stderr}`.trim();
      return [
        {
          file: file.path,
          message: `systemd-analyze security gave no rating: ${output}`,
        },
      ];
    }
    if (rating.exposure < MAX_EXPOSURE) return [];
    const worst = rating.gaps
      .sort((a, b) => b.exposure - a.exposure)
      .slice(0, 5)
      .map((gap) => `${gap.setting} (${gap.exposure})`)
      .join(", ");
    return [
      {
        file: file.path,
        message: `exposure ${rating.exposure} ${rating.label}, must be below ${MAX_EXPOSURE.toFixed(1)} (systemd-analyze security --offline=true); the largest gaps: ${worst}`,
      },
    ];
  });
}

interface SecurityRating {
  exposure: number;
  label: string;
  gaps: { setting: string; exposure: number }[];
}

/** `systemd-analyze security` text output, one table per unit ending with its overall figure. */
export function parseSecurity(output: string): Map<string, SecurityRating> {
  const ratings = new Map<string, SecurityRating>();
  let gaps: SecurityRating["gaps"] = [];
  for (const line of output.split("\n")) {
    const gap = /^✗\s+(\S+)\s.*\s(\d+(?:\.\d+)?)\s*$/.exec(line);
    if (gap) gaps.push({ setting: gap[1]!, exposure: Number(gap[2]) });
    const overall =
      /Overall exposure level for (\S+): (\d+(?:\.\d+)?) (\S+)/.exec(line);
    if (overall) {
      ratings.set(overall[1]!, {
        exposure: Number(overall[2]),
        label: overall[3]!,
        gaps,
      });
      gaps = [];
    }
  }
  return ratings;
}
