// Quality bars (gates): "the feature ships when it clears bar Y on eval set Z with confidence". Each bar is
// evaluated per variant it applies to and ends in one of three verdicts:
//   met           the one-sided confidence bound clears the bar (proven at the bar's level, default 95%);
//   inconclusive  the point estimate clears it but the bound does not (not proven: more cases needed);
//   not_met       the point estimate itself does not clear it (or there is no data to show it).
// Pure: takes the per-case outcomes of a run (outcomes.ts) and the bars as written in the suite, and returns
// figures, verdicts and a structured reason; report/bar-text.ts puts them in words.
//
// Errored results (no output after retries) are never evidence that a bar is met:
//   - pass-rate bars count them as not passed (as the report's pass rate does);
//   - failure-rate bars (max_rate) count an errored case as a failure in the bound, not in the point;
//   - bars on mean scores or check metrics leave them out of the figures, and a bar that would be met
//     while some cases in its scope errored is reported inconclusive (not proven).
import type { Interval } from './interval.js';
import type { BarVerdict } from './bar-types.js';
import { hasNoSpread, isNegligible, largestMagnitude } from './descriptive.js';
import { casesForProportionVsBar, pairedSampleSize } from './power.js';
import { casesAtObservedRate, casesAtObservedSpread, casesWithFailuresCounted, practicalCases, smallestClearingN, zeroFailureCases } from './cases-needed.js';
import { barKind, base, clusterIds, distinct, evaluatedFigures, noData, unitsOf, verdictFor, type Scope } from './bar-helpers.js';
import { evaluateCompareBar } from './bar-compare.js';
import type { BarDefinition, BarFigures, CasesNeededBasis } from './bar-types.js';

import { segmentCases, resolveVariants } from './run-analysis.js';
import { boundValue, caseFailure, caseValue, hasClusters, meanBound, rateBound, type CheckFilter, type RunOutcomes } from './outcomes.js';

export { barKind };
export type { BarDefinition, BarFigures, BarKind, BarReason, BarVerdict, CasesNeededBasis, CasesNeededUnits, NoDataReason } from './bar-types.js';

export interface GateOptions {
  /** The baseline variant id (compare: baseline). */
  baseline?: string;
  /** Variant id → model label, so bars may name a model label. */
  labels?: Record<string, string>;
}

export const DEFAULT_BAR_LEVEL = 0.95;

/** Smallest n for which all-pass proves a Wilson lower bound ≥ min (one result per case). */
function casesForAllPassWilson(min: number, level: number): number | null {
  return smallestClearingN((n) => (rateBound(n, n, 'lower', 'wilson', level) as Interval).low >= min);
}

function evaluateLevelBar(outcomes: RunOutcomes, bar: BarDefinition, index: number, variantId: string, scope: Scope, level: number): BarFigures {
  const partial = base(bar, index, variantId, level);
  const kind = partial.kind as 'min' | 'max';
  const metric = bar.metric ?? 'pass_rate';
  const side = kind === 'min' ? 'lower' : 'upper';
  const threshold = partial.threshold;
  const clears = (x: number) => (kind === 'min' ? x >= threshold : x <= threshold);
  const variant = outcomes.variants.find((v) => v.id === variantId)!;
  const indices = scope.indices.filter((i) => caseValue(variant.outcomes.at(i), metric) !== undefined);
  const errored = scope.indices.filter((i) => (variant.outcomes.at(i)?.errored ?? 0) > 0).length;
  if (indices.length === 0) return { ...noData(partial, { kind: 'no-data', cause: 'no-values' }), errored };
  const values = indices.map((i) => caseValue(variant.outcomes.at(i), metric)!);
  const ids = clusterIds(outcomes, indices, scope.clustered);
  const clusters = distinct(ids);
  const bounded = metric === 'pass_rate' || metric === 'score' || values.every((v) => v >= 0 && v <= 1);
  // Magnitude against which rounding noise is judged: 1 for rates and 0–1 scores, else the numbers themselves.
  const scale = bounded ? 1 : Math.max(Math.abs(threshold), largestMagnitude(values));
  let point: number;
  let bound: Interval | undefined;
  let se: number | undefined;
  const binomial = metric === 'pass_rate' && outcomes.repeat === 1 && !scope.clustered && values.every((v) => v === 0 || v === 1);
  if (binomial) {
    const passed = values.filter((v) => v === 1).length;
    point = passed / values.length;
    bound = rateBound(passed, values.length, side, 'wilson', level);
  } else {
    const figure = meanBound(values, ids, level, side, bounded ? [0, 1] : undefined)!;
    point = figure.mean;
    bound = figure.bound;
    se = figure.se;
  }
  let verdict = verdictFor(point, bound ? boundValue(bound, side) : undefined, clears, threshold, scale);
  const downgraded = verdict === 'met' && errored > 0 && metric !== 'pass_rate';
  if (downgraded) verdict = 'inconclusive';

  let casesNeeded: number | null = null;
  let casesNeededBasis: CasesNeededBasis | null = null;
  let ifHolds: number | null = null;
  const units = unitsOf(scope.clustered);
  const distance = Math.abs(point - threshold);
  if (verdict === 'inconclusive' && !downgraded) {
    const extreme = kind === 'min' ? point === 1 : point === 0;
    const flat = hasNoSpread(values, scale);
    if (isNegligible(distance, scale)) {
      casesNeededBasis = { kind: 'out-of-reach' };
    } else if (metric === 'pass_rate' && extreme) {
      casesNeeded = binomial ? casesForAllPassWilson(threshold, level) : zeroFailureCases(kind === 'min' ? 1 - threshold : threshold, level);
      casesNeededBasis = { kind: 'every-one', outcome: kind === 'min' ? 'passes' : 'fails', ...units };
    } else if (flat && point >= 0 && point <= 1) {
      // No spread: the exact bound v ∓ (range)·u clears the bar once u ≤ this share.
      const u = kind === 'min' ? (point - threshold) / point : (threshold - point) / (1 - point);
      casesNeeded = zeroFailureCases(u, level);
      casesNeededBasis = casesNeeded === null ? { kind: 'out-of-reach' } : { kind: 'same-score', ...units };
    } else if (metric === 'pass_rate' && binomial) {
      casesNeeded = practicalCases(casesForProportionVsBar({ bar: threshold, expectedRate: point, alpha: 1 - level }).n);
      ifHolds = casesAtObservedRate(point, threshold, side, 'wilson', level);
      casesNeededBasis = { kind: 'power', spread: false, ...units };
    } else if (!flat && se !== undefined && se > 0) {
      // Per case (or per cluster) spread from the bound's own SE, so clusters count as the units.
      const unitCount = clusters ?? indices.length;
      const sd = se * Math.sqrt(unitCount);
      casesNeeded = practicalCases(pairedSampleSize({ detect: distance, varianceOfDifference: sd * sd, alpha: 2 * (1 - level) }).n);
      ifHolds = casesAtObservedSpread(distance, sd, level);
      casesNeededBasis = { kind: 'power', spread: true, ...units };
    }
  }
  const needed = { casesNeeded, casesNeededBasis, casesNeededIfObservedHolds: ifHolds };
  return evaluatedFigures(partial, { baseline: null, verdict, point, bound, n: indices.length, clusters, failures: null, errored }, needed, {
    kind: 'evaluated',
    downgraded,
  });
}

function evaluateRateBar(outcomes: RunOutcomes, bar: BarDefinition, index: number, variantId: string, scope: Scope, level: number): BarFigures {
  const partial = base(bar, index, variantId, level);
  const filter: CheckFilter = { severity: bar.severity, metric: bar.metric };
  const maxRate = bar.max_rate!;
  const variant = outcomes.variants.find((v) => v.id === variantId)!;
  // A case is in scope when such a check applies to every case (a default check), or was judged on it in
  // any variant; so an errored case in scope counts against the bar.
  const byDefault = (outcomes.defaultChecks ?? []).some(
    (c) => (!filter.severity || c.severity === filter.severity) && (filter.metric === undefined || c.metric === filter.metric),
  );
  const inScope = (i: number) => byDefault || outcomes.variants.some((v) => caseFailure(v.outcomes.at(i), filter) !== undefined);
  const judged: number[] = [];
  const worst: number[] = []; // case indices behind the bound
  const worstValues: number[] = [];
  let failures = 0;
  let errored = 0;
  for (const i of scope.indices) {
    const outcome = variant.outcomes.at(i);
    if (!outcome) continue;
    const f = caseFailure(outcome, filter);
    const hasError = outcome.errored > 0;
    if (f === undefined && !(hasError && inScope(i))) continue;
    if (hasError) errored++;
    if (f !== undefined) {
      judged.push(i);
      if (f === 'failed') failures++;
    }
    worst.push(i);
    worstValues.push(f === 'failed' || hasError ? 1 : 0);
  }
  if (judged.length === 0) {
    return { ...noData(partial, { kind: 'no-data', cause: 'no-judged-check' }), errored };
  }
  const point = failures / judged.length;
  const ids = clusterIds(outcomes, worst, scope.clustered);
  const clusters = distinct(ids);
  let bound: Interval | undefined;
  const worstFailures = worstValues.filter((v) => v === 1).length;
  if (!scope.clustered) bound = rateBound(worstFailures, worst.length, 'upper', 'clopper-pearson', level);
  else bound = meanBound(worstValues, ids, level, 'upper', [0, 1])?.bound;
  const verdict = verdictFor(point, bound?.high, (x) => x <= maxRate, maxRate, 1);
  const units = unitsOf(scope.clustered);
  const erroredCounted = worstFailures - failures;
  let casesNeeded: number | null = null;
  let casesNeededBasis: CasesNeededBasis | null = null;
  let ifHolds: number | null = null;
  const cleanNeeded = zeroFailureCases(maxRate, level);
  if (worstFailures === 0) {
    casesNeeded = cleanNeeded;
    casesNeededBasis = { kind: 'zero-failure', level, ...units };
  } else if (failures === 0 && !scope.clustered) {
    // No judged failure, but errored cases count as failures in the bound: the exact count of clean cases
    // that outweighs them, unless they are rerun.
    casesNeeded = casesWithFailuresCounted(worstFailures, maxRate, level);
    casesNeededBasis = { kind: 'errored-counted', errored: erroredCounted, ...units };
  } else if (failures === 0) {
    casesNeeded = cleanNeeded;
    casesNeededBasis = { kind: 'errored-rerun', ...units };
  } else if (point < maxRate && verdict !== 'met') {
    casesNeeded = practicalCases(casesForProportionVsBar({ bar: maxRate, expectedRate: point, alpha: 1 - level }).n);
    ifHolds = casesAtObservedRate(point, maxRate, 'upper', 'clopper-pearson', level);
    casesNeededBasis = { kind: 'power', spread: false, ...units };
  }
  const needed = { casesNeeded, casesNeededBasis, casesNeededIfObservedHolds: ifHolds };
  return evaluatedFigures(partial, { baseline: null, verdict, point, bound, n: judged.length, clusters, failures, errored }, needed, {
    kind: 'failure-rate',
    cases: worst.length,
    failures: worstFailures,
    cleanCasesNeeded: cleanNeeded,
  });
}

/**
 * Evaluate every bar on every variant it applies to (all variants unless `variant:` is set; a compare bar
 * applies to every variant but its baseline). A bar that names a variant or segment absent from the run is
 * reported not met: it cannot be shown.
 */
export function evaluateBars(outcomes: RunOutcomes, bars: readonly BarDefinition[], options: GateOptions = {}): BarFigures[] {
  const clustered = hasClusters(outcomes.cases);
  const all = Array.from({ length: outcomes.cases.length }, (_, i) => i);
  const results: BarFigures[] = [];
  bars.forEach((bar, index) => {
    const level = bar.level ?? DEFAULT_BAR_LEVEL;
    const kind = barKind(bar);
    const scope: Scope = { indices: bar.segment ? segmentCases(outcomes.cases, bar.segment) : all, clustered };
    let baselineId: string | undefined;
    if (kind === 'compare') {
      baselineId = bar.compare === 'baseline' ? options.baseline : resolveVariants(bar.compare!, outcomes, options.labels)[0];
      if (!baselineId || !outcomes.variants.some((v) => v.id === baselineId)) {
        const partial = base(bar, index, bar.variant ?? '(all)', level);
        results.push(noData(partial, { kind: 'no-data', cause: 'compare-missing' }));
        return;
      }
    }
    let variants = bar.variant ? resolveVariants(bar.variant, outcomes, options.labels) : outcomes.variants.map((v) => v.id);
    if (kind === 'compare') variants = variants.filter((id) => id !== baselineId);
    if (variants.length === 0) {
      const partial = base(bar, index, bar.variant ?? '(none)', level);
      results.push(noData(partial, { kind: 'no-data', cause: 'variant-missing' }, baselineId ?? null));
      return;
    }
    if (bar.segment && scope.indices.length === 0) {
      for (const id of variants) results.push(noData(base(bar, index, id, level), { kind: 'no-data', cause: 'segment-empty' }, baselineId ?? null));
      return;
    }
    for (const id of variants) {
      if (kind === 'compare') results.push(evaluateCompareBar(outcomes, bar, index, id, baselineId!, scope, level));
      else if (kind === 'max_rate') results.push(evaluateRateBar(outcomes, bar, index, id, scope, level));
      else results.push(evaluateLevelBar(outcomes, bar, index, id, scope, level));
    }
  });
  return results;
}

export interface GateSummary {
  met: number;
  notMet: number;
  inconclusive: number;
  /** True when no bar is not met, and no bar is inconclusive unless inconclusive bars are allowed. */
  pass: boolean;
}

export function summarizeBars(results: readonly { verdict: BarVerdict }[], allowInconclusive = false): GateSummary {
  const met = results.filter((r) => r.verdict === 'met').length;
  const notMet = results.filter((r) => r.verdict === 'not_met').length;
  const inconclusive = results.filter((r) => r.verdict === 'inconclusive').length;
  return { met, notMet, inconclusive, pass: notMet === 0 && (allowInconclusive || inconclusive === 0) };
}
