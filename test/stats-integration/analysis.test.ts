// The pure run-level analysis (stats/outcomes, run-analysis, gates, suite-power) on hand-built per-case
// outcomes, and the loader that builds them from a store (analysis/case-outcomes) on an in-memory SQLite store.
import { describe, expect, it } from 'vitest';
import {
  mapCases,
  analyzeRun,
  caseFailure,
  clusteredMeanEstimate,
  meanBound,
  meanFigure,
  planPower,
  summarizeBars,
  type CaseOutcome,
  type RunOutcomes,
} from '../../src/stats/index.js';
import { openStore, type ResultRow, type StoredCheck } from '../../src/store/index.js';
import { barResults, buildRunReport } from '../../src/report/index.js';
import { loadCaseOutcomes } from '../../src/analysis/index.js';
import { holm, mean, sd } from './scenario.js';

function outcome(passed: number, results = 1, extra: Partial<CaseOutcome> = {}): CaseOutcome {
  return { results, passed, errored: 0, score: results ? passed / results : null, metrics: {}, checks: {}, ...extra };
}

function run(
  vectors: Record<string, (CaseOutcome | undefined)[]>,
  options: { repeat?: number; tags?: (i: number) => string[]; cluster?: (i: number) => string | null } = {},
): RunOutcomes {
  const n = Object.values(vectors)[0].length;
  return {
    repeat: options.repeat ?? 1,
    cases: Array.from({ length: n }, (_, i) => ({ id: `c${i}`, tags: options.tags?.(i) ?? [], cluster: options.cluster?.(i) ?? null })),
    variants: Object.entries(vectors).map(([id, outcomes]) => ({ id, outcomes })),
  };
}

const binary = (f: (i: number) => boolean, n: number) => Array.from({ length: n }, (_, i) => outcome(f(i) ? 1 : 0));

describe('bounds with no observed spread', () => {
  it('20 cases all at 1: the exact Clopper–Pearson lower bound 0.05^(1/20), not a zero-width t bound', () => {
    const figure = meanBound(new Array(20).fill(1), undefined, 0.95, 'lower')!;
    expect(figure.bound!.method).toBe('clopper-pearson-one-sided');
    expect(figure.bound!.low).toBeCloseTo(0.05 ** (1 / 20), 12);
  });

  it('all values equal inside the range: v − v·u with u the zero-failure bound; clusters are the units', () => {
    const u = 1 - 0.05 ** (1 / 12);
    const figure = meanBound(new Array(12).fill(0.5), undefined, 0.95, 'lower')!;
    expect(figure.bound!.method).toBe('exact-no-spread-one-sided');
    expect(figure.bound!.low).toBeCloseTo(0.5 - 0.5 * u, 12);
    const clustered = meanBound(
      new Array(12).fill(1),
      Array.from({ length: 12 }, (_, i) => `g${i % 3}`),
      0.95,
      'lower',
    )!;
    expect(clustered.bound!.low).toBeCloseTo(0.05 ** (1 / 3), 12);
    // Outside a known range there is nothing honest to say.
    expect(meanBound([4, 4, 4], undefined, 0.95, 'lower', undefined)!.bound).toBeUndefined();
  });

  it('with spread, the two-sided figure is stats.clusteredMeanEstimate', () => {
    const values = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1];
    const ids = values.map((_, i) => `g${i % 4}`);
    const figure = meanFigure(values, ids, 0.95)!;
    const reference = clusteredMeanEstimate(values, ids)!;
    expect(figure.se).toBe(reference.se);
    expect(figure.interval!.low).toBeCloseTo(Math.max(0, reference.interval!.low), 14);
  });
});

describe('caseFailure filters checks by severity and metric', () => {
  const o = outcome(0, 2, { checks: { critical: { leak: { judged: 2, failed: 1 } }, normal: { tone: { judged: 2, failed: 0 } } } });
  it.each([
    [{ severity: 'critical' as const }, 'failed'],
    [{ metric: 'leak' }, 'failed'],
    [{ metric: 'tone' }, 'clean'],
    [{ severity: 'normal' as const, metric: 'leak' }, undefined],
  ])('%j → %s', (filter, expected) => expect(caseFailure(o, filter)).toBe(expected));
});

describe('analyzeRun', () => {
  const n = 30;
  const outcomes = run({
    base: binary((i) => i % 3 !== 0, n),
    x: binary((i) => i % 3 !== 0 || i < 9, n),
    y: binary((i) => i % 3 !== 0 && i !== 1, n),
  });

  it('baseline named by label; Holm over the comparisons', () => {
    const analysis = analyzeRun(outcomes, { baseline: 'Base model', labels: { base: 'Base model', x: 'x', y: 'y' } });
    expect(analysis.baseline).toEqual({ id: 'base', source: 'suite', note: null });
    const raw = analysis.comparisons.map((c) => c.pValue!);
    const adjusted = holm(raw);
    analysis.comparisons.forEach((c, k) => expect(c.pValueHolm).toBeCloseTo(adjusted[k], 14));
  });

  it('an unknown baseline falls back to the first variant with a note', () => {
    const analysis = analyzeRun(outcomes, { baseline: 'nope' });
    expect(analysis.baseline!.id).toBe('base');
    expect(analysis.baseline!.note).toContain('"nope" is not in this run');
  });

  it('consistency counts judged repeats only, and lists flaky cases', () => {
    const r = run(
      {
        v: [outcome(2, 3), outcome(3, 3), outcome(0, 3), outcome(2, 3, { errored: 1 }), outcome(1, 3, { errored: 2 })],
      },
      { repeat: 3 },
    );
    const [v] = analyzeRun(r).variants;
    // Case 3: 2 passed of 2 judged (1 errored) → consistent; case 4: 1 judged → not eligible.
    expect(v.consistency).toMatchObject({ cases: 4, disagreeing: 1, flakyCases: ['c0'] });
  });

  it('segments: every tag, with the fewer-than-10 rule', () => {
    const tagged = { ...outcomes, cases: mapCases(outcomes.cases, (c, i) => ({ ...c, tags: i < 5 ? ['lang:es'] : ['lang:en'] })) };
    const analysis = analyzeRun(tagged);
    expect(analysis.segments.map((s) => [s.tag, s.cases])).toEqual([
      ['lang:en', 25],
      ['lang:es', 5],
    ]);
    expect(analysis.segments[1].variants[0].warning).toEqual({ rule: 'few-cases', cases: 5, minCases: 10, paired: false });
  });
});

describe('evaluateBars', () => {
  it('a metric bar that would be met is inconclusive when cases in scope errored', () => {
    const values = [0.9, 0.8, 0.95, 0.85, 0.9, 0.92, 0.88, 0.91];
    const outcomes = run({ v: values.map((t, i) => outcome(1, 1, { metrics: { tone: t }, errored: 0, ...(i === 0 ? { results: 2, errored: 1 } : {}) })) });
    const [bar] = barResults(outcomes, [{ metric: 'tone', min: 0.5 }]);
    expect(bar.point).toBeCloseTo(mean(values), 12);
    expect(bar.bound!.low).toBeGreaterThan(0.5);
    expect(bar.verdict).toBe('inconclusive');
    expect(bar.errored).toBe(1);
    expect(bar.explanation).toContain('errored');
  });

  it('variant by label, compare with a named variant, a missing baseline, a missing segment', () => {
    const outcomes = run({ a: binary(() => true, 20), b: binary((i) => i !== 3, 20) }, { tags: () => ['x'] });
    const labels = { a: 'model-a', b: 'model-b' };
    const results = barResults(
      outcomes,
      [
        { metric: 'pass_rate', min: 0.5, variant: 'model-b' },
        { compare: 'model-b', max_drop: 0.5 },
        { compare: 'baseline', max_drop: 0.1 },
        { metric: 'pass_rate', min: 0.5, segment: 'nowhere' },
      ],
      { labels },
    );
    expect(results.map((r) => [r.index, r.variant, r.verdict])).toEqual([
      [0, 'b', 'met'],
      [1, 'a', 'met'],
      [2, '(all)', 'not_met'],
      [3, 'a', 'not_met'],
      [3, 'b', 'not_met'],
    ]);
    expect(results[1].baseline).toBe('b');
    expect(results[2].explanation).toContain('not in this run');
    expect(results[3].explanation).toContain('no case of this run is tagged nowhere');
    const d = Array.from({ length: 20 }, (_, i) => (i === 3 ? 1 : 0));
    expect(results[1].point).toBeCloseTo(mean(d), 14);
    // Pass/fail outcomes: the paired score bound (Tango 1998), where the one-sided statistic equals z.95. By
    // hand with b = 0 (baseline-only passes) and c = 1: p̃ = (1 − 39δ)/40 and z(δ) = (1 − 20δ)/√(20(2p̃ + δ − δ²)).
    expect(results[1].bound!.method).toBe('paired-score-one-sided');
    const delta = results[1].bound!.low;
    const pTilde = (1 - 39 * delta) / 40;
    expect((1 - 20 * delta) / Math.sqrt(20 * (2 * pTilde + delta - delta * delta))).toBeCloseTo(1.6448536269514722, 6);
  });

  it('summarizeBars: inconclusive fails unless allowed; not met always fails', () => {
    const outcomes = run({ v: binary((i) => i !== 0, 40) });
    const results = barResults(outcomes, [{ metric: 'pass_rate', min: 0.9 }]);
    expect(results[0].verdict).toBe('inconclusive');
    expect(summarizeBars(results)).toEqual({ met: 0, notMet: 0, inconclusive: 1, pass: false });
    expect(summarizeBars(results, true).pass).toBe(true);
    expect(summarizeBars([...results, ...barResults(outcomes, [{ metric: 'pass_rate', min: 0.99 }])], true).pass).toBe(false);
  });
});

describe('planPower', () => {
  it('without data: worst case 0.25 and correlation 0.5, and the failure-rate bars', () => {
    const plan = planPower({ detect: 0.1, suiteCases: 100, repeat: 1, bars: [{ severity: 'critical', max_rate: 0.02 }] });
    expect(plan.source).toBe('assumption');
    expect(plan.casesNeeded).toBe(197); // (1.96 + 0.8416)²·0.25/0.01 = 196.2
    expect(plan.bars[0].casesNeeded).toBe(149);
    expect(plan.assumptions[0]).toContain('worst-case binary variance 0.25');
  });

  it('one observed variant: its spread with an assumed correlation of 0.5', () => {
    const previous = run({ v: binary((i) => i % 2 === 0, 20) });
    const plan = planPower({ detect: 0.1, suiteCases: 20, repeat: 1, previous: { runId: 'r1', outcomes: previous } });
    const variance = sd(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? 1 : 0))) ** 2;
    expect(plan.pairs[0].varianceOfDifference).toBeCloseTo(variance, 12); // 2σ²(1 − 0.5)
    expect(plan.assumptions[0]).toContain('single variant');
  });
});

describe('loadCaseOutcomes and the report sections from a store', () => {
  const check = (metric: string, pass: boolean, score: number, severity: 'normal' | 'critical' = 'normal'): StoredCheck => ({
    type: 'javascript',
    metric,
    severity,
    weight: 1,
    pass,
    score,
    reason: '',
  });
  const row = (caseId: string, variantId: string, repeat: number, checks: StoredCheck[], error = false): ResultRow => ({
    runId: 'r1',
    caseId,
    variantId,
    repeat,
    output: error ? null : 'out',
    pass: error ? null : checks.every((c) => c.pass),
    score: error ? null : mean(checks.map((c) => c.score)),
    cached: false,
    latencyMs: 1,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    errorClass: error ? 'timeout' : null,
    errorMessage: error ? 'timed out' : null,
    attempts: 1,
    checks: error ? [] : checks,
    messages: null,
    finishedAt: new Date().toISOString(),
  });

  it('folds repeats per case: pass share, per-metric means, failures per severity, errors', async () => {
    const store = openStore(':memory:');
    try {
      await store.runs.create({
        id: 'r1',
        suiteName: 's',
        suiteHash: 'h',
        suiteFile: 's.yaml',
        label: null,
        status: 'completed',
        formatVersion: 1,
        config: {
          bars: [
            { metric: 'tone', min: 0.5 },
            { severity: 'critical', max_rate: 0.4 },
          ],
          baseline: 'v',
          checks: [{ type: 'contains', value: 'x', severity: 'critical', metric: 'leak' }],
        },
        variants: [{ id: 'v', label: 'v', model: 'replay:v', providerType: 'replay', modelId: 'v', prompt: 'default' }],
        repeat: 2,
        gitCommit: null,
        gitBranch: null,
        totalCalls: 4,
        startedAt: new Date().toISOString(),
        endedAt: null,
        warnings: [],
      });
      await store.cases.putMany('r1', [
        { caseId: 'a', contentHash: 'x', tags: ['t1'], vars: {}, cluster: 'doc1', description: null },
        { caseId: 'b', contentHash: 'y', tags: [], vars: {}, cluster: null, description: null },
      ]);
      await store.results.putMany([
        row('a', 'v', 0, [check('tone', true, 0.8), check('tone', true, 0.6), check('leak', true, 1, 'critical')]),
        row('a', 'v', 1, [check('tone', true, 0.4), check('leak', false, 0, 'critical')]),
        row('b', 'v', 0, [check('tone', true, 1), check('leak', true, 1, 'critical')]),
        row('b', 'v', 1, [], true),
      ]);
      const run = (await store.runs.get('r1'))!;
      const outcomes = await loadCaseOutcomes(store, run);
      expect(mapCases(outcomes.cases, (c) => c)).toEqual([
        { id: 'a', tags: ['t1'], cluster: 'doc1' },
        { id: 'b', tags: [], cluster: null },
      ]);
      expect(outcomes.defaultChecks).toEqual([{ severity: 'critical', metric: 'leak' }]);
      const [a, b] = outcomes.variants[0].outcomes;
      expect(a).toMatchObject({ results: 2, passed: 1, errored: 0 });
      expect(a!.metrics.tone).toBeCloseTo((0.7 + 0.4) / 2, 12); // per result first, then over repeats
      expect(a!.checks.critical!.leak).toEqual({ judged: 2, failed: 1 });
      expect(b).toMatchObject({ results: 2, passed: 1, errored: 1, score: 1 });

      const report = await buildRunReport(store, 'r1');
      expect(report.bars!.map((bar) => bar.verdict)).toEqual(['inconclusive', 'not_met']);
      expect(report.bars![1].failures).toBe(1);
      expect(report.variants[0].consistency).toMatchObject({ cases: 1, disagreeing: 1, flakyCases: ['a'] });
      // Both cases at 1 of 2: no spread between the 2 clusters, so the exact no-spread interval, not a zero-width one.
      expect(report.variants[0].passRateCi!.method).toBe('exact-no-spread over per-case pass shares (2 repeats), 2 clusters');
      const plain = await buildRunReport(store, 'r1', 0.95, { analysis: false });
      expect(plain.bars).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
