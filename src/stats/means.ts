// Means of continuous scores (or of 0/1 scores when a t interval is wanted), with standard errors that
// respect how the cases were sampled.
//
// Source: Evan Miller, "Adding Error Bars to Evals: A Statistical Approach to Language Model Evaluations"
// (arXiv:2411.00640, 2024). Eq. 1: SE = √(s²/n) with the n − 1 sample variance; Eq. 4: clustered SE.
import type { Interval } from './interval.js';
import { hasNoSpread, mean, sampleVariance, type Values } from './descriptive.js';
import { tQuantile } from './distributions.js';
import { assertFiniteValues, assertLevel, assertSameLength } from './validate.js';

export interface MeanEstimate {
  n: number;
  mean: number;
  /** Standard error of the mean; undefined when it cannot be estimated (n < 2, or < 2 clusters). */
  se: number | undefined;
  /** Degrees of freedom of the t critical value; undefined with se. */
  df: number | undefined;
  /** mean ± t·SE; undefined with se. Zero width when every value is equal (no spread was observed). */
  interval: Interval | undefined;
}

/** mean ± t_{(1+level)/2, df} · se, or undefined when there is no standard error. */
export function tInterval(center: number, se: number | undefined, df: number | undefined, level: number, method: string): Interval | undefined {
  if (se === undefined || df === undefined || !(df > 0)) return undefined;
  const halfWidth = tQuantile((1 + level) / 2, df) * se;
  return { method, level, low: center - halfWidth, high: center + halfWidth };
}

/**
 * Mean with a Student-t interval: SE = √(s²/n) (Miller Eq. 1, s² with n − 1), critical value
 * t_{n−1} rather than 1.96 so small suites are not overconfident. Method "t". Undefined for no values.
 * Assumes the values are independent cases: for repeats of the same case, reduce them first
 * (see repeats.ts); for cases that come in groups (several questions on one document), use the clustered
 * version.
 */
export function meanEstimate(values: Values, level = 0.95): MeanEstimate | undefined {
  assertFiniteValues(values, 'values');
  assertLevel(level);
  const n = values.length;
  if (n === 0) return undefined;
  const variance = sampleVariance(values);
  // Identical values up to rounding have no spread: SE 0, not the 1e-17 rounding leaves behind.
  const se = variance === undefined ? undefined : hasNoSpread(values) ? 0 : Math.sqrt(variance / n);
  const df = se === undefined ? undefined : n - 1;
  const center = mean(values);
  return { n, mean: center, se, df, interval: tInterval(center, se, df, level, 't') };
}

/** The t interval of {@link meanEstimate}, alone. */
export function meanInterval(values: Values, level = 0.95): Interval | undefined {
  return meanEstimate(values, level)?.interval;
}

export type ClusterId = string | number;

export interface ClusteredStandardErrors {
  n: number;
  clusters: number;
  mean: number;
  /** SE treating every value as independent (Miller Eq. 1); undefined when n < 2. */
  naive: number | undefined;
  /** Σ_c Σ_{i≠j ∈ c} (s_i − s̄)(s_j − s̄): positive when scores in a cluster move together. */
  withinClusterCrossProducts: number;
  /** Miller Eq. 4: √(SE_naive² + cross-products / n²) = √(CR0² + SE_naive²/n), for comparison. Undefined when n < 2. */
  miller: number | undefined;
  /** Liang–Zeger sandwich without correction: √(Σ_c (Σ_{i∈c} e_i)²) / n. */
  cr0: number;
  /** CR0 · √(G/(G−1)), the small-sample correction Inspect AI uses; the one evalspec reports. Undefined with one cluster. */
  cr1: number | undefined;
}

/**
 * The clustered standard errors of a mean, side by side. Scores that share a cluster (questions about the
 * same document, turns of one conversation) are not independent; treating them as such understates the
 * SE. Identity used: Σ_{i≠j∈c} e_i e_j = (Σ_{i∈c} e_i)² − Σ_{i∈c} e_i².
 */
export function clusteredStandardErrors(values: Values, clusterIds: readonly ClusterId[]): ClusteredStandardErrors | undefined {
  assertFiniteValues(values, 'values');
  assertSameLength(values, clusterIds, 'values and clusters');
  const n = values.length;
  if (n === 0) return undefined;
  const center = mean(values);
  const residualSums = new Map<ClusterId, { sum: number; squares: number }>();
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const residual = values[i] - center;
    squares += residual * residual;
    const entry = residualSums.get(clusterIds[i]) ?? { sum: 0, squares: 0 };
    entry.sum += residual;
    entry.squares += residual * residual;
    residualSums.set(clusterIds[i], entry);
  }
  let crossProducts = 0;
  let squaredClusterSums = 0;
  for (const { sum, squares: clusterSquares } of residualSums.values()) {
    crossProducts += sum * sum - clusterSquares;
    squaredClusterSums += sum * sum;
  }
  const clusters = residualSums.size;
  const naiveVariance = n < 2 ? undefined : squares / (n * (n - 1));
  // Miller's variance is CR0² + SE_naive²/n, so it is never negative; the max() only absorbs rounding.
  const millerVariance = naiveVariance === undefined ? undefined : Math.max(0, naiveVariance + crossProducts / (n * n));
  const cr0 = Math.sqrt(squaredClusterSums) / n;
  return {
    n,
    clusters,
    mean: center,
    naive: naiveVariance === undefined ? undefined : Math.sqrt(naiveVariance),
    withinClusterCrossProducts: crossProducts,
    miller: millerVariance === undefined ? undefined : Math.sqrt(millerVariance),
    cr0,
    cr1: clusters < 2 ? undefined : cr0 * Math.sqrt(clusters / (clusters - 1)),
  };
}

export interface ClusteredMeanEstimate extends MeanEstimate {
  clusters: number;
  /** The SE if clustering were ignored, for showing how much clustering widened the interval. */
  seNaive: number | undefined;
}

/**
 * Mean with a clustered interval: the CR1 cluster-robust SE (Liang–Zeger sandwich with the G/(G − 1)
 * small-sample factor, what Stata and Inspect AI report) and t with G − 1 degrees of freedom (G = number of
 * clusters; Cameron & Miller, "A Practitioner's Guide to Cluster-Robust Inference", 2015, §VI). CR1 with
 * t_{G−1} is the pairing that guide recommends; Miller's Eq. 4 SE lacks the G/(G − 1) factor, so with few
 * clusters it is smaller (down to 1/√2 of CR1 with 2 clusters) and its interval covers less than the
 * stated level; it is reported only for comparison. With every cluster of size 1 this is exactly {@link meanEstimate}. Method "clustered-t".
 * Interval undefined with fewer than 2 clusters.
 */
export function clusteredMeanEstimate(values: Values, clusterIds: readonly ClusterId[], level = 0.95): ClusteredMeanEstimate | undefined {
  assertLevel(level);
  const errors = clusteredStandardErrors(values, clusterIds);
  if (errors === undefined) return undefined;
  const df = errors.clusters >= 2 && errors.cr1 !== undefined ? errors.clusters - 1 : undefined;
  const se = df === undefined ? undefined : hasNoSpread(values) ? 0 : errors.cr1;
  return {
    n: errors.n,
    mean: errors.mean,
    se,
    df,
    interval: tInterval(errors.mean, se, df, level, 'clustered-t'),
    clusters: errors.clusters,
    seNaive: errors.naive,
  };
}

/** The interval of {@link clusteredMeanEstimate}, alone. */
export function clusteredMeanInterval(values: Values, clusterIds: readonly ClusterId[], level = 0.95): Interval | undefined {
  return clusteredMeanEstimate(values, clusterIds, level)?.interval;
}
