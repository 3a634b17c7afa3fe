// A monitor's `max_cost_per_day` during one batch of records: the day's spend stored so far (read once: the scorer
// loop completes a batch before it claims the next) plus what this batch's judges spend. Records are scored a few at
// a time, so a record is admitted at once only when the records in flight cannot reach the cap even if each costs
// as much as the dearest record so far; otherwise it waits for them. The cap then holds as if records were scored
// one by one (up to a record dearer than any before it).

export type Admission = { reached: number } | { settle: (costUsd: number | null) => void };

export class DailySpend {
  private batch = 0;
  /** The most one record's judges have cost in this batch (undefined before the first). */
  private dearest: number | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly stored: Promise<number>,
    readonly cap: number,
  ) {}

  /**
   * `reached` (the spend) when the cap is reached: the record is not judged. Otherwise `settle`, to be called once
   * with what the record's judges cost (null when unknown: an unpriced judge cannot be counted).
   */
  async admit(): Promise<Admission> {
    for (;;) {
      const spent = (await this.stored) + this.batch;
      if (spent >= this.cap) return { reached: spent };
      if (this.inFlight.size === 0) break;
      if (this.dearest !== undefined && spent + this.inFlight.size * this.dearest < this.cap) break;
      await Promise.race(this.inFlight);
    }
    let done!: () => void;
    const running = new Promise<void>((resolve) => (done = resolve));
    this.inFlight.add(running);
    let settled = false;
    return {
      settle: (costUsd) => {
        if (settled) return;
        settled = true;
        if (costUsd !== null) {
          this.batch += costUsd;
          this.dearest = Math.max(this.dearest ?? 0, costUsd);
        }
        this.inFlight.delete(running);
        done();
      },
    };
  }
}
