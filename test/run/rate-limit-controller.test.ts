// The rate controller's pacing, on a simulated clock: over a minute it never admits more than the limit allows
// (the minute's refill plus the one-second burst a declared limit assumes), and not much less; the reported
// usage corrects a token estimate; 429s without rate-limit headers shrink the window of attempts in flight only
// when frequent; and the readings of a limit tell whether the models of a key share it.
import { describe, expect, it } from 'vitest';
import { InProcessBudget } from '../../src/run/rate-limit/budget.js';
import { RateController, RateGroup, type CallSizer } from '../../src/run/rate-limit/controller.js';
import { ShareDetector } from '../../src/run/rate-limit/sharing.js';

function controller(declared: { rpm?: number; tpm?: number }, clock: { t: number }, probe = true) {
  return new RateController('openai:gpt-test', 'k|m', new RateGroup('k'), new InProcessBudget(), declared, probe, () => clock.t);
}

describe('pacing to a declared limit', () => {
  it('admits at most a minute of refill plus a second of burst per minute, and at least 95% of the refill', () => {
    const clock = { t: 0 };
    const c = controller({ rpm: 600 }, clock);
    let admitted = 0;
    for (clock.t = 0; clock.t < 60_000; clock.t += 1) {
      const ticket = c.tryAcquire(undefined);
      if (ticket) {
        admitted++;
        c.release(ticket, { kind: 'ok' });
      }
    }
    // 600/min for 60 s = 600, plus a burst of one second (10); the pacing stays a little under the limit.
    expect(admitted).toBeLessThanOrEqual(610);
    expect(admitted).toBeGreaterThanOrEqual(570);
  });

  it('sizes calls for a token limit and corrects the estimate with the reported usage', () => {
    const clock = { t: 0 };
    const c = controller({ tpm: 6000 }, clock);
    expect(c.countsTokens).toBe(true);
    let tokens = 0;
    let calls = 0;
    for (clock.t = 0; clock.t < 60_000; clock.t += 5) {
      // A 50-token prompt by the tokenizer, max_tokens 50; the provider reports 50 in and 10 out.
      const sizer: CallSizer = { promptTokens: () => 50, maxOutputTokens: 50 };
      const ticket = c.tryAcquire(sizer);
      if (ticket) {
        calls++;
        tokens += 60;
        c.release(ticket, { kind: 'ok', input: 50, output: 10 });
      }
    }
    // 6000 tokens/min for a minute plus a second of burst (100): at most 6100 tokens; sized by max_tokens alone
    // (100 per call) the run would make only 60 calls, while at the real 60 per call it makes ~100.
    expect(tokens).toBeLessThanOrEqual(6100);
    expect(calls).toBeGreaterThanOrEqual(95);
  });

  it('counts no tokens and never waits when no limit is known and nothing was rejected', () => {
    const clock = { t: 0 };
    const c = controller({}, clock);
    expect(c.countsTokens).toBe(false);
    let sized = 0;
    const sizer: CallSizer = { promptTokens: () => (sized++, 10) };
    // The probe window: a few attempts until the first answer, then as many as the run's own concurrency.
    const first = c.tryAcquire(sizer)!;
    c.release(first, { kind: 'ok' });
    const tickets = Array.from({ length: 500 }, () => c.tryAcquire(sizer));
    expect(tickets.every((t) => t !== null)).toBe(true);
    expect(sized).toBe(0);
    expect(c.throttled).toBe(false);
  });
});

describe('the probe before the first answer', () => {
  it('with nothing known, 8 attempts go before the first answer and the 9th waits; answered, the rest go', () => {
    const c = controller({}, { t: 0 });
    const tickets = Array.from({ length: 9 }, () => c.tryAcquire(undefined));
    expect(tickets.filter((t) => t !== null)).toHaveLength(8);
    c.release(tickets[0]!, { kind: 'ok' });
    expect(Array.from({ length: 50 }, () => c.tryAcquire(undefined)).every((t) => t !== null)).toBe(true);
  });

  it('a connection that declares its concurrency opens without the probe: 50 attempts at once', () => {
    const c = controller({}, { t: 0 }, false);
    expect(Array.from({ length: 50 }, () => c.tryAcquire(undefined)).every((t) => t !== null)).toBe(true);
  });
});

describe('429s without rate-limit headers', () => {
  function run(rejectEvery: number) {
    const clock = { t: 0 };
    const c = controller({}, clock);
    for (let i = 1; i <= 200; i++) {
      clock.t += 10;
      const ticket = c.tryAcquire(undefined) ?? null;
      if (ticket) c.release(ticket, i % rejectEvery === 0 ? { kind: 'rejected' } : { kind: 'ok' });
    }
    return c.figures();
  }
  it('a stray one (1 in 10) is a transient fault: the window is not limited', () => {
    const f = run(10);
    expect(f.rejected).toBe(20);
    expect(f.concurrencyWindow).toBeNull();
  });
  it('frequent ones (1 in 2) are a limit: the window of attempts in flight is cut', () => {
    expect(run(2).concurrencyWindow).not.toBeNull();
  });
});

describe('ShareDetector', () => {
  /**
   * Two models send alternately, one request every 5 ms in all (200/s), to a provider refilling 100/s with
   * 500 left of 1000: either one bucket for both (shared) or one each. Model A's readings decide.
   */
  function verdict(shared: boolean): string | undefined {
    const perMs = 0.1;
    const buckets = { a: 500, b: 500 };
    let own = 0;
    let group = 0;
    let last: string | undefined;
    const detector = new ShareDetector();
    for (let t = 0, i = 0; t < 800; t += 5, i++) {
      buckets.a += 5 * perMs;
      buckets.b += 5 * perMs;
      const sender = i % 2 === 0 ? 'a' : 'b';
      group++;
      if (sender === 'a') own++;
      if (shared) buckets.a -= 1;
      else buckets[sender] -= 1;
      if (sender === 'a') last = detector.add({ at: t, own, group }, Math.floor(buckets.a), perMs, 1000, 10) ?? last;
    }
    return last;
  }
  it('tells a budget shared by the models of a key from one per model', () => {
    expect(verdict(true)).toBe('shared');
    expect(verdict(false)).toBe('separate');
  });
});
