// stats/ decides quality bars in figures and structured reasons, without words: the sentences are written by
// report/bar-text.ts (and a comparison's sentence by report/describe-comparison.ts). Each "no data" path has its own cause, and a failure-rate bar carries the evidence its
// bound counted (errored cases as failures).
import { describe, expect, it } from 'vitest';
import { analyzeRun, diffRuns, evaluateBars, type CaseOutcome, type RunOutcomes } from '../../src/stats/index.js';
import { barResults, segmentWarningText } from '../../src/report/index.js';

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

// The "cases needed" notes and the segment warnings: stats/ returns a code with its numbers, report/ writes the
// sentence, which is the JSON report's text (formatVersion 1) as it was when stats/ wrote it.
describe('cases-needed notes and segment warnings: codes in stats/, words in report/', () => {
  const clean: CaseOutcome = pass(true, { checks: { critical: { leak: { judged: 1, failed: 0 } } } });
  const criticalRun = (outcomes: CaseOutcome[]): RunOutcomes => ({ ...runOf({ v: outcomes }), defaultChecks: [{ severity: 'critical', metric: 'leak' }] });

  it('0 failures: exact zero-failure figure at the bar level', () => {
    const run = criticalRun(Array.from({ length: 20 }, () => clean));
    const [figures] = evaluateBars(run, [{ severity: 'critical', max_rate: 0.05 }]);
    // 0.95^n ≤ 0.05 from n ≥ ln 0.05 / ln 0.95 = 58.4: 59 clean cases.
    expect([figures.casesNeeded, figures.casesNeededBasis]).toEqual([59, { kind: 'zero-failure', level: 0.95, units: 'cases', paired: false }]);
    const [bar] = barResults(run, [
      { severity: 'critical', max_rate: 0.05 },
      { severity: 'critical', max_rate: 0.05, level: 0.99 },
    ]);
    expect(bar.casesNeededNote).toBe('cases with no failure needed to prove it (exact: 0 failures in n gives 1 − 0.05^(1/n))');
    expect(barResults(run, [{ severity: 'critical', max_rate: 0.05, level: 0.99 }])[0].casesNeededNote).toMatch(/gives 1 − 0\.01\^\(1\/n\)\)$/);
  });

  it('errored cases counted as failures, and the note that says so', () => {
    const run = criticalRun([...Array.from({ length: 20 }, () => clean), errored, errored]);
    const [figures] = evaluateBars(run, [{ severity: 'critical', max_rate: 0.05 }]);
    expect(figures.casesNeededBasis).toEqual({ kind: 'errored-counted', errored: 2, units: 'cases', paired: false });
    expect(barResults(run, [{ severity: 'critical', max_rate: 0.05 }])[0].casesNeededNote).toBe(
      'cases needed with the 2 errored counted as failures and no further failure (exact); or rerun the errored cases',
    );
  });

  it('a max pass-rate bar with every case failing: exact, "if every one fails", in the note and the explanation', () => {
    const run = runOf({ v: Array.from({ length: 5 }, () => pass(false)) });
    const [figures] = evaluateBars(run, [{ metric: 'pass_rate', max: 0.2 }]);
    expect(figures.casesNeededBasis).toEqual({ kind: 'every-one', outcome: 'fails', units: 'cases', paired: false });
    const [bar] = barResults(run, [{ metric: 'pass_rate', max: 0.2 }]);
    expect(bar.casesNeededNote).toBe('cases needed if every one fails (exact)');
    expect(bar.explanation).toMatch(/ cases would prove it if every one fails\.$/);
  });

  it('segment warnings: which rule and its numbers in stats/, the sentence in report/', () => {
    const small = analyzeRun(runOf({ v: [pass(true), pass(false), pass(true)] }, [['x'], ['x'], ['x']])).segments[0].variants[0].warning!;
    expect(small).toEqual({ rule: 'few-cases', cases: 3, minCases: 10, paired: false });
    expect(segmentWarningText(small)).toBe('too small to say anything: 3 cases (rule: fewer than 10 cases)');
    expect(segmentWarningText({ rule: 'few-cases', cases: 1, minCases: 10, paired: true })).toBe(
      'too small to say anything: 1 paired case (rule: fewer than 10)',
    );
    expect(segmentWarningText({ rule: 'no-interval', paired: false })).toBe('too small to say anything: no confidence interval (rule: an interval is needed)');
    expect(segmentWarningText({ rule: 'no-interval', paired: true })).toBe('too small to say anything: no confidence interval');
    expect(segmentWarningText({ rule: 'wide-interval', halfWidth: 0.1778, maxHalfWidth: 0.15 })).toBe(
      'too small to say anything: ±17.8 points (rule: interval half-width above 15 points)',
    );
    // 20 cases, 10 pass: the 95% Wilson interval 0.299–0.701 (by hand: centre (10 + 1.92)/23.84 = 0.5, half-width
    // 1.96·√(5 + 0.96)/23.84 = 0.2007) is ±20.1 points, above the 15-point rule.
    const half = analyzeRun(
      runOf(
        { v: Array.from({ length: 20 }, (_, i) => pass(i % 2 === 0)) },
        Array.from({ length: 20 }, () => ['y']),
      ),
    ).segments[0].variants[0].warning!;
    expect(half).toMatchObject({ rule: 'wide-interval', maxHalfWidth: 0.15 });
    expect(half.rule === 'wide-interval' && half.halfWidth).toBeCloseTo(0.2007, 3);
  });

  it('the diff flags a segment with too few paired cases as data', () => {
    const side = (passes: boolean[]) => ({
      outcomes: runOf(
        { v: passes.map((p) => pass(p)) },
        passes.map(() => ['z']),
      ),
      hashes: new Map(passes.map((_, i) => [`c${i}`, 'h'])),
    });
    const diff = diffRuns(side([true, false, true]), side([true, true, true]));
    expect(diff.perVariant[0].segments[0].warning).toEqual({ rule: 'few-cases', cases: 3, minCases: 10, paired: true });
  });
});
