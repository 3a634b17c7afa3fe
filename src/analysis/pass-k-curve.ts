// The pass^k curve of a run with n > 1 repeats (and pass@k beside it): for every k the mean over cases of
// the unbiased per-case estimate, with an interval per k. One run gives the whole curve, whatever reducer
// the suite stored, because it is read from the per-case table (passed of results per case, case-outcomes.ts).
// This is the one source of the figures for every report format and the viewer.
import { caseAt, clusterKey, hasClusters, passRateFigure, type Interval, type RunOutcomes } from '../stats/index.js';
import { resolveRepeatReducer } from '../stats/index.js';
import { reducedPassValue, shortOfK } from './repeat-reduction.js';

export interface PassKPoint {
  k: number;
  /** Mean over the variant's cases of the case's estimate (errored repeats count as not passed). */
  value: number;
  /** t over the per-case estimates (clustered-t when the suite's cases share clusters); null when none can be given. */
  ci: Interval | null;
  /** Cases with fewer than k results (a run stopped early): their estimate uses k = their result count. */
  shortCases: number;
}

export interface PassKCurves {
  /** pass^k: the chance that k repeats drawn from the case's n all pass (Yao et al. 2024, τ-bench). */
  passHatK: PassKPoint[];
  /** pass@k: the chance that at least one of k drawn repeats passes (Chen et al. 2021). */
  passAtK: PassKPoint[];
}

/**
 * The k of the curve for n repeats: every k up to 10; beyond, 1..5 and then 10, 20, 50, 100, … and n, so a
 * run of 1,000 repeats over 500,000 cases does not compute (or print) a thousand points per variant.
 */
export function curveKs(n: number): number[] {
  if (n <= 10) return Array.from({ length: n }, (_, i) => i + 1);
  const ks = [1, 2, 3, 4, 5];
  for (let decade = 10; decade < n; decade *= 10) for (const m of [1, 2, 5]) if (m * decade < n) ks.push(m * decade);
  ks.push(n);
  return ks;
}

/**
 * The curves of one variant, or null when the run has one repeat or the variant no result. Each point is what
 * the run's report would show as its pass rate had the suite said `reduce: pass^k` (or pass@k): the same
 * per-case values (repeat-reduction.ts) and the same interval (stats passRateFigure).
 */
export function passKCurves(outcomes: RunOutcomes, variantId: string, level = 0.95): PassKCurves | null {
  const n = outcomes.repeat;
  const variant = outcomes.variants.find((v) => v.id === variantId);
  if (n < 2 || !variant) return null;
  const present: number[] = [];
  variant.outcomes.forEach((o, i) => {
    if (o && o.results > 0) present.push(i);
  });
  if (present.length === 0) return null;
  const clusterIds = hasClusters(outcomes.cases) ? present.map((i) => clusterKey(caseAt(outcomes.cases, i))) : undefined;
  const values = new Array<number>(present.length);
  const point = (reduce: string): PassKPoint => {
    const reducer = resolveRepeatReducer({ n, reduce }, n);
    let shortCases = 0;
    present.forEach((i, j) => {
      const o = variant.outcomes.at(i)!;
      values[j] = reducedPassValue(reducer, o.results, o.passed);
      if (shortOfK(reducer, o.results)) shortCases++;
    });
    const figure = passRateFigure(values, clusterIds, n, level, reducer.valueName)!;
    return { k: reducer.k!, value: figure.passRate, ci: figure.interval ?? null, shortCases };
  };
  const ks = curveKs(n);
  return { passHatK: ks.map((k) => point(`pass^${k}`)), passAtK: ks.map((k) => point(`pass@${k}`)) };
}
