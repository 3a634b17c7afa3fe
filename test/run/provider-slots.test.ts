// A provider connection's concurrency slots (run/call-with-retries.ts ProviderSlots over run/concurrency.ts
// Semaphore) with a limit that changes while calls hold slots: a distributed run's worker gets a share of the
// declared limit that moves as workers come and go (distribute/worker-presence.ts). Lowered, the holders drain
// down to the new limit before anyone waiting goes; raised, the waiters go at once.
import { describe, expect, it } from 'vitest';
import { ProviderSlots } from '../../src/run/index.js';

/** Acquire `n` times; each resolved acquisition is counted in `held`. */
function acquireMany(slot: { acquire(): Promise<void> }, n: number, held: { n: number }): void {
  for (let i = 0; i < n; i++) void slot.acquire().then(() => held.n++);
}
const settle = () => new Promise((r) => setImmediate(r));

describe('ProviderSlots with a changing share', () => {
  it('gives each connection its share of the declared limit, and none without one', () => {
    const slots = new ProviderSlots((declared) => Math.floor(declared / 2));
    expect(slots.get('k', undefined)).toBeUndefined();
    expect(slots.get('k', 8)).toBe(slots.get('k', 8)); // one semaphore per connection
  });

  it('a raised share lets waiters go at once; a lowered one drains the holders before the next goes', async () => {
    let share = 2;
    const slots = new ProviderSlots(() => share);
    const slot = slots.get('k', 10)!;
    const held = { n: 0 };
    acquireMany(slot, 6, held);
    await settle();
    expect(held.n).toBe(2);
    share = 4;
    slots.reshare();
    await settle();
    expect(held.n).toBe(4);
    share = 1;
    slots.reshare();
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
