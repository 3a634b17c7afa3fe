// `evalspec diff`: what changed between two stored runs of a suite and whether it is real. The figures and the
// outputs of the flipped cases come from analysis/diff-figures.ts; this file adds the sentences of each change
// (describe-change.ts), what changed in the config, the summary and the warnings, and renders the result for the
// terminal (truncated) and JSON (full outputs); diff-markdown.ts renders Markdown.
import type { Store, RunRecord } from '../store/index.js';
import { stableStringify } from '../stable-json.js';
import { formatPValue, type CaseFlip, type CaseMatching, type RunDiff } from '../stats/index.js';
import {
  criticalFirst,
  criticalFlips,
  diffFigures,
  runRepeatReducer,
  type DiffFiguresOptions,
  type FlipWithOutputs,
  type OutputSample,
  type VariantDiffFigures,
  safetyDiffFigures,
  type SafetyComparison,
} from '../analysis/index.js';
import { describeVariantDiff, metricLabel, pointsText, type DescribedMetricChange, type DescribedSegmentChange } from './describe-change.js';
import { configChanges, type ConfigChanges } from './config-changes.js';
import { configChangesText } from './config-changes-render.js';
import { loadRun } from './run-report.js';
import { escapeTerminal } from './escape.js';
import { textTable } from './format.js';
import { withSink } from './file-sink.js';
import { renderSafetyDiffText } from './safety-render.js';

export interface DiffRunInfo {
  id: string;
  label: string | null;
  status: RunRecord['status'];
  suiteName: string;
  suiteHash: string;
  gitCommit: string | null;
  gitBranch: string | null;
  startedAt: string;
  repeat: number;
  /** The suite's repeat reducer (analysis/repeat-reduction.ts): it makes each case's pass value and flip verdict. */
  repeatReduce: string;
  variants: string[];
}

/** "⛔ critical: no-cash-promise" for a flip that newly fails a critical check, else "". */
export function criticalFlag(flip: Pick<CaseFlip, 'newCriticalFailures'>): string {
  return flip.newCriticalFailures.length ? `⛔ critical: ${flip.newCriticalFailures.join(', ')}` : '';
}

export interface VariantDiffReport extends Omit<VariantDiffFigures, 'metrics' | 'segments'> {
  /** With their sentences (describe-change.ts). */
  metrics: DescribedMetricChange[];
  segments: DescribedSegmentChange[];
}

export interface DiffReport {
  formatVersion: 1;
  kind: 'diff';
  before: DiffRunInfo;
  after: DiffRunInfo;
  level: number;
  cases: CaseMatching;
  variants: RunDiff['variants'];
  /** What changed in the configuration (models, prompts, params, checks, bars), from the stored runs. */
  config: ConfigChanges;
  perVariant: VariantDiffReport[];
  /**
   * Counts over every compared variant: significant changes (Holm; metrics and segments), flips, and flipped
   * cases that newly fail a critical check.
   */
  summary: {
    significant: number;
    better: number;
    worse: number;
    fixed: number;
    broken: number;
    stillFailing: number;
    becameFlaky: number;
    newCriticalFailures: number;
  };
  warnings: string[];
  /**
   * Red-team attacks of both runs (tagged `redteam`, matched by case id), per variant: did the attack success rate
   * change (analysis/safety-figures.ts; rendered by safety-render.ts). Absent when neither run has such cases.
   */
  safety?: { comparisons: SafetyComparison[]; pairedByPosition: boolean };
}

/** How to compare two runs (diffFigures' options: level, segments, metrics, whether to fetch outputs). */
export type DiffReportOptions = DiffFiguresOptions;

function runInfo(run: RunRecord): DiffRunInfo {
  return {
    id: run.id,
    label: run.label,
    status: run.status,
    suiteName: run.suiteName,
    suiteHash: run.suiteHash,
    gitCommit: run.gitCommit,
    gitBranch: run.gitBranch,
    startedAt: run.startedAt,
    repeat: run.repeat,
    repeatReduce: runRepeatReducer(run).name,
    variants: run.variants.map((v) => v.id),
  };
}

/** A stored run by id, or the newest run for "latest". */
export async function resolveRun(store: Store, ref: string): Promise<RunRecord> {
  return loadRun(store, ref);
}

function warningsFor(before: RunRecord, after: RunRecord, diff: RunDiff): string[] {
  const warnings: string[] = [];
  if (before.suiteName !== after.suiteName)
    warnings.push(`the runs are of different suites (${before.suiteName} and ${after.suiteName}): only cases with the same id and content are compared`);
  if (stableStringify(before.config.checks ?? null) !== stableStringify(after.config.checks ?? null)) {
    warnings.push(
      "the suite's default checks changed between the runs: the same metric may measure something different, and metrics present in one run only are not compared",
    );
  }
  const [reduceBefore, reduceAfter] = [runRepeatReducer(before).name, runRepeatReducer(after).name];
  if (before.repeat !== after.repeat)
    warnings.push(`the runs have different repeats (${before.repeat} and ${after.repeat}): per-case pass values are compared`);
  if (reduceBefore !== reduceAfter)
    warnings.push(`the runs reduce repeats differently (${reduceBefore} and ${reduceAfter}): each side's pass values and flips use its own reducer`);
  for (const run of [before, after]) {
    if (run.status !== 'completed') warnings.push(`run ${run.id} is ${run.status}: its missing results are left out of the comparison`);
  }
  const { changed, added, removed } = diff.cases;
  if (changed.length || added.length || removed.length) {
    warnings.push(
      `${changed.length} changed, ${added.length} added and ${removed.length} removed case${changed.length + added.length + removed.length === 1 ? '' : 's'} are not compared (cases are matched by id and content)`,
    );
  }
  if (diff.variants.compared.length === 0) {
    warnings.push(
      `no variant is in both runs (variants are matched by id: ${before.variants.map((v) => v.id).join(', ')} vs ${after.variants.map((v) => v.id).join(', ')}): nothing was compared`,
    );
  } else {
    if (diff.variants.onlyBefore.length) warnings.push(`only in ${before.id}: ${diff.variants.onlyBefore.join(', ')} (not compared)`);
    if (diff.variants.onlyAfter.length) warnings.push(`only in ${after.id}: ${diff.variants.onlyAfter.join(', ')} (not compared)`);
  }
  if (diff.cases.unchanged === 0 && diff.variants.compared.length > 0) warnings.push('no case is in both runs with the same content: nothing was compared');
  return warnings;
}

/** Compare two stored runs: `before` is the baseline, `after` the run under review. */
export async function buildDiffReport(
  store: Store,
  beforeRef: string | RunRecord,
  afterRef: string | RunRecord,
  options: DiffReportOptions = {},
): Promise<DiffReport> {
  const before = typeof beforeRef === 'string' ? await resolveRun(store, beforeRef) : beforeRef;
  const after = typeof afterRef === 'string' ? await resolveRun(store, afterRef) : afterRef;
  const figures = await diffFigures(store, before, after, options);
  const diff = figures.diff;
  const safety = safetyDiffFigures(figures.sides[0].outcomes, figures.sides[1].outcomes, diff.level);
  const perVariant: VariantDiffReport[] = figures.perVariant.map(describeVariantDiff);
  // Significant figures: every metric, and every segment large enough to say anything.
  const changes: DescribedMetricChange[] = perVariant.flatMap((v) => [...v.metrics, ...v.segments.filter((x) => !x.warning)]);
  return {
    formatVersion: 1,
    kind: 'diff',
    before: runInfo(before),
    after: runInfo(after),
    level: diff.level,
    cases: diff.cases,
    variants: diff.variants,
    config: configChanges(before, after),
    perVariant,
    summary: {
      significant: changes.filter((c) => c.significant).length,
      better: changes.filter((c) => c.direction === 'better').length,
      worse: changes.filter((c) => c.direction === 'worse').length,
      fixed: perVariant.reduce((n, v) => n + v.flips.fixed.length, 0),
      broken: perVariant.reduce((n, v) => n + v.flips.broken.length, 0),
      stillFailing: perVariant.reduce((n, v) => n + v.flips.stillFailing.length, 0),
      becameFlaky: perVariant.reduce((n, v) => n + (v.flaky?.became.length ?? 0), 0),
      newCriticalFailures: perVariant.reduce((n, v) => n + criticalFlips(v).length, 0),
    },
    warnings: warningsFor(before, after, diff),
    ...(safety.comparisons.length ? { safety } : {}),
  };
}

/** Significant changes for the worse (Holm), metrics and segments large enough to say anything, in words. */
export function significantRegressions(report: DiffReport): string[] {
  return report.perVariant.flatMap((v) => [
    ...v.metrics.filter((c) => c.direction === 'worse').map((c) => `${v.variant}: ${c.sentence}`),
    ...v.segments.filter((s) => s.direction === 'worse' && !s.warning).map((s) => `${v.variant}: ${s.sentence}`),
  ]);
}

export async function writeDiffJson(report: DiffReport, file: string): Promise<void> {
  await withSink(file, async (sink) => sink.write(`${JSON.stringify(report, null, 2)}\n`));
}

// ---- shared wording ----

/** "20240102-101500-ab12 (main, abc1234567)". */
export function runName(run: DiffRunInfo): string {
  const extra = [run.label, run.gitCommit?.slice(0, 10)].filter(Boolean);
  return `${run.id}${extra.length ? ` (${extra.join(', ')})` : ''}`;
}

function figure(metric: string, x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return metric === 'pass_rate' ? `${(x * 100).toFixed(1)}%` : x.toFixed(3);
}

function pText(p: number | null): string {
  if (p === null) return 'n/a';
  return formatPValue(p).replace(/^p = /, '').replace(/^p /, '');
}

function ciPoints(c: DescribedMetricChange): string {
  return c.interval ? `${pointsText(c.interval.low, true)} to ${pointsText(c.interval.high, true)}` : 'n/a';
}

function mark(c: DescribedMetricChange): string {
  return c.direction === 'better' ? '▲ better' : c.direction === 'worse' ? '▼ worse' : '';
}

/** The output that represents a side of a flip (`shown`), or its error, or "(no result)"; with repeats "#k". */
export function shownOutput(flip: FlipWithOutputs, side: 'before' | 'after'): { text: string; reason: string | null; repeat: string } {
  const samples: OutputSample[] = flip.outputs[side];
  const s = samples.find((x) => x.repeat === flip.shown?.[side]) ?? samples[0];
  if (!s) return { text: '(no result)', reason: null, repeat: '' };
  const repeat = samples.length > 1 ? `#${s.repeat + 1} ` : '';
  if (s.error !== null) return { text: `(error) ${s.error}`, reason: null, repeat };
  // A failed critical check is the reason worth showing first.
  const critical = s.failedChecks.find((r) => s.criticalFailed.some((m) => r.startsWith(`${m}: `)));
  return { text: s.output ?? '', reason: critical ?? s.failedChecks[0] ?? null, repeat };
}

/** "segment:customer" for the pass rate, "segment:customer · tone" for a check metric. */
export function segmentName(s: DescribedSegmentChange): string {
  return s.metric === 'pass_rate' ? s.tag : `${s.tag} · ${metricLabel(s.metric)}`;
}

/** "2/3 passed", with the reduced pass value the verdict comes from when the reducer is not the mean: "2/3 passed, pass^3 0.00". */
function passesText(side: CaseFlip['before'], reducer: string): string {
  if (side.results === 1) return side.errored ? 'error' : side.passed ? 'pass' : 'fail';
  return `${side.passed}/${side.results} passed${side.errored ? `, ${side.errored} errored` : ''}${reducer === 'mean' ? '' : `, ${reducer} ${side.passValue.toFixed(2)}`}`;
}

export const FLIP_WORD: Record<CaseFlip['kind'], string> = { fixed: 'fixed', broken: 'broken', 'still-failing': 'still failing' };

// ---- terminal ----

export interface DiffTextOptions {
  /** Flipped cases shown per kind and variant (default 5). */
  flips?: number;
  /** Characters of each output shown (default 100). */
  width?: number;
}

export function metricRows(changes: readonly DescribedMetricChange[], name: (c: DescribedMetricChange) => string): string[][] {
  return changes.map((c) => [
    name(c),
    String(c.n),
    figure(c.metric, c.before),
    figure(c.metric, c.after),
    pointsText(c.difference, true),
    ciPoints(c),
    pText(c.pValue),
    pText(c.pValueHolm),
    mark(c),
  ]);
}

const METRIC_HEADER = ['metric', 'cases', 'before', 'after', 'change (points)', '95% CI', 'p', 'Holm', ''];
const ALIGN = [false, true, true, true, true, true, true, true, false];

export function renderDiffText(report: DiffReport, options: DiffTextOptions = {}): string {
  const t = (s: string, max = 200) => escapeTerminal(s, max);
  const maxFlips = options.flips ?? 5;
  const width = options.width ?? 100;
  const lines: string[] = [];
  lines.push(`diff · ${t(report.after.suiteName)}`);
  lines.push(`  before: ${t(runName(report.before))} · ${report.before.startedAt.slice(0, 16).replace('T', ' ')} · ${report.before.status}`);
  lines.push(`  after:  ${t(runName(report.after))} · ${report.after.startedAt.slice(0, 16).replace('T', ' ')} · ${report.after.status}`);
  lines.push('', ...configChangesText(report.config));
  const { unchanged, changed, added, removed } = report.cases;
  lines.push('');
  lines.push(`cases: ${unchanged} compared (same id and content); ${changed.length} changed, ${added.length} added, ${removed.length} removed (not compared)`);
  const list = (ids: string[]) =>
    `${ids
      .slice(0, 10)
      .map((id) => t(id, 40))
      .join(', ')}${ids.length > 10 ? `, … ${ids.length - 10} more` : ''}`;
  if (changed.length) lines.push(`  changed: ${list(changed)}`);
  if (added.length) lines.push(`  added:   ${list(added)}`);
  if (removed.length) lines.push(`  removed: ${list(removed)}`);
  for (const v of report.perVariant) {
    lines.push('', `variant ${t(v.variant)} · ${v.n} cases paired (after − before):`);
    for (const c of v.metrics) lines.push(`  ${t(c.sentence, 400)}`);
    if (v.mcnemar) lines.push(`    McNemar exact: ${v.mcnemar.fixed} fixed, ${v.mcnemar.broken} broken, ${formatPValue(v.mcnemar.pValue)}`);
    lines.push(
      '',
      ...textTable(
        METRIC_HEADER,
        metricRows(v.metrics, (c) => metricLabel(c.metric)),
        ALIGN,
      )
        .split('\n')
        .map((l) => `  ${l}`),
    );
    if (v.segments.length) {
      const shown = v.segments.slice(0, 30);
      const families = new Set(v.segments.map((x) => x.metric)).size;
      const perFamily = v.segments.length / families;
      lines.push('', `  by segment (case tag; Holm across the ${perFamily} segment${perFamily === 1 ? '' : 's'} of each metric):`);
      const rows = metricRows(shown, (c) => t(segmentName(c as DescribedSegmentChange), 60)).map((r, k) => [
        ...r.slice(0, 8),
        shown[k].warning ? 'too few cases' : r[8],
      ]);
      lines.push(
        ...textTable(['segment', ...METRIC_HEADER.slice(1)], rows, ALIGN)
          .split('\n')
          .map((l) => `  ${l}`),
      );
      if (v.segments.length > shown.length) lines.push(`  … ${v.segments.length - shown.length} more segments in the JSON report`);
      const notable = v.segments.filter((x) => x.significant && !x.warning);
      if (notable.length) lines.push('', ...notable.map((x) => `  ${t(x.sentence, 400)}`));
    }
    const f = v.flips;
    const critical = criticalFlips(v).length;
    lines.push(
      '',
      `  flipped cases${report.after.repeatReduce === 'mean' ? '' : ` (by ${report.after.repeatReduce})`}: ${f.fixed.length} fixed, ${f.broken.length} broken, ${f.stillFailing.length} still failing${critical ? `; ⛔ ${critical} newly fail${critical === 1 ? 's' : ''} a critical check` : ''}`,
    );
    for (const group of [f.broken, f.fixed, f.stillFailing]) {
      for (const flip of criticalFirst([group], maxFlips)) {
        const b = shownOutput(flip, 'before');
        const a = shownOutput(flip, 'after');
        const tags = flip.tags.length ? ` [${t(flip.tags.join(', '), 60)}]` : '';
        const flag = criticalFlag(flip);
        lines.push(
          `    ${FLIP_WORD[flip.kind]} · ${t(flip.caseId, 60)}${tags}: ${passesText(flip.before, report.before.repeatReduce)} → ${passesText(flip.after, report.after.repeatReduce)}${flag ? `  ${t(flag, 120)}` : ''}`,
        );
        lines.push(`      before: ${b.repeat}${t(b.text, width)}${b.reason ? `  (${t(b.reason, 80)})` : ''}`);
        lines.push(`      after:  ${a.repeat}${t(a.text, width)}${a.reason ? `  (${t(a.reason, 80)})` : ''}`);
      }
      if (group.length > maxFlips) lines.push(`    … ${group.length - maxFlips} more ${FLIP_WORD[group[0].kind]} in the JSON report (--json FILE)`);
    }
    if (v.flaky && (v.flaky.became.length || v.flaky.stopped.length)) {
      const fl = (x: { caseId: string; before: { judged: number; passed: number }; after: { judged: number; passed: number } }) =>
        `${t(x.caseId, 40)} (${x.before.passed}/${x.before.judged} → ${x.after.passed}/${x.after.judged})`;
      if (v.flaky.became.length)
        lines.push(`  became flaky (repeats now disagree): ${v.flaky.became.slice(0, 10).map(fl).join(', ')}${v.flaky.became.length > 10 ? ', …' : ''}`);
      if (v.flaky.stopped.length)
        lines.push(`  no longer flaky: ${v.flaky.stopped.slice(0, 10).map(fl).join(', ')}${v.flaky.stopped.length > 10 ? ', …' : ''}`);
    }
  }
  lines.push(...renderSafetyDiffText(report));
  if (report.warnings.length) lines.push('', ...report.warnings.map((w) => `warning: ${t(w, 400)}`));
  return lines.join('\n');
}
