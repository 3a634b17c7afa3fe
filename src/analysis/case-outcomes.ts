// Loads a stored run into the compact per-case structure the run-level statistics work on (stats
// RunOutcomes): one small record per case × variant, built by streaming slim results (no outputs, no
// messages), so memory grows with cases × variants, not with the text of 40,000 results.
import type { Store, RunRecord } from '../store/index.js';
import type { CaseInfo, CaseOutcome, RunOutcomes } from '../stats/index.js';
import type { RepeatReducer } from '../suite/index.js';
import { reducedPassValue, runRepeatReducer } from './repeat-reduction.js';

interface Accumulator {
  results: number;
  passed: number;
  errored: number;
  scoreSum: number;
  scored: number;
  metricSums: Map<string, { sum: number; n: number }>;
  checks: { normal: Map<string, { judged: number; failed: number }>; critical: Map<string, { judged: number; failed: number }> };
}

function newAccumulator(): Accumulator {
  return { results: 0, passed: 0, errored: 0, scoreSum: 0, scored: 0, metricSums: new Map(), checks: { normal: new Map(), critical: new Map() } };
}

function finish(a: Accumulator, reducer: RepeatReducer): CaseOutcome {
  const metrics: Record<string, number> = {};
  for (const [metric, { sum, n }] of a.metricSums) metrics[metric] = sum / n;
  const checks: CaseOutcome['checks'] = {};
  for (const severity of ['normal', 'critical'] as const) {
    if (a.checks[severity].size) checks[severity] = Object.fromEntries(a.checks[severity]);
  }
  const outcome: CaseOutcome = { results: a.results, passed: a.passed, errored: a.errored, score: a.scored ? a.scoreSum / a.scored : null, metrics, checks };
  // The suite's repeat reducer decides the case's pass value (the default, the pass share, needs no field).
  if (reducer.name !== 'mean') outcome.passValue = reducedPassValue(reducer, a.results, a.passed);
  return outcome;
}

/** The suite's default checks as stored with the run: metric defaults to the type, severity to normal. */
function defaultChecks(run: RunRecord): RunOutcomes['defaultChecks'] {
  const raw = Array.isArray(run.config.checks) ? (run.config.checks as unknown[]) : [];
  return raw.flatMap((c) => {
    if (!c || typeof c !== 'object') return [];
    const { type, metric, severity } = c as { type?: unknown; metric?: unknown; severity?: unknown };
    const name = typeof metric === 'string' ? metric : typeof type === 'string' ? type : undefined;
    if (name === undefined) return [];
    return [{ severity: severity === 'critical' ? ('critical' as const) : ('normal' as const), metric: name }];
  });
}

export async function loadCaseOutcomes(store: Store, run: RunRecord): Promise<RunOutcomes> {
  const cases: CaseInfo[] = (await store.cases.list(run.id)).map((c) => ({
    id: c.caseId,
    tags: c.tags,
    cluster: c.cluster === null ? null : String(c.cluster),
  }));
  const caseIndex = new Map(cases.map((c, i) => [c.id, i]));
  const variantIndex = new Map(run.variants.map((v, i) => [v.id, i]));
  const acc: Map<number, Accumulator>[] = run.variants.map(() => new Map());
  for await (const r of store.results.list(run.id, { slim: true })) {
    const v = variantIndex.get(r.variantId);
    if (v === undefined) continue;
    let c = caseIndex.get(r.caseId);
    if (c === undefined) {
      c = cases.length;
      cases.push({ id: r.caseId, tags: [], cluster: null });
      caseIndex.set(r.caseId, c);
    }
    let a = acc[v].get(c);
    if (!a) acc[v].set(c, (a = newAccumulator()));
    a.results++;
    if (r.errorClass) {
      a.errored++;
      continue;
    }
    if (r.pass === true) a.passed++;
    if (r.score !== null) {
      a.scoreSum += r.score;
      a.scored++;
    }
    // Per metric: the mean of the result's checks with that metric; per severity × metric: judged / failed.
    const perMetric = new Map<string, { sum: number; n: number }>();
    const seen = new Map<string, boolean>();
    for (const check of r.checks) {
      const m = perMetric.get(check.metric) ?? { sum: 0, n: 0 };
      m.sum += check.score;
      m.n++;
      perMetric.set(check.metric, m);
      const key = `${check.severity === 'critical' ? 'critical' : 'normal'}\u0000${check.metric}`;
      seen.set(key, (seen.get(key) ?? false) || !check.pass);
    }
    for (const [metric, { sum, n }] of perMetric) {
      const total = a.metricSums.get(metric) ?? { sum: 0, n: 0 };
      total.sum += sum / n;
      total.n++;
      a.metricSums.set(metric, total);
    }
    for (const [key, failed] of seen) {
      const [severity, metric] = key.split('\u0000') as ['normal' | 'critical', string];
      const counts = a.checks[severity].get(metric) ?? { judged: 0, failed: 0 };
      counts.judged++;
      if (failed) counts.failed++;
      a.checks[severity].set(metric, counts);
    }
  }
  const reducer = runRepeatReducer(run);
  return {
    repeat: run.repeat,
    passValueName: reducer.valueName,
    defaultChecks: defaultChecks(run),
    cases,
    variants: run.variants.map((variant, v) => ({
      id: variant.id,
      outcomes: cases.map((_, c) => {
        const a = acc[v].get(c);
        return a ? finish(a, reducer) : undefined;
      }),
    })),
  };
}
