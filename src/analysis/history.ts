// The figures of `evalspec history SUITE`: each metric over the stored runs of a suite, oldest to newest, with its
// interval, and whether each step is real: the change from the previous run is a paired difference over the cases
// both runs share unchanged (same id and content), marked when its interval excludes 0. Steps are not adjusted for
// multiplicity (one test per step). report/history.ts adds what changed in each run's config and renders it.
import type { Store, RunRecord } from '../store/index.js';
import {
  caseAt,
  caseValue,
  clusterKey,
  hasClusters,
  matchCases,
  meanFigure,
  metricChange,
  passRateFigure,
  type Interval,
  type RunOutcomes,
} from '../stats/index.js';
import { loadCaseOutcomes } from './case-outcomes.js';

export interface HistoryStep {
  /** The previous run in which this variant has a value. */
  previousRunId: string;
  /** Cases both runs share unchanged, with a value in both. */
  n: number;
  difference: number;
  interval: Interval | null;
  pValue: number | null;
  /** The paired interval excludes 0 (unadjusted). */
  significant: boolean;
  direction: 'up' | 'down' | 'none';
}

export interface HistoryPoint {
  runId: string;
  /** Cases with a value. */
  cases: number;
  value: number | null;
  interval: Interval | null;
  step: HistoryStep | null;
}

export interface HistorySeries {
  variant: string;
  metric: string;
  /** Aligned with History.runs; null where the run has no such variant or metric. */
  points: (HistoryPoint | null)[];
}

export interface HistoryOptions {
  /** The newest this many runs (default 20). */
  limit?: number;
  /** Metrics besides pass_rate: score, check metric names, or "all" (every check metric seen). */
  metrics?: readonly string[];
  /** Only runs with this label. */
  label?: string;
  /** Include runs that did not complete (default: completed runs only). */
  includeIncomplete?: boolean;
  level?: number;
}

export interface HistoryFigures {
  level: number;
  /** The runs listed, oldest first. */
  runs: RunRecord[];
  series: HistorySeries[];
  notes: string[];
}

function figureOf(outcomes: RunOutcomes, variant: number, metric: string, level: number): Omit<HistoryPoint, 'runId' | 'step'> | null {
  const v = outcomes.variants[variant];
  const indices: number[] = [];
  const values: number[] = [];
  v.outcomes.forEach((o, i) => {
    const x = caseValue(o, metric);
    if (x === undefined) return;
    indices.push(i);
    values.push(x);
  });
  if (values.length === 0) return null;
  const clustered = hasClusters(indices.map((i) => caseAt(outcomes.cases, i)));
  const clusterIds = clustered ? indices.map((i) => clusterKey(caseAt(outcomes.cases, i))) : undefined;
  if (metric === 'pass_rate') {
    const f = passRateFigure(values, clusterIds, outcomes.repeat, level);
    return f ? { cases: f.cases, value: f.passRate, interval: f.interval ?? null } : null;
  }
  const f = meanFigure(values, clusterIds, level, values.every((x) => x >= 0 && x <= 1) ? [0, 1] : undefined);
  return f ? { cases: f.n, value: f.mean, interval: f.interval ?? null } : null;
}

/** The figures of a suite's history: its stored runs (oldest first) and each metric's series over them. */
export async function historyFigures(store: Store, suiteName: string, options: HistoryOptions = {}): Promise<HistoryFigures> {
  const level = options.level ?? 0.95;
  const limit = options.limit ?? 20;
  const records = await store.runs.list({
    suite: suiteName,
    label: options.label,
    status: options.includeIncomplete ? undefined : 'completed',
    limit,
  });
  const runs = [...records].reverse();
  const loaded = [] as { run: RunRecord; outcomes: RunOutcomes; hashes: Map<string, string> }[];
  for (const run of runs) {
    const outcomes = await loadCaseOutcomes(store, run);
    const hashes = new Map((await store.cases.list(run.id)).map((c) => [c.caseId, c.contentHash]));
    loaded.push({ run, outcomes, hashes });
  }
  const variants: string[] = [];
  for (const { run } of [...loaded].reverse()) for (const v of run.variants) if (!variants.includes(v.id)) variants.push(v.id);
  const wanted = options.metrics ?? [];
  let metrics = ['pass_rate', ...wanted.filter((m) => m !== 'pass_rate' && m !== 'all')];
  const notes: string[] = [];
  if (wanted.includes('all')) {
    const seen = new Set<string>();
    for (const { outcomes } of loaded)
      for (const v of outcomes.variants) for (const o of v.outcomes) if (o) for (const m of Object.keys(o.metrics)) seen.add(m);
    metrics = [...new Set([...metrics, 'score', ...[...seen].sort()])];
  }
  const series: HistorySeries[] = [];
  for (const metric of metrics) {
    for (const variant of variants) {
      const points: (HistoryPoint | null)[] = [];
      let previous: (typeof loaded)[number] | undefined;
      for (const entry of loaded) {
        const vi = entry.outcomes.variants.findIndex((v) => v.id === variant);
        const figure = vi >= 0 ? figureOf(entry.outcomes, vi, metric, level) : null;
        if (!figure) {
          points.push(null);
          continue;
        }
        let step: HistoryStep | null = null;
        if (previous) {
          const prevVariant = previous.outcomes.variants.find((v) => v.id === variant)!;
          const { pairs } = matchCases({ outcomes: previous.outcomes, hashes: previous.hashes }, { outcomes: entry.outcomes, hashes: entry.hashes });
          const c = metricChange(metric, prevVariant.outcomes, entry.outcomes.variants[vi].outcomes, pairs, entry.outcomes.cases, level);
          if (c.n > 0) {
            step = {
              previousRunId: previous.run.id,
              n: c.n,
              difference: c.difference,
              interval: c.interval,
              pValue: c.pValue,
              significant: c.detected,
              direction: c.detected ? (c.difference > 0 ? 'up' : 'down') : 'none',
            };
          }
        }
        points.push({ runId: entry.run.id, ...figure, step });
        previous = entry;
      }
      if (points.some((p) => p !== null)) series.push({ variant, metric, points });
      else if (metric !== 'pass_rate') notes.push(`${variant}: no run has the metric ${metric}`);
    }
  }
  return { level, runs, series, notes };
}
