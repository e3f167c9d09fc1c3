// Wall times of the suite's steps, printed as a table when it ends.
export class Timings {
  private readonly rows: { step: string; seconds: number; ok: boolean }[] = [];

  async time<T>(step: string, body: () => Promise<T> | T): Promise<T> {
    const started = Date.now();
    let ok = false;
    try {
      const result = await body();
      ok = true;
      return result;
    } finally {
      this.rows.push({ step, seconds: (Date.now() - started) / 1000, ok });
    }
  }

  table(): string {
    const width = Math.max(...this.rows.map((r) => r.step.length), 4);
    const total = this.rows.reduce((sum, r) => sum + r.seconds, 0);
    return [
      `${"step".padEnd(width)}  seconds`,
      ...this.rows.map(
        (r) =>
          `${r.step.padEnd(width)}  ${r.seconds.toFixed(1).padStart(7)}${r.ok ? "" : "  (failed)"}`,
      ),
      `${"total".padEnd(width)}  ${total.toFixed(1).padStart(7)}`,
    ].join("\n");
  }
}
