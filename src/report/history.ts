// `evalspec history SUITE`: each metric over the stored runs of a suite, oldest to newest, with its interval,
// the run's label and git commit, and whether each step is real: the change from the previous run is a paired
// difference over the cases both runs share unchanged (same id and content), marked when its interval
// excludes 0. Steps are not adjusted for multiplicity (one test per step); read a lone mark with care. Runs whose
// config (models, prompts, params, checks, bars) changed from the previous run listed are marked (✎) and named.
import type { Store, RunRecord } from '../store/index.js';
import { formatPValue, type Interval } from '../stats/index.js';
import { historyFigures, type HistoryOptions, type HistorySeries, type HistoryStep } from '../analysis/index.js';
import { metricLabel, pointsText } from './describe-change.js';
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

/** The history of a suite's metrics over its stored runs, with what changed in each run's config. */
export async function buildHistory(store: Store, suiteName: string, options: HistoryOptions = {}): Promise<History> {
  const { level, runs, series, notes } = await historyFigures(store, suiteName, options);
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
      return [
        [
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
        ],
      ];
    });
    const header = ['run', 'started', 'label', 'commit', 'status', 'config', 'cases', metricLabel(s.metric), '95% CI', 'change vs previous (points)'];
    const table = textTable(header, rows, [false, false, false, false, false, false, true, true, true, false]);
    lines.push(...table.split('\n').map((l) => `  ${l}`));
  }
  if (history.notes.length) lines.push('', ...history.notes.map((x) => `note: ${t(x, 200)}`));
  return lines.join('\n');
}
