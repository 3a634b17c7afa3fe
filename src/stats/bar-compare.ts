// Compare bars ("compare: baseline, max_drop"): variant − baseline, paired on the same cases, against the
// allowed drop. Pass/fail outcomes (one result per case, no clusters) use the paired score bound (Tango 1998):
// a t bound on 0/1 differences proves "at most X below" too often at the margin (10% instead of 5% at n = 40).
// Other values use the one-sided t (clustered t with clusters), or the exact no-spread bound.
import type { Interval } from './interval.js';
import { hasNoSpread, isNegligible, largestMagnitude, sampleVariance } from './descriptive.js';
import { pairedSampleSize } from './power.js';
import { casesAtObservedSpread, practicalCases, smallestClearingN, zeroFailureCases } from './cases-needed.js';
import { pairedScoreLowerBound, type PairedTable } from './paired-proportions.js';
import { caseValue, meanBound, type RunOutcomes } from './outcomes.js';
import { base, clusterIds, distinct, evaluatedFigures, noData, unitsOf, verdictFor, type Scope } from './bar-helpers.js';
import type { BarDefinition, BarFigures, CasesNeededBasis } from './bar-types.js';

export function evaluateCompareBar(
  outcomes: RunOutcomes,
  bar: BarDefinition,
  index: number,
  variantId: string,
  baselineId: string,
  scope: Scope,
  level: number,
): BarFigures {
  const partial = base(bar, index, variantId, level);
  const metric = bar.metric ?? 'pass_rate';
  const maxDrop = bar.max_drop ?? 0;
  const variant = outcomes.variants.find((v) => v.id === variantId)!;
  const baseline = outcomes.variants.find((v) => v.id === baselineId)!;
  const indices: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  for (const i of scope.indices) {
    const x = caseValue(baseline.outcomes.at(i), metric);
    const y = caseValue(variant.outcomes.at(i), metric);
    if (x === undefined || y === undefined) continue;
    indices.push(i);
    a.push(x);
    b.push(y);
  }
  const errored = scope.indices.filter((i) => (variant.outcomes.at(i)?.errored ?? 0) > 0 || (baseline.outcomes.at(i)?.errored ?? 0) > 0).length;
  if (indices.length === 0) return { ...noData(partial, { kind: 'no-data', cause: 'no-paired-values' }, baselineId), errored };
  const differences = b.map((y, k) => y - a[k]);
  const ids = clusterIds(outcomes, indices, scope.clustered);
  const clusters = distinct(ids);
  const bounded = [...a, ...b].every((v) => v >= 0 && v <= 1);
  const scale = bounded ? 1 : largestMagnitude(a, b, [maxDrop]);
  // Pass/fail outcomes, one per case, no clusters: the paired score test's bound (Tango 1998). A t bound on
  // 0/1 differences proves "at most X below" too often at the margin (10% instead of 5% at n = 40).
  const binary = metric === 'pass_rate' && outcomes.repeat === 1 && !scope.clustered && [...a, ...b].every((v) => v === 0 || v === 1);
  let point: number;
  let bound: Interval | undefined;
  let se: number | undefined;
  if (binary) {
    const table: PairedTable = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
    a.forEach((x, k) => {
      if (x === 1 && b[k] === 1) table.both++;
      else if (x === 1) table.onlyA++;
      else if (b[k] === 1) table.onlyB++;
      else table.neither++;
    });
    point = (table.onlyB - table.onlyA) / indices.length;
    bound = { method: 'paired-score-one-sided', level, low: pairedScoreLowerBound(table, level)!, high: 1 };
  } else {
    const figure = meanBound(differences, ids, level, 'lower', bounded ? [-1, 1] : undefined)!;
    point = figure.mean;
    bound = figure.bound;
    se = figure.se;
  }
  let verdict = verdictFor(point, bound?.low, (x) => x >= -maxDrop, -maxDrop, scale);
  const downgraded = verdict === 'met' && errored > 0 && metric !== 'pass_rate';
  if (downgraded) verdict = 'inconclusive';
  const units = unitsOf(scope.clustered, true);
  let casesNeeded: number | null = null;
  let casesNeededBasis: CasesNeededBasis | null = null;
  let ifHolds: number | null = null;
  if (verdict === 'inconclusive' && !downgraded) {
    const flat = hasNoSpread(differences, scale);
    const variance = sampleVariance(differences);
    if (isNegligible(point + maxDrop, scale)) {
      casesNeededBasis = { kind: 'out-of-reach' };
    } else if (flat && binary) {
      // The variants agreed on every case: how many agreeing cases the score bound needs.
      casesNeeded = smallestClearingN((n) => pairedScoreLowerBound({ both: n, onlyA: 0, onlyB: 0, neither: 0 }, level)! >= -maxDrop);
      casesNeededBasis = { kind: 'agree-again', ...units };
    } else if (flat && bounded) {
      // No spread: the exact bound c − (c + 1)·u clears −max_drop once u ≤ (c + max_drop)/(c + 1).
      casesNeeded = zeroFailureCases((point + maxDrop) / (point + 1), level);
      casesNeededBasis = casesNeeded === null ? { kind: 'out-of-reach' } : { kind: 'agree-again', ...units };
    } else if (!flat && variance !== undefined && variance > 0) {
      const unitCount = clusters ?? indices.length;
      const sd = se !== undefined && se > 0 ? se * Math.sqrt(unitCount) : Math.sqrt(variance);
      casesNeeded = practicalCases(pairedSampleSize({ detect: point + maxDrop, varianceOfDifference: sd * sd, alpha: 2 * (1 - level) }).n);
      ifHolds = casesAtObservedSpread(point + maxDrop, sd, level);
      casesNeededBasis = { kind: 'power', spread: true, ...units };
    }
  }
  const needed = { casesNeeded, casesNeededBasis, casesNeededIfObservedHolds: ifHolds };
  return evaluatedFigures(partial, { baseline: baselineId, verdict, point, bound, n: indices.length, clusters, failures: null, errored }, needed, {
    kind: 'evaluated',
    downgraded,
  });
}
