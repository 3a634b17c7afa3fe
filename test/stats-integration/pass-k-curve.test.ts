// The pass^k / pass@k curve of a run (analysis/pass-k-curve.ts) on a per-case table written by hand, against
// values computed here from the binomial coefficients and the t table: the curve, its t intervals, cases with
// fewer results than k, errored repeats, clusters, and pass^1 = pass@1 = the mean pass share.
import { describe, expect, it } from 'vitest';
import { curveKs, passKCurves } from '../../src/analysis/index.js';
import type { CaseOutcome, RunOutcomes } from '../../src/stats/index.js';

/** A case outcome with `passed` of `results` repeats passed (and `errored` of them errored). */
const outcome = (results: number, passed: number, errored = 0): CaseOutcome => ({ results, passed, errored, score: null, metrics: {}, checks: {} });

function table(repeat: number, perCase: CaseOutcome[], clusters?: (string | null)[]): RunOutcomes {
  return {
    repeat,
    cases: perCase.map((_, i) => ({ id: `c${i}`, tags: [], cluster: clusters?.[i] ?? null })),
    variants: [{ id: 'v', outcomes: perCase }],
  };
}

describe('the pass^k curve of a run', () => {
  // 3 repeats; four kinds of case with c = 3, 2, 1, 0 passed, each twice (8 cases).
  const cases = [3, 2, 1, 0, 3, 2, 1, 0].map((c) => outcome(3, c));
  const curves = passKCurves(table(3, cases), 'v')!;

  it('pass^k and pass@k per k: the mean of C(c,k)/C(3,k) and of 1 − C(3−c,k)/C(3,k) over cases', () => {
    // pass^1: (3/3 + 2/3 + 1/3 + 0)/4 = 0.5
    // pass^2: C(3,2) = 3; (3/3 + C(2,2)/3 + 0 + 0)/4 = (1 + 1/3)/4 = 1/3
    // pass^3: (1 + 0 + 0 + 0)/4 = 1/4
    expect(curves.passHatK.map((p) => p.k)).toEqual([1, 2, 3]);
    expect(curves.passHatK[0].value).toBeCloseTo(0.5, 12);
    expect(curves.passHatK[1].value).toBeCloseTo(1 / 3, 12);
    expect(curves.passHatK[2].value).toBeCloseTo(1 / 4, 12);
    // pass@2: c = 3: 1 − 0; c = 2: 1 − C(1,2)/3 = 1; c = 1: 1 − C(2,2)/3 = 2/3; c = 0: 1 − 3/3 = 0 → (8/3)/4 = 2/3
    // pass@3: 1, 1, 1, 0 → 3/4
    expect(curves.passAtK.map((p) => p.value)).toEqual([expect.closeTo(0.5, 12), expect.closeTo(2 / 3, 12), expect.closeTo(3 / 4, 12)]);
    expect(curves.passHatK.every((p) => p.shortCases === 0)).toBe(true);
  });

  it('each k has the t interval over the per-case estimates, named', () => {
    // pass^1, values [1, 2/3, 1/3, 0] × 2: mean 0.5, squared deviations 2·(1/4 + 1/36 + 1/36 + 1/4) = 10/9,
    // s² = (10/9)/7 = 0.158730, SE = √(s²/8) = 0.140859, t(0.975, 7) = 2.364624 → 0.5 ± 0.333081.
    const p1 = curves.passHatK[0].ci!;
    expect(p1.method).toBe('t over per-case pass^1 estimates (3 repeats)');
    expect(p1.low).toBeCloseTo(0.5 - 0.333081, 5);
    expect(p1.high).toBeCloseTo(0.5 + 0.333081, 5);
    // pass^2, values [1, 1/3, 0, 0] × 2: mean 1/3, squared deviations 2·(4/9 + 0 + 1/9 + 1/9) = 4/3, s² = 4/21,
    // SE = √(4/21/8) = 0.154303, half width 2.364624 · 0.154303 = 0.364870: low −0.0315 is clipped to 0.
    const p2 = curves.passHatK[1].ci!;
    expect(p2.low).toBe(0);
    expect(p2.high).toBeCloseTo(1 / 3 + 0.36487, 5);
    expect(curves.passAtK[1].ci!.method).toBe('t over per-case pass@2 estimates (3 repeats)');
  });

  it('pass^1 and pass@1 are the mean pass share, errored repeats counting as not passed', () => {
    const mixed = [outcome(3, 1, 1), outcome(3, 3), outcome(3, 0, 3), outcome(3, 2)];
    const c = passKCurves(table(3, mixed), 'v')!;
    const meanShare = (1 / 3 + 3 / 3 + 0 / 3 + 2 / 3) / 4; // = 0.5
    expect(c.passHatK[0].value).toBeCloseTo(meanShare, 12);
    expect(c.passAtK[0].value).toBeCloseTo(meanShare, 12);
  });

  it('a case with fewer results than k uses k = its result count, and is counted per k', () => {
    // 4 repeats; c0 ran all 4 (2 passed), c1 only 2 (both passed: the run stopped early).
    const c = passKCurves(table(4, [outcome(4, 2), outcome(2, 2)]), 'v')!;
    // pass^3: c0 C(2,3)/C(4,3) = 0; c1 with k = 2: C(2,2)/C(2,2) = 1 → 0.5. pass^2: c0 C(2,2)/C(4,2) = 1/6; c1 1.
    expect(c.passHatK.map((p) => p.shortCases)).toEqual([0, 0, 1, 1]);
    expect(c.passHatK[2].value).toBeCloseTo(0.5, 12);
    expect(c.passHatK[1].value).toBeCloseTo((1 / 6 + 1) / 2, 12);
  });

  it('cases that share clusters get the clustered-t interval; one repeat or no result gives no curve', () => {
    const clustered = passKCurves(table(3, cases, ['a', 'a', 'b', 'b', 'c', 'c', 'd', 'd']), 'v')!;
    expect(clustered.passHatK[0].ci!.method).toBe('clustered-t over per-case pass^1 estimates (3 repeats), 4 clusters');
    expect(passKCurves(table(1, [outcome(1, 1), outcome(1, 0)]), 'v')).toBeNull();
    expect(passKCurves(table(3, [undefined as unknown as CaseOutcome]), 'v')).toBeNull();
    expect(passKCurves(table(3, cases), 'other')).toBeNull();
  });

  it('beyond 10 repeats the curve keeps 1..5, then 10, 20, 50, … and n', () => {
    expect(curveKs(4)).toEqual([1, 2, 3, 4]);
    expect(curveKs(10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(curveKs(12)).toEqual([1, 2, 3, 4, 5, 10, 12]);
    expect(curveKs(250)).toEqual([1, 2, 3, 4, 5, 10, 20, 50, 100, 200, 250]);
  });
});
