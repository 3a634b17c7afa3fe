// The figures behind `evalspec doctor` (report/doctor.ts words them as findings): which cases every variant
// passes, none passes or all errored, the first failing check of each unpassed case, the check metrics that never
// failed, which judges agree poorly with humans, which segments are too small for their bars, and what the suite
// can detect (from the run's own paired comparisons, else from a diff with the previous run of the suite).
import type { Store, RunRecord } from '../store/index.js';
import {
  casesAtObservedRate,
  casesNeededForZeroFailureBar,
  pairedSampleSize,
  type BarDefinition,
  type BarFigures,
  type CaseOutcome,
  type Comparison,
  type RunOutcomes,
} from '../stats/index.js';
import { diffFigures } from './diff-figures.js';

/** The least sensitive pass-rate comparison with the newest earlier run that differs from this one. */
export interface PreviousRunDetectable {
  runId: string;
  variant: string;
  n: number;
  se: number;
  /** Its minimum detectable difference (80% power). */
  mdd: number;
}

function allPassed(o: CaseOutcome | undefined): boolean {
  return !!o && o.results > 0 && o.errored === 0 && o.passed === o.results;
}

/**
 * A failing check reason per case, from slim results: the first variant in the run's order that failed it (then
 * the first repeat), so the same run always gives the same reason whatever order the results were written in.
 */
export async function failureReasons(store: Store, run: RunRecord, caseIds: ReadonlySet<string>): Promise<Record<string, string>> {
  const reasons: Record<string, string> = {};
  if (caseIds.size === 0) return reasons;
  const rank = new Map(run.variants.map((v, i) => [v.id, i]));
  const best = new Map<string, { order: number; text: string }>();
  for await (const r of store.results.list(run.id, { slim: true })) {
    if (!caseIds.has(r.caseId) || r.errorClass) continue;
    const failed = r.checks.find((c) => !c.pass);
    if (!failed) continue;
    const order = (rank.get(r.variantId) ?? rank.size) * 1e6 + r.repeat;
    const held = best.get(r.caseId);
    if (!held || order < held.order) best.set(r.caseId, { order, text: `${r.variantId}: ${failed.metric} (${failed.type}): ${failed.reason}` });
  }
  for (const [caseId, { text }] of best) reasons[caseId] = text;
  return reasons;
}

/** Cases every variant passes (saturated), none passes, or that errored everywhere; saturatedShare is of the cases with results. */
export function caseGroups(outcomes: RunOutcomes): { saturated: string[]; unpassed: string[]; errored: string[]; withResults: number; saturatedShare: number } {
  const saturated: string[] = [];
  const unpassed: string[] = [];
  const errored: string[] = [];
  let withResults = 0;
  outcomes.cases.forEach((c, i) => {
    const per = outcomes.variants.map((v) => v.outcomes.at(i)).filter((o): o is CaseOutcome => !!o && o.results > 0);
    if (per.length === 0) return;
    withResults++;
    if (per.every((o) => o.errored === o.results)) errored.push(c.id);
    else if (per.length === outcomes.variants.length && per.every(allPassed)) saturated.push(c.id);
    else if (per.every((o) => o.passed === 0)) unpassed.push(c.id);
  });
  return { saturated, unpassed, errored, withResults, saturatedShare: saturated.length / Math.max(1, withResults) };
}

/** Check metrics (per severity) judged at least once and never failed, in the order first seen; graded when their scores vary. */
export function neverFailingChecks(outcomes: RunOutcomes): { severity: 'normal' | 'critical'; metric: string; judged: number; graded: boolean }[] {
  const totals = new Map<string, { severity: 'normal' | 'critical'; metric: string; judged: number; failed: number; scores: Set<number> }>();
  for (const v of outcomes.variants) {
    for (const o of v.outcomes) {
      if (!o) continue;
      for (const severity of ['normal', 'critical'] as const) {
        for (const [metric, counts] of Object.entries(o.checks[severity] ?? {})) {
          const key = `${severity}\u0000${metric}`;
          const t = totals.get(key) ?? { severity, metric, judged: 0, failed: 0, scores: new Set<number>() };
          t.judged += counts.judged;
          t.failed += counts.failed;
          if (o.metrics[metric] !== undefined) t.scores.add(Math.round(o.metrics[metric] * 1e6) / 1e6);
          totals.set(key, t);
        }
      }
    }
  }
  return [...totals.values()]
    .filter((t) => t.judged > 0 && t.failed === 0)
    .map((t) => ({ severity: t.severity, metric: t.metric, judged: t.judged, graded: t.scores.size > 1 }));
}

/** What a diff with the previous completed run of the suite can detect, for a run without paired comparisons. */
export async function previousRunDetectable(store: Store, run: RunRecord): Promise<PreviousRunDetectable | null> {
  const runs = await store.runs.list({ suite: run.suiteName, status: 'completed', limit: 20 });
  // The newest earlier run that differs from this one somewhere (identical outputs have no spread to measure).
  for (const previous of runs.filter((r) => r.id !== run.id && r.startedAt <= run.startedAt).slice(0, 10)) {
    const diff = await diffFigures(store, previous, run, { outputs: false });
    let best: PreviousRunDetectable | null = null;
    for (const v of diff.perVariant) {
      const c = v.metrics.find((m) => m.metric === 'pass_rate');
      if (!c || c.minimumDetectableDifference === null || c.se === null) continue;
      if (!best || c.minimumDetectableDifference > best.mdd)
        best = { runId: previous.id, variant: v.variant, n: c.n, se: c.se, mdd: c.minimumDetectableDifference };
    }
    if (best) return best;
  }
  return null;
}

/** Landis & Koch's "moderate" ends at 0.6: below it a judge does not stand in for a human. */
export const KAPPA_FLOOR = 0.6;

/** Below the floor, with a tolerance: a kappa of exactly 0.6 computes as 0.5999999999999999 for some tables. */
export function agreesPoorly(kappa: number | null): kappa is number {
  return kappa !== null && kappa < KAPPA_FLOOR - 1e-9;
}

/** What doctor reads of a segment bar's figures (a run report's bars carry them). */
export type SegmentBar = Pick<BarFigures, 'kind' | 'metric' | 'threshold' | 'level' | 'clusters' | 'n' | 'verdict' | 'casesNeeded'>;

/**
 * Whether a segment bar not met can be proven by its segment: 'unreachable' when even a segment that all passed
 * (was clean) could not clear it (casesIfPerfect: the cases that would, null when no practical number would);
 * 'too-small' when it is inconclusive and its cases-needed figure is above the segment's size; null otherwise.
 * Units are clusters when cases are clustered.
 */
export type SegmentReach =
  { kind: 'unreachable'; units: number; casesIfPerfect: number | null } | { kind: 'too-small'; units: number; casesNeeded: number } | null;

export function segmentReach(bar: SegmentBar): SegmentReach {
  // Cases that would prove the bar if every one passed (were clean): the bars' own bounds, from stats/ (a pass-rate
  // bar: one-sided Wilson at the observed rate 1; a failure-rate bar: exact zero-failure). Infinity: no practical number.
  let perfect: number | null = null;
  if (bar.kind === 'min' && (bar.metric === null || bar.metric === 'pass_rate'))
    perfect = casesAtObservedRate(1, bar.threshold, 'lower', 'wilson', bar.level) ?? Infinity;
  else if (bar.kind === 'max_rate') perfect = casesNeededForZeroFailureBar(bar.threshold, bar.level);
  else if (bar.kind === 'min' && bar.threshold < 1) perfect = casesNeededForZeroFailureBar(1 - bar.threshold, bar.level);
  const units = bar.clusters ?? bar.n;
  if (perfect !== null && units < perfect) return { kind: 'unreachable', units, casesIfPerfect: Number.isFinite(perfect) ? perfect : null };
  if (bar.verdict === 'inconclusive' && bar.casesNeeded !== null && bar.casesNeeded > units) return { kind: 'too-small', units, casesNeeded: bar.casesNeeded };
  return null;
}

export interface DetectOptions {
  /** Smallest difference worth detecting, for the "cases needed" figure (default: the largest compare bar's max_drop, else 0.05). */
  detect?: number;
  /** Minimum detectable difference above which the finding is a warning (default 0.10). */
  warnAbove?: number;
}

/**
 * What the suite can detect at 80% power and 5% significance: from the run's own paired comparisons (the least
 * sensitive one, and the range), else from the previous run's diff, else nothing to measure. casesNeeded: the
 * paired cases that detect `detect`, from the comparison's variance of the difference (SE² · n, so clustered
 * SEs give the effective variance); null when that variance is 0.
 */
export type DetectFigures = { detect: number; warnAbove: number } & (
  | { source: 'run'; mdd: number; best: number; n: number; variant: string; baseline: string; casesNeeded: number | null }
  | { source: 'previous'; mdd: number; n: number; variant: string; runId: string; casesNeeded: number }
  | { source: 'none' }
);

export function detectFigures(
  comparisons: readonly Pick<Comparison, 'minimumDetectableDifference' | 'se' | 'n' | 'variant' | 'baseline'>[],
  bars: readonly BarDefinition[],
  options: DetectOptions,
  previous: PreviousRunDetectable | null,
): DetectFigures {
  const usable = comparisons.filter((c) => c.minimumDetectableDifference !== null && c.se !== null && c.n > 0);
  const drops = bars.flatMap((b) => (b.compare !== undefined && b.max_drop !== undefined && b.max_drop > 0 ? [b.max_drop] : []));
  const detect = options.detect ?? (drops.length ? Math.max(...drops) : 0.05);
  const warnAbove = options.warnAbove ?? 0.1;
  if (usable.length === 0 && previous) {
    const casesNeeded = pairedSampleSize({ detect, varianceOfDifference: previous.se * previous.se * previous.n, alpha: 0.05 }).n;
    return { detect, warnAbove, source: 'previous', mdd: previous.mdd, n: previous.n, variant: previous.variant, runId: previous.runId, casesNeeded };
  }
  if (usable.length === 0) return { detect, warnAbove, source: 'none' };
  const worst = usable.reduce((a, b) => (b.minimumDetectableDifference! > a.minimumDetectableDifference! ? b : a));
  const best = usable.reduce((a, b) => (b.minimumDetectableDifference! < a.minimumDetectableDifference! ? b : a));
  const variance = worst.se! * worst.se! * worst.n;
  const casesNeeded = variance > 0 ? pairedSampleSize({ detect, varianceOfDifference: variance, alpha: 0.05 }).n : null;
  return {
    detect,
    warnAbove,
    source: 'run',
    mdd: worst.minimumDetectableDifference!,
    best: best.minimumDetectableDifference!,
    n: worst.n,
    variant: worst.variant,
    baseline: worst.baseline,
    casesNeeded,
  };
}
