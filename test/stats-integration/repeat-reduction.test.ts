// The suite's repeat reducer as the report applies it: each case's pass value from c passed of n results,
// checked against hand computation (C(n, k) written out), including the reducers the e2e test does not run.
import { describe, expect, it } from 'vitest';
import { resolveRepeatReducer } from '../../src/stats/index.js';
import { reducedPassValue, shortOfK } from '../../src/analysis/index.js';

describe('repeat reducers in reports', () => {
  it('reads repeat: N and { n, reduce }, with the letter k meaning n', () => {
    expect(resolveRepeatReducer(5, 5).name).toBe('mean');
    expect(resolveRepeatReducer({ n: 5 }, 5).name).toBe('mean');
    expect(resolveRepeatReducer({ n: 5, reduce: 'pass^k' }, 5)).toMatchObject({ name: 'pass^5', k: 5 });
    // A --repeat override changes n, and with it the k of "pass@k".
    expect(resolveRepeatReducer({ n: 5, reduce: 'pass@k' }, 8)).toMatchObject({ name: 'pass@8', k: 8 });
    expect(resolveRepeatReducer({ n: 5, reduce: 'pass@2' }, 8)).toMatchObject({ name: 'pass@2', k: 2 });
    // An old or unreadable stored value reads as the default.
    expect(resolveRepeatReducer('garbage', 3).name).toBe('mean');
  });

  it('mean, majority (a tie fails) and all', () => {
    const mean = resolveRepeatReducer({ n: 4, reduce: 'mean' }, 4);
    const majority = resolveRepeatReducer({ n: 4, reduce: 'majority' }, 4);
    const all = resolveRepeatReducer({ n: 4, reduce: 'all' }, 4);
    expect(reducedPassValue(mean, 4, 3)).toBe(0.75);
    expect(reducedPassValue(majority, 4, 3)).toBe(1);
    expect(reducedPassValue(majority, 4, 2)).toBe(0); // 2 of 4 is a tie
    expect(reducedPassValue(all, 4, 4)).toBe(1);
    expect(reducedPassValue(all, 4, 3)).toBe(0);
  });

  it('pass@k and pass^k per case against the binomial coefficients', () => {
    // n = 6, c = 2, k = 3: C(6,3) = 20, C(4,3) = 4, C(2,3) = 0.
    const at = resolveRepeatReducer({ n: 6, reduce: 'pass@3' }, 6);
    const hat = resolveRepeatReducer({ n: 6, reduce: 'pass^3' }, 6);
    expect(reducedPassValue(at, 6, 2)).toBeCloseTo(1 - 4 / 20, 14);
    expect(reducedPassValue(hat, 6, 2)).toBe(0);
    // c = 4: pass^3 = C(4,3)/C(6,3) = 4/20; pass@3 = 1 − C(2,3)/20 = 1.
    expect(reducedPassValue(hat, 6, 4)).toBeCloseTo(4 / 20, 14);
    expect(reducedPassValue(at, 6, 4)).toBe(1);
  });

  it('a case with fewer results than k is estimated with k = its result count, and flagged', () => {
    const hat = resolveRepeatReducer({ n: 5, reduce: 'pass^3' }, 5);
    // 2 results, both passed: pass^2 = C(2,2)/C(2,2) = 1; one of two passed: C(1,2)/C(2,2) = 0.
    expect(reducedPassValue(hat, 2, 2)).toBe(1);
    expect(reducedPassValue(hat, 2, 1)).toBe(0);
    expect(shortOfK(hat, 2)).toBe(true);
    expect(shortOfK(hat, 5)).toBe(false);
  });
});
