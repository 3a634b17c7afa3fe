// The rate budget of a distributed run, shared by its workers through PostgreSQL: one row of rate_buckets per
// bucket (endpoint + hash of the key, model or key, dimension) holds the provider's level as every worker sees it.
// The controller's gate is synchronous (it decides per call, in memory), so a worker never asks the database per
// call: it leases a small slice of tokens from the row and spends it locally; when the slice runs out it leases the
// next one. A lease is one INSERT … ON CONFLICT DO UPDATE … RETURNING that refills the row from the database's clock
// and takes what is there, under the row's lock: two workers never take the same tokens, and no update is lost.
// Over any window the workers together take at most the limit's refill plus the bucket's size plus one slice each.
import type pg from 'pg';
import { pgDriver } from './drivers.js';
import type { RateBucket, RateBudget } from '../run/index.js';
import { scrubDatabaseUrl as scrub } from '../store/index.js';

/** A slice is this much of the limit's refill: small enough that idle slices barely matter, large enough that a lease serves several calls. */
const SLICE_MS = 100;
/** After a failed lease (the database slow or gone), wait this long, doubling up to MAX_RETRY_MS: no calls go out meanwhile. */
const RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

// The row's level now: its tokens refilled from the database's clock since it was last written, at most its capacity.
const LEVEL = `LEAST(b.capacity, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM (now() - b.updated_at)) * 1000) * b.per_ms)`;
// Lowered to the provider's latest reading ($5, when a worker had one; LEAST ignores a null).
const LOWERED = `LEAST(${LEVEL}, $5::double precision)`;
const GRANT = `LEAST($2::double precision, GREATEST(0, ${LOWERED}))`;
// $1 key, $2 tokens asked, $3 per ms, $4 capacity, $5 the provider's reading or null, $6 the level of a new row.
// A worker's view of the rate and size (declared, learned, slowed after a 429) is written with its lease: the row
// records the limit every worker refills at.
const LEASE_SQL = `
INSERT INTO rate_buckets AS b (key, tokens, per_ms, capacity, granted, updated_at)
VALUES ($1, LEAST($6::double precision, $5::double precision) - LEAST($2::double precision, GREATEST(0, LEAST($6::double precision, $5::double precision))),
        $3, $4, LEAST($2::double precision, GREATEST(0, LEAST($6::double precision, $5::double precision))), now())
ON CONFLICT (key) DO UPDATE SET
  tokens = ${LOWERED} - ${GRANT},
  granted = ${GRANT},
  per_ms = EXCLUDED.per_ms,
  capacity = EXCLUDED.capacity,
  updated_at = GREATEST(b.updated_at, now())
RETURNING granted, tokens`;

/** One worker's view of a shared bucket: the tokens it leased and has not spent yet. */
class LeasedBucket implements RateBucket {
  private local = 0;
  private leasing = false;
  private retryMs = RETRY_MS;
  private notBefore = 0;
  private lowest: number | null = null;
  private readonly wakes = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly budget: PgRateBudget,
    private readonly key: string,
    public perMs: number,
    public capacity: number,
    private readonly initialLevel: number,
  ) {}

  /** Every controller whose limit is this bucket (the models of a key may share one) is woken. */
  onRefill(wake: () => void): void {
    this.wakes.add(wake);
  }

  private wakeAll(): void {
    for (const wake of this.wakes) wake();
  }

  configure(perMs: number, capacity: number): void {
    this.perMs = perMs;
    this.capacity = capacity;
  }

  waitMs(cost: number): number {
    const need = Math.min(cost, this.capacity);
    if (this.local >= need) return 0;
    this.lease(need);
    // The lease (or the retry after a failed one) wakes the controller: until then the call waits.
    return Infinity;
  }

  take(cost: number): void {
    this.local -= cost;
  }

  adjust(delta: number): void {
    this.local = Math.min(this.capacity, this.local + delta);
  }

  lowerTo(level: number): void {
    // The provider's reading counts every worker's calls: the row is lowered with the next lease.
    this.lowest = this.lowest === null ? level : Math.min(this.lowest, level);
    if (level < this.local) this.local = level;
  }

  level(): number {
    return this.local;
  }

  private lease(need: number): void {
    if (this.leasing || this.timer) return;
    const wait = this.notBefore - Date.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wakeAll();
      }, wait);
      this.timer.unref(); // a stopping worker does not wait for it (its calls are cancelled)
      return;
    }
    this.leasing = true;
    const ask = Math.max(need - this.local, this.perMs * SLICE_MS, 1);
    const lowest = this.lowest;
    this.lowest = null;
    this.budget
      .lease(this.key, ask, this.perMs, this.capacity, lowest, this.initialLevel)
      .then(
        (granted) => {
          this.retryMs = RETRY_MS;
          this.local += granted;
          // Not enough there: ask again when the row has refilled what is missing (at the whole limit's rate).
          if (this.local < need) this.notBefore = Date.now() + Math.max(1, (need - this.local) / this.perMs);
        },
        (error: Error) => {
          this.budget.onError(error);
          this.notBefore = Date.now() + this.retryMs;
          this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
        },
      )
      .finally(() => {
        this.leasing = false;
        this.wakeAll();
      });
  }
}

/** The shared budget: buckets leased from rate_buckets in the team store's PostgreSQL. */
export class PgRateBudget implements RateBudget {
  private readonly pool: pg.Pool;
  private readonly buckets = new Map<string, LeasedBucket>();
  private warned = false;

  constructor(
    private readonly url: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.pool = new (pgDriver().Pool)({ connectionString: url, application_name: 'evalspec rate budget', max: 2, allowExitOnIdle: true });
    this.pool.on('error', () => undefined);
  }

  bucket(key: string, perMs: number, capacity: number, initialLevel: number): RateBucket {
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = new LeasedBucket(this, key, perMs, capacity, initialLevel)));
    else b.configure(perMs, capacity);
    return b;
  }

  /** Take up to `ask` tokens from the row (created at `initialLevel` by the first worker); what was granted. */
  async lease(key: string, ask: number, perMs: number, capacity: number, lowest: number | null, initialLevel: number): Promise<number> {
    const { rows } = await this.pool.query<{ granted: number }>({
      name: 'evalspec_rate_lease',
      text: LEASE_SQL,
      values: [key, ask, perMs, capacity, lowest, initialLevel],
    });
    return Number(rows[0].granted);
  }

  onError(error: Error): void {
    if (this.warned) return;
    this.warned = true;
    this.log(`worker: the shared rate budget is unreachable (${scrub(error.message, this.url)}); calls wait until it answers`);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
