// The shared rate budget of distributed runs (src/distribute/shared-budget.ts) against the test PostgreSQL: two
// budgets stand for two worker processes leasing slices of one bucket row. No timing asserts: the bounds are in
// tokens, from the row's own clock where refill matters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgRateBudget } from '../../src/distribute/shared-budget.js';
import { openStore, type Store } from '../../src/store/index.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';

const mode = pgTestMode();

describe.skipIf(mode === 'skip')('the shared rate budget (PostgreSQL)', () => {
  if (mode === 'skip') console.warn(`skipping the shared rate budget tests: ${pgUnavailableReason()}`);
  let url: string;
  let store: Store;
  const budgets: PgRateBudget[] = [];
  const budget = () => {
    const b = new PgRateBudget(url);
    budgets.push(b);
    return b;
  };
  beforeAll(async () => {
    if (mode === 'fail') throw new Error(`the shared rate budget tests cannot run under CI: ${pgUnavailableReason()}`);
    url = await createPgDatabase();
    store = openStore(url); // applies the migrations, rate_buckets included
    await store.migrations();
  });
  afterAll(async () => {
    for (const b of budgets) await b.close();
    await store?.close();
  });

  it('two workers leasing at once share out exactly the bucket, not a token more (no lost update)', async () => {
    // A bucket of 10 that refills one token per 10^9 ms: nothing refills during the test.
    const [a, b] = [budget(), budget()];
    const perMs = 1e-9;
    const leases = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).lease('k-exact|requests', 1, perMs, 10, null, 10));
    const granted = await Promise.all(leases);
    // 40 asks of 1 token against 10 tokens: 10 granted in all, whichever worker won each; the row is empty.
    expect(granted.reduce((n, g) => n + g, 0)).toBeCloseTo(10, 6);
    expect(granted.filter((g) => g > 0.5).length).toBe(10);
    const [row] = await pgQuery<{ tokens: number }>(url, "SELECT tokens FROM rate_buckets WHERE key = 'k-exact|requests'");
    expect(row.tokens).toBeCloseTo(0, 6);
  });

  it('through the bucket interface, two workers together take at most the refill, the size and one slice each', async () => {
    // 50 tokens/s (0.05 per ms), a bucket of 5; a slice is 100 ms of refill = 5 tokens.
    const perMs = 0.05;
    const capacity = 5;
    const slice = perMs * 100;
    const key = 'k-window|requests';
    const takenBy = [0, 0];
    const workers = [budget(), budget()].map((source, w) => {
      const bucket = source.bucket(key, perMs, capacity, capacity);
      // A worker's gate: take a token whenever the bucket has one, else wait for its wake-up.
      return new Promise<void>((done) => {
        const pump = () => {
          while (bucket.waitMs(1, 0) === 0) {
            bucket.take(1, 0);
            takenBy[w]++;
            if (takenBy[0] + takenBy[1] >= 40) return done();
          }
        };
        bucket.onRefill!(pump);
        pump();
      });
    });
    const [start] = await pgQuery<{ t: number }>(url, 'SELECT extract(epoch FROM now()) * 1000 AS t');
    await Promise.race(workers);
    const [end] = await pgQuery<{ t: number }>(url, 'SELECT extract(epoch FROM now()) * 1000 AS t');
    // Both took from the row, and together no more than it gave: its size plus its refill over the elapsed time
    // (the database's clock, measured around the whole exchange) plus at most one slice held by each.
    expect(takenBy[0]).toBeGreaterThan(0);
    expect(takenBy[1]).toBeGreaterThan(0);
    const elapsed = Number(end.t) - Number(start.t);
    expect(takenBy[0] + takenBy[1]).toBeLessThanOrEqual(capacity + elapsed * perMs + 2 * slice);
    // The row records the limit every worker refills at.
    const [row] = await pgQuery<{ per_ms: number; capacity: number }>(url, 'SELECT per_ms, capacity FROM rate_buckets WHERE key = $1', [key]);
    expect([row.per_ms, row.capacity]).toEqual([perMs, capacity]);
  });

  it("the provider's reading lowers the shared row with the next lease", async () => {
    const [a, b] = [budget(), budget()];
    const perMs = 1e-9;
    expect(await a.lease('k-lower|tokens', 1, perMs, 100, null, 100)).toBeCloseTo(1, 6);
    // Worker b read `remaining: 20` from a response: its lease lowers the row to 20 before taking 5.
    expect(await b.lease('k-lower|tokens', 5, perMs, 100, 20, 100)).toBeCloseTo(5, 6);
    const [row] = await pgQuery<{ tokens: number }>(url, "SELECT tokens FROM rate_buckets WHERE key = 'k-lower|tokens'");
    expect(row.tokens).toBeCloseTo(15, 6);
  });

  it('an unreachable database: the bucket grants nothing (calls wait, never go out unpaced) and says so once', async () => {
    const lines: string[] = [];
    const dead = new PgRateBudget('postgres://evalspec:secret-pw@127.0.0.1:9/none', (l) => lines.push(l));
    budgets.push(dead);
    const bucket = dead.bucket('k-dead|requests', 1, 10, 10);
    let woken = 0;
    await new Promise<void>((resolve) => {
      bucket.onRefill!(() => {
        woken++;
        resolve();
      });
      expect(bucket.waitMs(1, 0)).toBe(Infinity);
    });
    expect(woken).toBe(1);
    expect(bucket.level(0)).toBe(0);
    expect(bucket.waitMs(1, 0)).toBe(Infinity);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('shared rate budget is unreachable');
    expect(lines[0]).not.toContain('secret-pw');
  });
});
