// stats/ decides quality bars in figures and structured reasons, without words: the sentences are written by
// report/bar-text.ts (and a comparison's sentence by report/describe-comparison.ts). Each "no data" path has its own cause, and a failure-rate bar carries the evidence its
// bound counted (errored cases as failures).
import { describe, expect, it } from 'vitest';
import { analyzeRun, evaluateBars, type CaseOutcome, type RunOutcomes } from '../../src/stats/index.js';

const pass = (passed: boolean, extra: Partial<CaseOutcome> = {}): CaseOutcome => ({
  results: 1,
  passed: passed ? 1 : 0,
  errored: 0,
  score: passed ? 1 : 0,
  metrics: {},
  checks: {},
  ...extra,
});
const errored: CaseOutcome = { results: 1, passed: 0, errored: 1, score: null, metrics: {}, checks: {} };

function runOf(vectors: Record<string, CaseOutcome[]>, tags: string[][] = []): RunOutcomes {
  const n = Object.values(vectors)[0].length;
  return {
    repeat: 1,
    cases: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tags: tags[i] ?? [], cluster: null })),
    variants: Object.entries(vectors).map(([id, outcomes]) => ({ id, outcomes })),
  };
}

describe('evaluateBars: figures and reasons, no sentences', () => {
  it('returns no text or explanation', () => {
    const figures = evaluateBars(runOf({ v: [pass(true), pass(false)] }), [{ min: 0.5 }, { compare: 'nowhere', max_drop: 0.1 }]);
    for (const f of figures) {
      expect(f).not.toHaveProperty('text');
      expect(f).not.toHaveProperty('explanation');
    }
  });

  it('names the cause of each bar that cannot be shown', () => {
    const run = runOf({ A: [pass(true), pass(true)], B: [pass(true), pass(false)] }, [['x'], ['x']]);
    const figures = evaluateBars(
      run,
      [
        { metric: 'tone', min: 0.5, variant: 'A' }, // no case has a tone
        { severity: 'critical', max_rate: 0.1, variant: 'A' }, // no critical check judged
        { compare: 'baseline', max_drop: 0.1, metric: 'tone' }, // no paired tone values
        { compare: 'Z', max_drop: 0.1 }, // Z is not in the run
        { min: 0.5, variant: 'Q' }, // Q is not in the run
        { min: 0.5, segment: 'nowhere' }, // no case tagged nowhere (one result per variant: A and B)
      ],
      { baseline: 'A' },
    );
    expect(figures.map((f) => [f.index, f.verdict, f.reason])).toEqual([
      [0, 'not_met', { kind: 'no-data', cause: 'no-values' }],
      [1, 'not_met', { kind: 'no-data', cause: 'no-judged-check' }],
      [2, 'not_met', { kind: 'no-data', cause: 'no-paired-values' }],
      [3, 'not_met', { kind: 'no-data', cause: 'compare-missing' }],
      [4, 'not_met', { kind: 'no-data', cause: 'variant-missing' }],
      [5, 'not_met', { kind: 'no-data', cause: 'segment-empty' }],
      [5, 'not_met', { kind: 'no-data', cause: 'segment-empty' }],
    ]);
  });

  it('a metric bar met on its figures with an errored case in scope is downgraded', () => {
    // Eight tones well above 0.5 (the bound clears it), one more case errored.
    const tones = [0.9, 0.8, 0.95, 0.85, 0.9, 0.92, 0.88, 0.91].map((t) => pass(true, { metrics: { tone: t } }));
    const [bar] = evaluateBars(runOf({ v: [...tones, errored] }), [{ metric: 'tone', min: 0.5 }]);
    expect(bar.verdict).toBe('inconclusive');
    expect(bar.reason).toEqual({ kind: 'evaluated', downgraded: true });
  });

  it('a failure-rate bar carries what its bound counted: 198 clean + 2 errored of 200', () => {
    const clean: CaseOutcome = pass(true, { checks: { critical: { leak: { judged: 1, failed: 0 } } } });
    const run: RunOutcomes = {
      ...runOf({ v: [...Array.from({ length: 198 }, () => clean), errored, errored] }),
      defaultChecks: [{ severity: 'critical', metric: 'leak' }],
    };
    const [bar] = evaluateBars(run, [{ severity: 'critical', max_rate: 0.03 }]);
    expect([bar.n, bar.failures, bar.errored]).toEqual([198, 0, 2]);
    // Clean cases proving ≤ 3% at 95%: smallest n with 0.97^n ≤ 0.05, n ≥ ln 0.05 / ln 0.97 = 98.35, so 99.
    expect(bar.reason).toEqual({ kind: 'failure-rate', cases: 200, failures: 2, cleanCasesNeeded: 99 });
  });
});

describe('analyzeRun: comparisons without sentences', () => {
  it('gives the figures of B against A, and no sentence', () => {
    // A passes 2 of 4, B all 4: B − A = +0.5.
    const run = runOf({ A: [pass(true), pass(true), pass(false), pass(false)], B: [pass(true), pass(true), pass(true), pass(true)] });
    const [comparison] = analyzeRun(run).comparisons;
    expect([comparison.baseline, comparison.variant]).toEqual(['A', 'B']);
    expect(comparison.difference).toBeCloseTo(0.5, 12);
    expect(comparison).not.toHaveProperty('sentence');
  });
});
