// Where a run's time goes, by phase, for the benchmark (`npm run bench`). Phases may overlap in
// time (formatting is asynchronous): each figure is the time spent inside that phase's calls.

/** Milliseconds from an arbitrary start: Node's `performance` loads a dozen modules at first use. */
const now = () => Number(process.hrtime.bigint()) / 1e6;

export type Phase =
  "load" | "answers" | "render" | "format" | "plan" | "write" | "git";

const spent: Record<Phase, number> = {
  load: 0,
  answers: 0,
  render: 0,
  format: 0,
  plan: 0,
  write: 0,
  git: 0,
};

export function timed<T>(phase: Phase, run: () => T): T {
  const start = now();
  try {
    return run();
  } finally {
    spent[phase] += now() - start;
  }
}

export async function timedAsync<T>(
  phase: Phase,
  run: () => Promise<T>,
): Promise<T> {
  const start = now();
  try {
    return await run();
  } finally {
    spent[phase] += now() - start;
  }
}

export function timings(): Readonly<Record<Phase, number>> {
  return { ...spent };
}
