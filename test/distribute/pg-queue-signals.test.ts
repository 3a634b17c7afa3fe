// The wake-ups of distributed runs (src/distribute/queue-signals.ts): a Wakeup keeps a wake given while nobody
// waits, and a notice sent through the team store reaches a listener on another connection with its payload
// (PostgreSQL LISTEN/NOTIFY), one connection listening on several channels, while a listener on another channel hears nothing.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { DONE_CHANNEL, JOBS_CHANNEL, listenFor, notify, SLOTS_CHANNEL, Wakeup, type Listener } from '../../src/distribute/queue-signals.js';
import { createPgDatabase, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { until } from '../helpers/poll.js';

const mode = pgTestMode();
const never = new AbortController().signal;

describe('Wakeup', () => {
  it('a wake given before the wait ends the next wait at once, and only that one', async () => {
    const w = new Wakeup();
    w.wake();
    const order: string[] = [];
    await Promise.race([w.wait(60_000, never).then(() => order.push('woken')), new Promise((r) => setTimeout(r, 1000)).then(() => order.push('timeout'))]);
    expect(order[0]).toBe('woken');
    // The wake was spent: the next wait lasts until its own timeout (a short one here).
    const next = await Promise.race([w.wait(20, never).then(() => 'timed out'), new Promise((r) => setTimeout(() => r('still waiting'), 5000))]);
    expect(next).toBe('timed out');
  });

  it('a wake during the wait ends it; an aborted signal ends it too', async () => {
    const w = new Wakeup();
    const waiting = w.wait(60_000, never).then(() => 'woken');
    w.wake();
    expect(await waiting).toBe('woken');
    const stop = new AbortController();
    const stopped = w.wait(60_000, stop.signal).then(() => 'stopped');
    stop.abort();
    expect(await stopped).toBe('stopped');
  });
});

describe.skipIf(mode === 'skip')('notices through the team store (PostgreSQL)', () => {
  if (mode === 'skip') console.warn(`skipping the queue notices test: ${pgUnavailableReason()}`);
  const listeners: Listener[] = [];
  const pools: pg.Pool[] = [];
  afterAll(async () => {
    for (const l of listeners) await l.close();
    for (const p of pools) await p.end();
  });

  it("a notice reaches the channel's listener with its payload, not another channel's", async () => {
    if (mode === 'fail') throw new Error(`the queue notices test cannot run under CI: ${pgUnavailableReason()}`);
    const url = await createPgDatabase();
    const heardJobs: string[] = [];
    const heardDone: string[] = [];
    const log: string[] = [];
    const heardSlots: string[] = [];
    // One connection listening on two channels, another on a third.
    listeners.push(await listenFor(url, { [JOBS_CHANNEL]: (p) => heardJobs.push(p), [SLOTS_CHANNEL]: (p) => heardSlots.push(p) }, (l) => log.push(l)));
    listeners.push(await listenFor(url, { [DONE_CHANNEL]: (p) => heardDone.push(p) }, (l) => log.push(l)));
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pools.push(pool);
    await notify(pool, JOBS_CHANNEL, 'run-1');
    await notify(pool, JOBS_CHANNEL, 'run-2');
    await notify(pool, SLOTS_CHANNEL, 'key-1');
    await until(() => heardJobs.length >= 2 && heardSlots.length >= 1, { timeoutMs: 10_000, everyMs: 20, what: 'the notices' });
    expect(heardJobs).toEqual(['run-1', 'run-2']);
    expect(heardSlots).toEqual(['key-1']);
    expect(heardDone).toEqual([]);
    expect(log).toEqual([]);
  });

  it('a store that cannot be reached: one line said, and the listener closes quietly (the caller polls)', async () => {
    const log: string[] = [];
    const listener = await listenFor('postgres://nobody:secret-pw@127.0.0.1:1/none', { [JOBS_CHANNEL]: () => undefined }, (l) => log.push(l));
    await listener.close();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain('polling instead');
    expect(log[0]).not.toContain('secret-pw');
  });
});
