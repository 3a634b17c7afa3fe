// "Cases needed" advice of failure-rate bars: errored cases count as failures in the bound, so the advice
// must count them too (or say to rerun them); and a normal-approximation figure is an 80%-power figure, which
// the sentence says, next to the figure if the observed rate held exactly. Reference values from scipy
// (scipy.stats.beta.ppf / norm.ppf), quoted in the comments.
import { describe, expect, it } from 'vitest';
import type { CaseOutcome, RunOutcomes } from '../../src/stats/index.js';
// The bars' figures come from stats/ (evaluateBars); barResults adds the sentences checked here (report/bar-text.ts).
import { barResults } from '../../src/report/index.js';

const judged = (failed: boolean): CaseOutcome => ({
  results: 1,
  passed: failed ? 0 : 1,
  errored: 0,
  score: failed ? 0 : 1,
  metrics: {},
  checks: { critical: { 'no-leak': { judged: 1, failed: failed ? 1 : 0 } } },
});
const errored: CaseOutcome = { results: 1, passed: 0, errored: 1, score: null, metrics: {}, checks: {} };

function runOf(outcomes: CaseOutcome[]): RunOutcomes {
  return {
    repeat: 1,
    cases: outcomes.map((_, i) => ({ id: `c${i}`, tags: [], cluster: null })),
    variants: [{ id: 'v', outcomes }],
    defaultChecks: [{ severity: 'critical', metric: 'no-leak' }],
  };
}

describe('failure-rate bars: cases needed', () => {
  it('2 errored of 200 with max_rate 3%: about 208 clean cases (not "0 failures in 99"), or rerun the errored ones', () => {
    const outcomes = [...Array.from({ length: 198 }, () => judged(false)), errored, errored];
    const [bar] = barResults(runOf(outcomes), [{ severity: 'critical', max_rate: 0.03 }]);
    // Clopper–Pearson upper bound of 2 of 200 at 95%: beta.ppf(0.95, 3, 198) = 0.03114 > 3%.
    expect(bar.verdict).toBe('inconclusive');
    expect(bar.bound!.high).toBeCloseTo(0.031142599414083726, 9);
    // Smallest n with beta.ppf(0.95, 3, n − 2) ≤ 0.03 is 208 (0.029957; at 207: 0.030100).
    expect(bar.casesNeeded).toBe(208);
    expect(bar.explanation).toContain(
      'With the 2 errored cases counted as failures, about 208 cases with no further failure would prove ≤ 3% (this run has 200).',
    );
    // With the errored cases rerun and clean, 0 failures in 99 cases prove ≤ 3% (ln 0.05 / ln 0.97 = 98.4): this run has enough.
    expect(bar.explanation).toContain('Or rerun the errored cases (evalspec run --resume): if they pass, these 200 cases prove it.');
    expect(bar.explanation).not.toContain('0 failures in 99');
  });

  it('with failures observed: an 80%-power figure that says so, and the figure if the observed rate holds exactly', () => {
    const outcomes = Array.from({ length: 300 }, (_, i) => judged(i < 5)); // 5 of 300 = 1.67%
    const [bar] = barResults(runOf(outcomes), [{ severity: 'critical', max_rate: 0.03 }]);
    // beta.ppf(0.95, 6, 295) = 0.03472 > 3%: not proven.
    expect(bar.verdict).toBe('inconclusive');
    // One-sample normal formula at one-sided 5%, 80% power: ((1.6449·√(.03·.97) + 0.8416·√(r(1−r)))/(.03 − r))² → 849.
    expect(bar.casesNeeded).toBe(849);
    // Smallest n with beta.ppf(0.95, n/60 + 1, n − n/60) ≤ 0.03 (the rate 1/60 held exactly): 473.
    expect(bar.casesNeededIfObservedHolds).toBe(473);
    expect(bar.explanation).toContain(
      'About 849 cases would give an 80% chance of proving it if the true critical failure rate is the observed one; 473 cases if the observed critical failure rate holds exactly.',
    );
  });
});
