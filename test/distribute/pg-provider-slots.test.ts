// A provider's declared concurrency leased across workers (src/distribute/provider-slots.ts). fairShares is the
// split when someone is short (worked by hand below). On a real PostgreSQL, two workers' leases on one connection of
// `concurrency: 6`: the first, alone with 10 calls, takes all 6; the second's 4 calls make it short, so the first
// lowers its limit to its fair share (3) and records less only as its calls end; the second then gets 3. At every
// look the slots recorded in the store add up to at most 6, and the calls in flight too. A worker whose last calls
// end hands their slots to the short one at each end, without waiting for its next look. A dead worker's row is
// ignored once stale; a stopped worker's rows are gone.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { fairShares, ProviderSlotLeases } from '../../src/distribute/provider-slots.js';
import { listenFor, SLOTS_CHANNEL, type Listener } from '../../src/distribute/queue-signals.js';
import { ProviderSlots, type Semaphore } from '../../src/run/index.js';
import { openStore } from '../../src/store/index.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { until } from '../helpers/poll.js';

const mode = pgTestMode();

describe('fairShares', () => {
  const shares = (declared: number, wants: Record<string, number>) => Object.fromEntries(fairShares(declared, new Map(Object.entries(wants))));
  it('splits evenly among those who want more than an even part, and gives the small wants what they ask', () => {
    // 10 over wants 2, 8, 8: b and c share the 8 left after a's 2.
    expect(shares(10, { a: 2, b: 8, c: 8 })).toEqual({ a: 2, b: 4, c: 4 });
    // 10 over wants 1, 1, 20: 8 left for c.
    expect(shares(10, { a: 1, b: 1, c: 20 })).toEqual({ a: 1, b: 1, c: 8 });
  });
  it('a remainder goes one each in order of id; with fewer slots than workers, one each to the first', () => {
    expect(shares(7, { b: 10, a: 10 })).toEqual({ a: 4, b: 3 });
    expect(shares(2, { c: 5, a: 5, b: 5 })).toEqual({ a: 1, b: 1, c: 0 });
  });
  it('workers that want nothing get nothing; the shares never add up to more than the limit or a want', () => {
    expect(shares(6, { a: 0, b: 3 })).toEqual({ b: 3 });
    for (const [declared, wants] of [
      [5, { a: 3, b: 3, c: 3 }],
      [160, { a: 200, b: 7, c: 0, d: 41 }],
      [3, { a: 1, b: 1 }],
    ] as const) {
      const s = fairShares(declared, new Map(Object.entries(wants)));
      expect([...s.values()].reduce((n, x) => n + x, 0)).toBeLessThanOrEqual(declared);
      for (const [id, n] of s) expect(n).toBeLessThanOrEqual((wants as Record<string, number>)[id]);
    }
  });
});

describe.skipIf(mode === 'skip')("a provider's concurrency leased across workers (PostgreSQL)", () => {
  if (mode === 'skip') console.warn(`skipping the provider slots tests: ${pgUnavailableReason()}`);
  const pools: pg.Pool[] = [];
  const leases: ProviderSlotLeases[] = [];
  const listeners: Listener[] = [];
  afterAll(async () => {
    for (const l of listeners) await l.close();
    for (const l of leases) await l.stop();
    for (const p of pools) await p.end();
  });

  /** A worker's leases on one connection of `concurrency: 6`; `eventsOnly`: no look of its own (no tick), only the events. */
  async function worker(url: string, eventsOnly = false) {
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    pools.push(pool);
    const never = { holdingMs: 3_600_000, changingMs: 3_600_000 };
    const l = eventsOnly ? new ProviderSlotLeases(pool, url, () => undefined, never) : new ProviderSlotLeases(pool, url, () => undefined);
    // As a worker does (worker.ts): hearing of slots given back.
    if (eventsOnly) listeners.push(await listenFor(url, { [SLOTS_CHANNEL]: (key) => l.heard(key) }, () => undefined));
    leases.push(l);
    return { l, slot: new ProviderSlots(l).get('openai|http://127.0.0.1:9/v1', 6)! };
  }
  async function storeWithSchema(): Promise<string> {
    if (mode === 'fail') throw new Error(`the provider slots tests cannot run under CI: ${pgUnavailableReason()}`);
    const url = await createPgDatabase();
    const store = openStore(url);
    await store.migrations(); // provider_slots
    await store.close();
    return url;
  }
  const acquire = (slot: Semaphore, n: number) => Array.from({ length: n }, () => slot.acquire());
  const heldInStore = async (url: string) => Number((await pgQuery<{ n: number }>(url, 'SELECT coalesce(sum(held), 0)::int AS n FROM provider_slots'))[0].n);

  it("one worker alone takes the limit; a second one short gets its fair share as the first one's calls end; never more than 6", async () => {
    const url = await storeWithSchema();
    const a = await worker(url);
    const b = await worker(url);
    const within = async () => {
      expect(await heldInStore(url)).toBeLessThanOrEqual(6);
      expect(a.slot.inUse + b.slot.inUse).toBeLessThanOrEqual(6);
    };
    void acquire(a.slot, 10);
    await until(() => a.slot.inUse === 6, { check: within });
    expect(await heldInStore(url)).toBe(6);

    void acquire(b.slot, 4);
    // b is short: a lowers its limit to its fair share (3 of 6 for wants 10 and 4) but holds its 6 calls.
    await until(() => a.slot.size === 3, { check: within });
    expect(b.slot.inUse).toBe(0);
    for (let i = 0; i < 3; i++) a.slot.release();
    // a's calls down to 3: recorded at its next look, and b takes the 3.
    await until(() => b.slot.inUse === 3, { check: within });
    expect(a.slot.inUse).toBe(3);

    // Everything released (a's 3 in flight and, as each gets a slot, its 4 waiting; b's 3 and its 1): both give their slots back.
    for (let i = 0; i < 7; i++) a.slot.release();
    for (let i = 0; i < 4; i++) b.slot.release();
    await until(async () => (await heldInStore(url)) === 0, { check: within });
  }, 60_000);

  it('a worker winding down gives its slots back as its last calls end, not at its next look, to the worker short of them', async () => {
    const url = await storeWithSchema();
    // No ticks: what moves the slots here is only a call's end, a call waiting, and the notice of slots given back.
    const a = await worker(url, true);
    const b = await worker(url, true);
    const within = async () => {
      expect(await heldInStore(url)).toBeLessThanOrEqual(6);
      expect(a.slot.inUse + b.slot.inUse).toBeLessThanOrEqual(6);
    };
    void acquire(a.slot, 3);
    await until(() => a.slot.inUse === 3, { check: within });
    void acquire(b.slot, 10);
    await until(() => b.slot.inUse === 3, { check: within }); // the 3 nobody holds; b is short
    // One more call of a's waits (so a looks, and sees b short), then gives up its place: a wants its 3 calls only.
    const giveUp = new AbortController();
    const extra = a.slot.acquireUnless(giveUp.signal);
    await until(async () => (await pgQuery<{ n: number }>(url, 'SELECT count(*)::int AS n FROM provider_slots WHERE wants = 4'))[0].n === 1, { check: within });
    giveUp.abort();
    expect(await extra).toBe(false);
    // a's last calls end: two of them leave it holding 2 more than it wants, the last one wanting nothing.
    a.slot.release();
    a.slot.release();
    await until(() => b.slot.inUse === 5, { check: within });
    a.slot.release();
    await until(() => b.slot.inUse === 6, { check: within });
    expect(a.slot.inUse).toBe(0);
    for (let i = 0; i < 10; i++) b.slot.release();
  }, 60_000);

  it("a dead worker's row is ignored once stale, and a stopped worker's rows are gone", async () => {
    const url = await storeWithSchema();
    const a = await worker(url);
    void acquire(a.slot, 1);
    await until(() => a.slot.inUse === 1);
    // What a worker killed 10 s ago leaves: 6 held. Counted, it would leave a nothing more.
    const [{ key: k }] = await pgQuery<{ key: string }>(url, 'SELECT key FROM provider_slots');
    await pgQuery(url, "INSERT INTO provider_slots (key, worker, held, wants, seen_at) VALUES ($1, 'dead', 6, 6, now() - interval '10 seconds')", [k]);
    void acquire(a.slot, 5);
    await until(() => a.slot.inUse === 6);
    await a.l.stop();
    expect(await pgQuery(url, "SELECT worker FROM provider_slots WHERE worker <> 'dead'")).toEqual([]);
  }, 60_000);
});
