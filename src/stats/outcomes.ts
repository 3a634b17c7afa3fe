// The compact per-case data every run-level analysis works on (comparisons, segments, bars, planning), and
// the estimators shared by them. One value per case and variant: repeats are reduced per case before any
// statistic, and cases that share a cluster are handled by clustered standard errors.
//
// Memory is cases × variants small objects, so a run of 40,000 results fits easily.
import type { Interval } from './interval.js';
import { clopperPearsonInterval, lowerBound, upperBound, wilsonInterval, zeroFailureUpperBound } from './proportions.js';
import { clusteredMeanEstimate, meanEstimate, type ClusterId } from './means.js';
import { tQuantile } from './distributions.js';
import { hasNoSpread, isNegligible, type Values } from './descriptive.js';

export interface CaseInfo {
  id: string;
  tags: readonly string[];
  /** Cases sharing a cluster are not independent; null when the case stands alone. */
  cluster: string | null;
}

/**
 * A run's cases in table order: a plain array, or the packed table a stored run is read into (analysis/case-table.ts,
 * ids as bytes: half a million case objects, their id strings and an index Map took ~60 MB, issue #22). Only
 * `length`, `at` and `forEach`, which both have; `at` of a packed table makes the record it returns.
 */
export interface CaseList {
  readonly length: number;
  /** Whether any case has a cluster, when the list knows without a walk (the packed table does). */
  readonly clustered?: boolean;
  /** Case `index`'s tags without making its record (the packed table has them apart from its ids). */
  tags?(index: number): readonly string[];
  at(index: number): CaseInfo | undefined;
  forEach(visit: (c: CaseInfo, index: number) => void): void;
}

/** Case `index` of a list (0 ≤ index < length). */
export function caseAt(cases: CaseList, index: number): CaseInfo {
  return cases.at(index)!;
}

/** Case `index`'s tags (0 ≤ index < length), without decoding its id where the list can. */
export function tagsAt(cases: CaseList, index: number): readonly string[] {
  return cases.tags ? cases.tags(index) : caseAt(cases, index).tags;
}

/** Each case mapped, in order. */
export function mapCases<T>(cases: CaseList, f: (c: CaseInfo, index: number) => T): T[] {
  const out: T[] = new Array(cases.length);
  cases.forEach((c, i) => (out[i] = f(c, i)));
  return out;
}

/** One variant's results on one case, folded over the repeats. */
export interface CaseOutcome {
  /** Results stored for the case (one per repeat run). */
  results: number;
  /** Results that passed. */
  passed: number;
  /** Results still in error after retries: there was no output to judge. */
  errored: number;
  /**
   * The case's pass value in [0, 1] under the suite's repeat reducer (pass@k, pass^k, majority, all);
   * absent: the share of results that passed.
   */
  passValue?: number;
  /** Mean score over the judged (non-errored) results; null when none was judged. */
  score: number | null;
  /** Per check metric: mean over judged results of the mean score of the result's checks with that metric. */
  metrics: Record<string, number>;
  /**
   * Per severity and metric: judged results that had such a check, and results in which one failed.
   * `checks.critical["no-cash-promise"] = { judged: 3, failed: 1 }`.
   */
  checks: Partial<Record<'normal' | 'critical', Record<string, { judged: number; failed: number }>>>;
  /**
   * Optional fast path for `metrics[name]`: outcomes backed by columns (analysis/case-columns.ts) answer without
   * building the whole record, which at 1,000,000 cases × variants would be a throwaway object per case and call.
   */
  metricValue?(name: string): number | undefined;
  /** Optional fast path: the summed judged / failed counts of the checks `filter` selects, without building `checks`. */
  checkCounts?(filter: CheckFilter): { judged: number; failed: number };
}

export interface VariantOutcomes {
  id: string;
  /** Aligned with RunOutcomes.cases; undefined where the variant has no result for the case. */
  outcomes: OutcomeList;
}

/**
 * A variant's outcomes by case index: an array, or a list over columns that makes each outcome when it is asked
 * for (analysis/case-columns.ts), so a million case × variant slots are not a million objects held (issue #22).
 * Read it with at(i), never [i].
 */
export interface OutcomeList extends Iterable<CaseOutcome | undefined> {
  readonly length: number;
  at(index: number): CaseOutcome | undefined;
  forEach(visit: (outcome: CaseOutcome | undefined, index: number) => void): void;
}

export interface RunOutcomes {
  repeat: number;
  /** What a case's pass value is, for interval method names ("per-case pass^5 estimates"); default pass shares. */
  passValueName?: string;
  cases: CaseList;
  variants: VariantOutcomes[];
  /**
   * The suite's default checks (applied to every case), by severity and metric. They put an errored case in
   * the scope of a failure-rate bar even when no variant produced an output for it.
   */
  defaultChecks?: { severity: 'normal' | 'critical'; metric: string }[];
}

/** Metric names with a built-in meaning in bars and comparisons; other names refer to check metrics. */
export const RESERVED_METRICS = ['pass_rate', 'score'] as const;

/**
 * The per-case value a figure is computed on: the pass share over repeats (errored results count as not
 * passed, as in the report's pass rate), the mean score, or a check metric's mean. Undefined when the case
 * has no such value (no result, no judged result, or no check with that metric).
 */
export function caseValue(outcome: CaseOutcome | undefined, metric: string): number | undefined {
  if (!outcome || outcome.results === 0) return undefined;
  if (metric === 'pass_rate') return outcome.passValue ?? outcome.passed / outcome.results;
  if (metric === 'score') return outcome.score ?? undefined;
  return outcome.metricValue ? outcome.metricValue(metric) : outcome.metrics[metric];
}

/** Filter of a failure-rate figure: checks of this severity and/or metric. */
export interface CheckFilter {
  severity?: 'normal' | 'critical';
  metric?: string;
}

/**
 * Whether the case had a failure of the filtered checks: `failed` when any judged result (any repeat) had
 * such a check fail, `clean` when such checks were judged and none failed, undefined when no such check was
 * judged. With repeats a case counts as failed when any repeat failed (a zero-tolerance reading).
 */
export function caseFailure(outcome: CaseOutcome | undefined, filter: CheckFilter): 'failed' | 'clean' | undefined {
  if (!outcome) return undefined;
  if (outcome.checkCounts) {
    const counts = outcome.checkCounts(filter);
    return counts.failed > 0 ? 'failed' : counts.judged > 0 ? 'clean' : undefined;
  }
  let judged = 0;
  let failed = 0;
  for (const severity of ['normal', 'critical'] as const) {
    if (filter.severity && filter.severity !== severity) continue;
    const byMetric = outcome.checks[severity];
    if (!byMetric) continue;
    for (const [metric, counts] of Object.entries(byMetric)) {
      if (filter.metric !== undefined && filter.metric !== metric) continue;
      judged += counts.judged;
      failed += counts.failed;
    }
  }
  if (failed > 0) return 'failed';
  return judged > 0 ? 'clean' : undefined;
}

export function hasClusters(cases: CaseList | readonly CaseInfo[]): boolean {
  if ('clustered' in cases && typeof cases.clustered === 'boolean') return cases.clustered;
  for (let i = 0; i < cases.length; i++) if (cases.at(i)!.cluster !== null) return true;
  return false;
}

/** The cluster of a case for clustered SEs; a case without a cluster is a cluster of its own. */
export function clusterKey(c: CaseInfo): ClusterId {
  return c.cluster !== null ? `cluster:${c.cluster}` : `case:${c.id}`;
}

function allWithin(values: Values, low: number, high: number): boolean {
  return values.every((v) => v >= low && v <= high);
}

function uniqueCount(ids: readonly ClusterId[]): number {
  return new Set(ids).size;
}

export interface MeanFigure {
  n: number;
  mean: number;
  /** Distinct clusters when clustered, else undefined. */
  clusters: number | undefined;
  se: number | undefined;
  df: number | undefined;
  interval: Interval | undefined;
}

/**
 * When every case (or cluster) has the same value v there is no spread, and a t interval has zero width:
 * it would claim certainty from a handful of cases. Instead use the exact zero-failure argument: with
 * confidence `level`, a new case differs from v with probability at most u = 1 − (1 − level)^(1/units)
 * (one-sided Clopper–Pearson with 0 of `units`), and by at most the range of the values. So the bound is
 * v − (v − low)·u below and v + (high − v)·u above. For v = 1 or 0 this is exactly the Clopper–Pearson bound.
 */
function noSpreadBound(v: number, units: number, level: number, side: 'lower' | 'upper', range: [number, number]): number {
  const u = (zeroFailureUpperBound(units, level) as Interval).high;
  return side === 'lower' ? v - (v - range[0]) * u : v + (range[1] - v) * u;
}

function noSpreadMethod(v: number, range: [number, number]): string {
  const scale = rangeScale(range);
  return isNegligible(v - range[0], scale) || isNegligible(v - range[1], scale) ? 'clopper-pearson' : 'exact-no-spread';
}

/** Magnitude of values in `range`: the scale against which rounding noise is judged. */
function rangeScale(range: [number, number] | undefined): number {
  return range ? Math.max(Math.abs(range[0]), Math.abs(range[1])) : 0;
}

/** The common value of values without spread: their mean, kept inside the range rounding may push it out of. */
function commonValue(mean: number, range: [number, number]): number {
  return Math.min(range[1], Math.max(range[0], mean));
}

/**
 * What meanFigure and meanBound start from: the t estimate (clustered when cluster ids are given), the cluster
 * count, whether every value lies in `range`, and whether there is no spread up to rounding (hasNoSpread: a t
 * interval would have zero width, or the width of rounding noise). Undefined without values or estimate.
 */
function meanBasis(values: Values, clusterIds: readonly ClusterId[] | undefined, level: number, range: [number, number] | undefined) {
  if (values.length === 0) return undefined;
  const estimate = clusterIds ? clusteredMeanEstimate(values, clusterIds, level) : meanEstimate(values, level);
  if (!estimate) return undefined;
  const clusters = clusterIds ? uniqueCount(clusterIds) : undefined;
  const inRange = range !== undefined && allWithin(values, range[0], range[1]);
  return { estimate, clusters, inRange, flat: hasNoSpread(values, rangeScale(range)) };
}

/**
 * Mean of per-case values with a two-sided interval: Student t over cases (method "t"), or Miller's
 * clustered SE with t on G − 1 df (method "clustered-t") when cluster ids are given. When no spread was
 * observed and the values lie in `range`, the exact bound of {@link noSpreadBound} on each side instead.
 */
export function meanFigure(
  values: Values,
  clusterIds: readonly ClusterId[] | undefined,
  level: number,
  range: [number, number] | undefined = [0, 1],
): MeanFigure | undefined {
  const basis = meanBasis(values, clusterIds, level, range);
  if (!basis) return undefined;
  const { estimate, clusters, inRange, flat } = basis;
  let interval = estimate.interval;
  if (!flat && estimate.se !== undefined && estimate.se > 0 && interval && inRange) {
    interval = { ...interval, low: Math.max(range![0], interval.low), high: Math.min(range![1], interval.high) };
  }
  if (flat && inRange) {
    const units = clusters ?? values.length;
    const tail = 1 - (1 - level) / 2;
    const v = commonValue(estimate.mean, range!);
    interval = {
      method: noSpreadMethod(v, range!),
      level,
      low: noSpreadBound(v, units, tail, 'lower', range!),
      high: noSpreadBound(v, units, tail, 'upper', range!),
    };
  } else if (flat || estimate.se === 0) {
    // No spread and no known range: nothing honest to say about the width.
    interval = undefined;
  }
  return { n: values.length, mean: estimate.mean, clusters, se: estimate.se, df: estimate.df, interval };
}

export interface OneSidedFigure {
  n: number;
  mean: number;
  clusters: number | undefined;
  /** [bound, +∞) or (−∞, bound] written as an Interval; undefined when no bound can be given. */
  bound: Interval | undefined;
  se: number | undefined;
  df: number | undefined;
}

/**
 * One-sided confidence bound on the mean of per-case values, for bars: mean − t_{level, df}·SE (lower) or
 * mean + t·SE (upper), method "t-one-sided" or "clustered-t-one-sided". No spread: the exact bound of
 * {@link noSpreadBound} when the values lie in `range`, otherwise no bound.
 */
export function meanBound(
  values: Values,
  clusterIds: readonly ClusterId[] | undefined,
  level: number,
  side: 'lower' | 'upper',
  range: [number, number] | undefined = [0, 1],
): OneSidedFigure | undefined {
  const basis = meanBasis(values, clusterIds, level, range);
  if (!basis) return undefined;
  const { estimate, clusters, inRange, flat } = basis;
  let bound: Interval | undefined;
  if (!flat && estimate.se !== undefined && estimate.se > 0 && estimate.df !== undefined) {
    const t = tQuantile(level, estimate.df);
    const method = `${clusterIds ? 'clustered-t' : 't'}-one-sided`;
    const value = side === 'lower' ? estimate.mean - t * estimate.se : estimate.mean + t * estimate.se;
    bound =
      side === 'lower'
        ? { method, level, low: inRange ? Math.max(range![0], value) : value, high: inRange ? range![1] : Infinity }
        : { method, level, low: inRange ? range![0] : -Infinity, high: inRange ? Math.min(range![1], value) : value };
  } else if (inRange && flat) {
    const units = clusters ?? values.length;
    const v = commonValue(estimate.mean, range!);
    const value = noSpreadBound(v, units, level, side, range!);
    const method = `${noSpreadMethod(v, range!)}-one-sided`;
    bound = side === 'lower' ? { method, level, low: value, high: range![1] } : { method, level, low: range![0], high: value };
  }
  return { n: values.length, mean: estimate.mean, clusters, bound, se: estimate.se, df: estimate.df };
}

/** The bound's value on its informative side. */
export function boundValue(bound: Interval, side: 'lower' | 'upper'): number {
  return side === 'lower' ? bound.low : bound.high;
}

export interface PassRateFigure {
  cases: number;
  passRate: number;
  interval: Interval | undefined;
}

/**
 * Pass rate over cases with a two-sided interval. One result per case and no clusters: Wilson over the
 * cases. With repeats: t over per-case pass shares (repeats are not cases); with clusters: clustered-t.
 */
export function passRateFigure(
  shares: Values,
  clusterIds: readonly ClusterId[] | undefined,
  repeat: number,
  level: number,
  valueName = 'per-case pass shares',
): PassRateFigure | undefined {
  const n = shares.length;
  if (n === 0) return undefined;
  if (!clusterIds && shares.every((s) => s === 0 || s === 1) && repeat === 1) {
    // Counted, not filtered: a filtered copy of half a million shares is 4 MB of garbage (issue #22).
    let passed = 0;
    for (let i = 0; i < n; i++) if (shares[i] === 1) passed++;
    return { cases: n, passRate: passed / n, interval: wilsonInterval(passed, n, level) };
  }
  const figure = meanFigure(shares, clusterIds, level)!;
  let interval = figure.interval;
  if (interval) {
    const what = repeat > 1 ? `${valueName} (${repeat} repeats)` : 'per-case passes';
    const units = figure.clusters !== undefined ? `, ${figure.clusters} clusters` : '';
    interval = { ...interval, method: `${interval.method} over ${what}${units}` };
  }
  return { cases: n, passRate: figure.mean, interval };
}

/**
 * One-sided bound on a rate of binary case outcomes (x of n) for bars: Wilson or exact Clopper–Pearson.
 * Re-exported here so bar code reads in one place.
 */
export function rateBound(successes: number, n: number, side: 'lower' | 'upper', method: 'wilson' | 'clopper-pearson', level: number): Interval | undefined {
  return side === 'lower' ? lowerBound(successes, n, { method, level }) : upperBound(successes, n, { method, level });
}

/** Two-sided exact interval of x of n, for failure-rate figures in tables. */
export function exactRateInterval(x: number, n: number, level: number): Interval | undefined {
  return clopperPearsonInterval(x, n, level);
}
