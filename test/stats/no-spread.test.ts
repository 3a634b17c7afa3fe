// "No spread" is not certainty, and rounding noise is not spread: identical values whose mean (or whose
// B − A) is off in the last digit must get the exact no-spread bound, not a t bound of width 1e-17. And no
// input makes a "cases needed" search spin.
import { describe, expect, it } from 'vitest';
import {
  analyzeRun,
  casesNeededForZeroFailureBar,
  hasNoSpread,
  meanBound,
  pairedDifference,
  type CaseOutcome,
  type RunOutcomes,
} from '../../src/stats/index.js';
// The bars' figures come from stats/ (evaluateBars); barResults adds the sentences (report/bar-text.ts).
import { barResults } from '../../src/report/index.js';

function scored(score: number, extra: Partial<CaseOutcome> = {}): CaseOutcome {
  return { results: 1, passed: 1, errored: 0, score, metrics: {}, checks: {}, ...extra };
}

function runOf(vectors: Record<string, CaseOutcome[]>, repeat = 1): RunOutcomes {
  const n = Object.values(vectors)[0].length;
  return {
    repeat,
    cases: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tags: [], cluster: null })),
    variants: Object.entries(vectors).map(([id, outcomes]) => ({ id, outcomes })),
  };
}

describe('hasNoSpread: one relative tolerance for rounding noise', () => {
  it('treats last-digit differences as no spread and real differences as spread', () => {
    expect(hasNoSpread([0.9, 0.9, 0.9])).toBe(true);
    expect(hasNoSpread([0.09999999999999998, 0.10000000000000003])).toBe(true);
    expect(hasNoSpread([0.1, 0.1000001])).toBe(false);
    expect(hasNoSpread([1e6, 1e6 + 1e-6])).toBe(true); // 1e-12 relative
    expect(hasNoSpread([1e-9, 2e-9])).toBe(false); // small numbers can still differ
    // Differences of values of magnitude 1: judged against that magnitude, so 0.1 + 0.2 − 0.3 counts as 0.
    expect(hasNoSpread([0.1 + 0.2 - 0.3, 0, 0])).toBe(false);
    expect(hasNoSpread([0.1 + 0.2 - 0.3, 0, 0], 1)).toBe(true);
    expect(hasNoSpread([5])).toBe(true);
  });
});

describe('identical values through floating-point noise', () => {
  it('7 cases all scoring 0.9 do not prove "score ≥ 0.8": inconclusive, exact bound 0.9·0.05^(1/7) ≈ 0.587', () => {
    // The mean of seven 0.9s is 0.9000000000000001 and the variance 1.4e-32: a t bound would be 0.9.
    const [bar] = barResults(runOf({ v: Array.from({ length: 7 }, () => scored(0.9)) }), [{ metric: 'score', min: 0.8 }]);
    expect(bar.verdict).toBe('inconclusive');
    // No spread: a new case differs with probability ≤ u = 1 − 0.05^(1/7), by at most 0.9, so 0.9 − 0.9u.
    expect(bar.bound!.low).toBeCloseTo(0.9 * 0.05 ** (1 / 7), 12);
    expect(bar.bound!.low).toBeCloseTo(0.587, 3);
    expect(bar.bound!.method).toBe('exact-no-spread-one-sided');
  });

  it('repeat 3 with every case passing 2 of 3 does not prove "pass rate ≥ 0.6" on 10 cases', () => {
    const cases = Array.from({ length: 10 }, () => ({ results: 3, passed: 2, errored: 0, score: 2 / 3, metrics: {}, checks: {} }));
    const [bar] = barResults(runOf({ v: cases }, 3), [{ metric: 'pass_rate', min: 0.6 }]);
    expect(bar.verdict).toBe('inconclusive');
    expect(bar.bound!.low).toBeCloseTo((2 / 3) * 0.05 ** (1 / 10), 12);
    // u ≤ 1 − 0.6/(2/3) = 0.1 needs n ≥ ln 0.05 / ln 0.9 = 28.4 cases that pass 2 of 3 again.
    expect(bar.casesNeeded).toBe(29);
  });

  it('a compare bar with B = A + 0.1 on 4 cases is not met from rounding noise', () => {
    const a = [0.6, 0.3, 0.7, 0.2];
    const outcomes = runOf({ A: a.map((s) => scored(s)), B: a.map((s) => scored(s + 0.1)) });
    const [bar] = barResults(outcomes, [{ compare: 'baseline', max_drop: 0.05, metric: 'score' }], { baseline: 'A' });
    expect(bar.verdict).toBe('inconclusive');
    // Exact no-spread bound on differences in [−1, 1]: c − (c + 1)·u with u = 1 − 0.05^(1/4).
    expect(bar.bound!.low).toBeCloseTo(0.1 - 1.1 * (1 - 0.05 ** 0.25), 12);
  });

  it('a paired comparison of 3 cases with B = A + 0.1 has no t-test p-value and no zero-width interval', () => {
    const a = [0.2, 0.5, 0.8];
    const b = a.map((x) => x + 0.1);
    const pd = pairedDifference(a, b)!;
    expect(pd.se).toBe(0);
    expect(pd.pValue).toBeUndefined();
    const analysis = analyzeRun(runOf({ A: a.map((s) => scored(s)), B: b.map((s) => scored(s)) }));
    const score = analysis.comparisons[0].score!;
    expect(score.pValue).toBeNull();
    // 3 cases, no spread: the two-sided exact bound 0.1 ∓ (range)·u with u = 1 − 0.025^(1/3).
    expect(score.interval!.low).toBeCloseTo(0.1 - 1.1 * (1 - 0.025 ** (1 / 3)), 12);
    expect(score.interval!.high).toBeCloseTo(0.1 + 0.9 * (1 - 0.025 ** (1 / 3)), 12);
  });

  it('meanBound of values within rounding of each other uses the no-spread bound', () => {
    const figure = meanBound([0.1 + 0.2, 0.3, 0.3], undefined, 0.95, 'lower')!;
    expect(figure.bound!.method).toBe('exact-no-spread-one-sided');
  });
});

describe('every search is bounded', () => {
  it('casesNeededForZeroFailureBar returns for rates below 1e-16 (Infinity: no suite can prove them)', () => {
    expect(casesNeededForZeroFailureBar(1e-17)).toBe(Infinity);
    expect(casesNeededForZeroFailureBar(1e-20, 0.99)).toBe(Infinity);
    expect(casesNeededForZeroFailureBar(1e-12)).toBe(Math.ceil(Math.log(0.05) / Math.log1p(-1e-12)));
  });

  it('1 to 8 cases all scoring 0.1 + 0.2 against "score ≥ 0.3": the bar is evaluated, no practical case count', () => {
    for (let n = 1; n <= 8; n++) {
      const [bar] = barResults(runOf({ v: Array.from({ length: n }, () => scored(0.1 + 0.2)) }), [{ metric: 'score', min: 0.3 }]);
      expect(bar.verdict, `n = ${n}`).toBe('inconclusive');
      expect(bar.casesNeeded).toBeNull();
      expect(bar.explanation).toContain('within rounding of the bar');
    }
  });

  it('a mean within rounding below its bar is inconclusive, not "not met"', () => {
    const values = [0.1 + 0.7, 0.1 + 0.7, 0.1 + 0.7]; // 0.7999999999999999 each: "0.8" as a judge would mean it
    const [bar] = barResults(runOf({ v: values.map((s) => scored(s)) }), [{ metric: 'score', min: 0.8 }]);
    expect(bar.verdict).toBe('inconclusive');
  });
});
