// A provider connection's concurrency slots (run/call-with-retries.ts ProviderSlots over run/concurrency.ts
// Semaphore). Without a lender a connection gets its declared limit; with one (a distributed worker's,
// distribute/provider-slots.ts), the lender sizes it and hears when a call has to wait. A limit that changes while
// calls hold slots: lowered, the holders drain down to the new limit before anyone waiting goes; raised, the
// waiters go at once.
import { describe, expect, it } from 'vitest';
import { ProviderSlots, type Semaphore, type SlotLender } from '../../src/run/index.js';

/** Acquire `n` times; each resolved acquisition is counted in `held`. */
function acquireMany(slot: { acquire(): Promise<void> }, n: number, held: { n: number }): void {
  for (let i = 0; i < n; i++) void slot.acquire().then(() => held.n++);
}
const settle = () => new Promise((r) => setImmediate(r));

/** A lender that starts every connection at `initial` and counts the waits it hears of. */
function lender(initial: number) {
  const opened: { key: string; declared: number; slot: Semaphore }[] = [];
  let queued = 0;
  const l: SlotLender = {
    open(key, declared, slot) {
      opened.push({ key, declared, slot });
      slot.setLimit(initial);
      slot.onQueued = () => queued++;
    },
  };
  return { l, opened, queuedCount: () => queued };
}

describe('ProviderSlots', () => {
  it('without a lender: the declared limit per connection, one semaphore each, none without a limit', async () => {
    const slots = new ProviderSlots();
    expect(slots.get('k', undefined)).toBeUndefined();
    const slot = slots.get('k', 3)!;
    expect(slots.get('k', 3)).toBe(slot);
    const held = { n: 0 };
    acquireMany(slot, 5, held);
    await settle();
    expect(held.n).toBe(3);
    expect([slot.inUse, slot.queued, slot.size]).toEqual([3, 2, 3]);
  });

  it('with a lender: opened once per connection with its declared limit, sized by it, and told of every wait', async () => {
    const { l, opened, queuedCount } = lender(0);
    const slots = new ProviderSlots(l);
    const slot = slots.get('openai|http://a', 8)!;
    slots.get('openai|http://a', 8);
    expect(opened.map((o) => [o.key, o.declared])).toEqual([['openai|http://a', 8]]);
    const held = { n: 0 };
    acquireMany(slot, 3, held);
    await settle();
    expect(held.n).toBe(0);
    expect(queuedCount()).toBe(3);
  });

  it('a call waiting for a slot gives up its place when its signal aborts; the others keep theirs', async () => {
    const slot = new ProviderSlots().get('k', 1)!;
    await slot.acquire();
    const stop = new AbortController();
    const waiting = [slot.acquireUnless(stop.signal), slot.acquireUnless(undefined)];
    await settle();
    expect(slot.queued).toBe(2);
    stop.abort();
    expect(await waiting[0]).toBe(false);
    expect(slot.queued).toBe(1);
    slot.release(); // handed to the one still waiting
    expect(await waiting[1]).toBe(true);
    expect([slot.inUse, slot.queued]).toEqual([1, 0]);
    expect(await slot.acquireUnless(stop.signal)).toBe(false); // already aborted: not even queued
    expect(slot.queued).toBe(0);
  });

  it('a raised limit lets waiters go at once; a lowered one drains the holders before the next goes', async () => {
    const { l } = lender(2);
    const slot = new ProviderSlots(l).get('k', 10)!;
    const held = { n: 0 };
    acquireMany(slot, 6, held);
    await settle();
    expect(held.n).toBe(2);
    slot.setLimit(4);
    await settle();
    expect(held.n).toBe(4);
    slot.setLimit(1);
    // Three releases only bring the four holders down to the new limit of 1: nobody waiting goes yet.
    slot.release();
    slot.release();
    slot.release();
    await settle();
    expect(held.n).toBe(4);
    // The fourth release hands the one slot to the next waiter.
    slot.release();
    await settle();
    expect(held.n).toBe(5);
  });
});
