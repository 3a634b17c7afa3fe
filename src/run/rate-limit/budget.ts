// Where a rate controller keeps its budget: a token bucket per (controller, dimension). The controller only sees
// the RateBudget interface, so the budget can live elsewhere: today in this process (InProcessBudget); with the
// team store's workers, in the store, so that ten workers share one limit instead of each taking all of it.

/** One budget (requests or tokens per minute) as a token bucket: refills at `perMs`, holds at most `capacity`. */
export interface RateBucket {
  readonly perMs: number;
  readonly capacity: number;
  /** Change the rate and size (a declared limit refined by a learned one), keeping the level. */
  configure(perMs: number, capacity: number, now: number): void;
  /** Milliseconds until `cost` can be taken (0: now). A cost above the capacity waits for a full bucket. */
  waitMs(cost: number, now: number): number;
  /** Take `cost` (the level may go below zero: a call bigger than the bucket, or a correction). */
  take(cost: number, now: number): void;
  /** Give back (positive) or charge more (negative), e.g. when the reported usage differs from the estimate. */
  adjust(delta: number, now: number): void;
  /**
   * The provider says less is left than we think: lower the level to that. Never raised: a reading is a little
   * stale and its correction an estimate, and an overestimate costs 429s while an underestimate costs a few ms.
   */
  lowerTo(level: number, now: number): void;
  level(now: number): number;
  /**
   * A bucket whose refill arrives from elsewhere (leased from a shared store) calls `wake` when it has: its waitMs
   * answers Infinity meanwhile, and the controller re-runs its gate on the call. In-process buckets have no hook.
   */
  onRefill?(wake: () => void): void;
}

/** Where buckets come from. In-process today; a store-backed source shares them across processes. */
export interface RateBudget {
  bucket(key: string, perMs: number, capacity: number, initialLevel: number, now: number): RateBucket;
}

export class TokenBucket implements RateBucket {
  private current: number;
  private at: number;
  constructor(
    public perMs: number,
    public capacity: number,
    level: number,
    now: number,
  ) {
    this.current = Math.min(capacity, level);
    this.at = now;
  }
  private refill(now: number): void {
    if (now > this.at) {
      this.current = Math.min(this.capacity, this.current + (now - this.at) * this.perMs);
      this.at = now;
    }
  }
  configure(perMs: number, capacity: number, now: number): void {
    this.refill(now);
    this.perMs = perMs;
    this.capacity = capacity;
    this.current = Math.min(capacity, this.current);
  }
  waitMs(cost: number, now: number): number {
    this.refill(now);
    const need = Math.min(cost, this.capacity);
    return this.current >= need ? 0 : (need - this.current) / this.perMs;
  }
  take(cost: number, now: number): void {
    this.refill(now);
    this.current -= cost;
  }
  adjust(delta: number, now: number): void {
    this.refill(now);
    this.current = Math.min(this.capacity, this.current + delta);
  }
  lowerTo(level: number, now: number): void {
    this.refill(now);
    if (level < this.current) this.current = level;
  }
  level(now: number): number {
    this.refill(now);
    return this.current;
  }
}

export class InProcessBudget implements RateBudget {
  private readonly buckets = new Map<string, TokenBucket>();
  bucket(key: string, perMs: number, capacity: number, initialLevel: number, now: number): RateBucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new TokenBucket(perMs, capacity, initialLevel, now)));
    else b.configure(perMs, capacity, now);
    return b;
  }
}
