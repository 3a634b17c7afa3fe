// The viewer's per-variant figures of a run, computed from its in-memory index (run-index.ts) in one pass: the
// run report's pass rate and interval (stats passRateFigure, the suite's repeat reducer, clusters) and its paid
// and list cost (analysis/cost-figures.ts), so the first render shows what `evalspec run` printed.
import { costsByVariant, reducedPassValue, runRepeatReducer, StreamingTally } from '../analysis/index.js';
import { clusterKey, passRateFigure, quantileOfSorted, wilsonInterval, type Interval } from '../stats/index.js';
import type { RunIndex } from './run-index.js';
import type { VariantSummary } from './types.js';

/** Whether any case of the run has a cluster: every pass-rate interval is clustered then, as in the run report. */
export function hasClusteredCases(index: RunIndex): boolean {
  for (const c of index.cases.values()) if (c.cluster !== null) return true;
  return false;
}

/**
 * Per-case results → the run report's pass rate with its interval: Wilson over results with one repeat and
 * no clusters; otherwise stats passRateFigure over the per-case pass values of the suite's repeat reducer
 * (analysis/repeat-reduction.ts), clustered when the run's cases have clusters (with no spread between cases,
 * the exact no-spread interval, not a zero-width t interval).
 */
export function passRateOf(index: RunIndex, byCase: ReadonlyMap<string, { passed: number; total: number }>): { rate: number | null; ci: Interval | null } {
  if (byCase.size === 0) return { rate: null, ci: null };
  const entries = [...byCase];
  const clustered = hasClusteredCases(index);
  if (index.run.repeat === 1 && !clustered) {
    const passed = entries.reduce((s, [, e]) => s + e.passed, 0);
    const results = entries.reduce((s, [, e]) => s + e.total, 0);
    return { rate: passed / results, ci: wilsonInterval(passed, results) ?? null };
  }
  const reducer = runRepeatReducer(index.run);
  const values = entries.map(([, e]) => reducedPassValue(reducer, e.total, e.passed));
  const clusterIds = clustered ? entries.map(([id]) => clusterKey({ id, tags: [], cluster: index.cases.get(id)?.cluster ?? null })) : undefined;
  const figure = passRateFigure(values, clusterIds, index.run.repeat, 0.95, reducer.valueName);
  return { rate: figure?.passRate ?? null, ci: figure?.interval ?? null };
}

/**
 * The per-variant summary of the run report, computed from the index in one pass (the full report, with
 * comparisons, bars and segments, takes seconds on 50,000 results and is served separately). Same figures
 * and methods as buildRunReport's variants (a test checks they agree).
 */
export function summarize(index: RunIndex): VariantSummary[] {
  // Paid and list cost as every report computes them (analysis/cost-figures.ts): unknown is null, never 0.
  const costs = costsByVariant(index.run, index.results);
  return index.run.variants.map((v) => {
    let results = 0,
      passed = 0,
      failed = 0,
      errors = 0,
      cached = 0,
      scoreSum = 0,
      scored = 0,
      unpriced = 0;
    let inTok = 0,
      outTok = 0,
      tokensKnown = 0;
    const latencies: number[] = [];
    // Streamed calls (issue #20): folded as the run report folds them (analysis StreamingTally).
    const streamed = new StreamingTally();
    const byCase = new Map<string, { passed: number; total: number }>();
    for (const r of index.results) {
      if (r.variantId !== v.id) continue;
      results++;
      if (r.pass === true) passed++;
      if (r.pass === false) failed++;
      if (r.errorClass !== null) errors++;
      if (r.cached) cached++;
      if (r.score !== null) ((scoreSum += r.score), scored++);
      if (r.inputTokens !== null) ((inTok += r.inputTokens), (outTok += r.outputTokens ?? 0), tokensKnown++);
      if (r.errorClass === null && !r.cached && r.costUsd === null) unpriced++;
      if (r.errorClass === null && r.latencyMs !== null) latencies.push(r.latencyMs);
      if (r.errorClass === null && r.ttftMs !== null) streamed.add(r.ttftMs, r.latencyMs, r.outputTokens);
      const e = byCase.get(r.caseId) ?? { passed: 0, total: 0 };
      e.total++;
      if (r.pass === true) e.passed++;
      byCase.set(r.caseId, e);
    }
    latencies.sort((a, b) => a - b);
    const { rate: passRate, ci: passRateCi } = passRateOf(index, byCase);
    return {
      id: v.id,
      model: v.model,
      prompt: v.prompt,
      cases: byCase.size,
      passed,
      failed,
      errors,
      cached,
      passRate,
      passRateCi,
      meanScore: scored > 0 ? scoreSum / scored : null,
      tokens: { input: results && tokensKnown ? inTok : null, output: results && tokensKnown ? outTok : null },
      costUsd: costs.get(v.id)?.paidUsd ?? null,
      listCostUsd: costs.get(v.id)?.listUsd ?? null,
      unpriced,
      latencyMs: {
        p50: latencies.length ? quantileOfSorted(latencies, 0.5) : null,
        p95: latencies.length ? quantileOfSorted(latencies, 0.95) : null,
        method: 'linear interpolation between order statistics (numpy default)',
        ...streamed.figures(),
      },
    };
  });
}
