// `evalspec history SUITE`: each metric over the stored runs of a suite, oldest to newest, with its interval,
// the run's label and git commit, and whether each step is real: the change from the previous run is a paired
// difference over the cases both runs share unchanged (same id and content), marked when its interval
// excludes 0. Steps are not adjusted for multiplicity (one test per step); read a lone mark with care. Runs whose
// config (models, prompts, params, checks, bars) changed from the previous run listed are marked (✎) and named.
import type { Store, RunRecord } from '../store/index.js';
import { metricLabel, pointsText } from './describe-change.js';
import {
  caseValue,
  clusterKey,
  hasClusters,
  matchCases,
  meanFigure,
  metricChange,
  passRateFigure,
  formatPValue,
  type Interval,
  type RunOutcomes,
} from '../stats/index.js';
import { loadCaseOutcomes } from '../analysis/index.js';
import { configChanges } from './config-changes.js';
import { escapeTerminal } from './escape.js';
import { textTable } from './format.js';
import { withSink } from './file-sink.js';

export interface HistoryRun {
  id: string;
  label: string | null;
  status: RunRecord['status'];
  startedAt: string;
  gitCommit: string | null;
  gitBranch: string | null;
  suiteHash: string;
  repeat: number;
  /**
   * What changed in the config since the previous run listed (config-changes.ts summary lines): [] when
   * nothing, null for the oldest run listed (nothing to compare with).
   */
  configChanges: string[] | null;
}

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

export interface History {
  formatVersion: 1;
  kind: 'history';
  suite: string;
  level: number;
  /** Oldest first. */
  runs: HistoryRun[];
  series: HistorySeries[];
  notes: string[];
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
  const clustered = hasClusters(indices.map((i) => outcomes.cases[i]));
  const clusterIds = clustered ? indices.map((i) => clusterKey(outcomes.cases[i])) : undefined;
  if (metric === 'pass_rate') {
    const f = passRateFigure(values, clusterIds, outcomes.repeat, level);
    return f ? { cases: f.cases, value: f.passRate, interval: f.interval ?? null } : null;
  }
  const f = meanFigure(values, clusterIds, level, values.every((x) => x >= 0 && x <= 1) ? [0, 1] : undefined);
  return f ? { cases: f.n, value: f.mean, interval: f.interval ?? null } : null;
}

/** The history of a suite's metrics over its stored runs. */
export async function buildHistory(store: Store, suiteName: string, options: HistoryOptions = {}): Promise<History> {
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
    for (const { outcomes } of loaded) for (const v of outcomes.variants) for (const o of v.outcomes) if (o) for (const m of Object.keys(o.metrics)) seen.add(m);
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
  return {
    formatVersion: 1,
    kind: 'history',
    suite: suiteName,
    level,
    runs: runs.map((r, k) => ({
      id: r.id,
      label: r.label,
      status: r.status,
      startedAt: r.startedAt,
      gitCommit: r.gitCommit,
      gitBranch: r.gitBranch,
      suiteHash: r.suiteHash,
      repeat: r.repeat,
      configChanges: k === 0 ? null : configChanges(runs[k - 1], r).summary,
    })),
    series,
    notes,
  };
}

export async function writeHistoryJson(history: History, file: string): Promise<void> {
  await withSink(file, async (sink) => sink.write(`${JSON.stringify(history, null, 2)}\n`));
}

const SPARK = '▁▂▃▄▅▆▇█';

/** A one-line sparkline of the values (gaps as spaces). */
export function sparkline(values: readonly (number | null)[]): string {
  const known = values.filter((v): v is number => v !== null);
  if (!known.length) return '';
  const lo = Math.min(...known);
  const hi = Math.max(...known);
  return values.map((v) => (v === null ? ' ' : SPARK[hi === lo ? 3 : Math.round(((v - lo) / (hi - lo)) * (SPARK.length - 1))])).join('');
}

function valueText(metric: string, x: number | null): string {
  if (x === null) return 'n/a';
  return metric === 'pass_rate' ? `${(x * 100).toFixed(1)}%` : x.toFixed(3);
}

function intervalText(metric: string, i: Interval | null): string {
  if (!i) return 'n/a';
  return metric === 'pass_rate' ? `${(i.low * 100).toFixed(1)}–${(i.high * 100).toFixed(1)}` : `${i.low.toFixed(3)}–${i.high.toFixed(3)}`;
}

function stepText(step: HistoryStep | null): string {
  if (!step) return '';
  const ci = step.interval ? ` (${pointsText(step.interval.low, true)} to ${pointsText(step.interval.high, true)})` : '';
  const markText = step.direction === 'up' ? ' ▲' : step.direction === 'down' ? ' ▼' : '';
  const p = step.significant && step.pValue !== null ? ` ${formatPValue(step.pValue)}` : '';
  return `${pointsText(step.difference, true)}${ci}${markText}${p}`;
}

export function renderHistoryText(history: History): string {
  const t = (s: string, max = 60) => escapeTerminal(s, max);
  const lines: string[] = [];
  const n = history.runs.length;
  if (n === 0) return `no stored runs of suite ${t(history.suite)}: run it first (evalspec run SUITE), or check the name with evalspec runs`;
  lines.push(`${t(history.suite)}: ${n} run${n === 1 ? '' : 's'}, oldest first`);
  lines.push(
    `change vs previous: paired on the cases both runs share unchanged, in points with its ${Math.round(history.level * 100)}% CI; ▲/▼ marks a step whose interval excludes 0 (not adjusted across steps)`,
  );
  const changedRuns = history.runs.filter((r) => r.configChanges?.length);
  if (changedRuns.length) {
    lines.push('', `config changed (✎, vs the previous run listed) in ${changedRuns.length} run${changedRuns.length === 1 ? '' : 's'}:`);
    for (const r of changedRuns) lines.push(`  ${t(r.id, 40)}: ${t(r.configChanges!.join('; '), 400)}`);
  }
  const runById = new Map(history.runs.map((r) => [r.id, r]));
  for (const s of history.series) {
    const values = s.points.map((p) => p?.value ?? null);
    lines.push('', `${t(s.variant)} · ${metricLabel(s.metric)}   ${sparkline(values)}`);
    const rows = s.points.flatMap((p, k) => {
      if (!p) return [];
      const run = runById.get(history.runs[k].id)!;
      return [[
        t(run.id, 40),
        run.startedAt.slice(0, 16).replace('T', ' '),
        t(run.label ?? '', 20),
        run.gitCommit ? run.gitCommit.slice(0, 10) : '',
        run.status === 'completed' ? '' : run.status,
        run.configChanges?.length ? '✎' : '',
        String(p.cases),
        valueText(s.metric, p.value),
        intervalText(s.metric, p.interval),
        stepText(p.step),
      ]];
    });
    const header = ['run', 'started', 'label', 'commit', 'status', 'config', 'cases', metricLabel(s.metric), '95% CI', 'change vs previous (points)'];
    const table = textTable(header, rows, [false, false, false, false, false, false, true, true, true, false]);
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  if (history.notes.length) lines.push('', ...history.notes.map((x) => `note: ${t(x, 200)}`));
  return lines.join('\n');
}
