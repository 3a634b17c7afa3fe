// What "no change" means for a drift detector when the baseline is itself a sample (a stored run of n cases, or a
// production reference window): the detector tests against the baseline's one-sided Clopper–Pearson bound at level
// 1 − α_b instead of its point estimate. With probability ≥ 1 − α_b the true baseline rate is on the safe side of that
// bound, and then the detector's own guarantee (α_d) holds because its null is composite (rate-change-detector.ts);
// so P(false alarm in the period) ≤ α_b + α_d = α. A known rate (a declared figure, or "5% of calls are slower than
// the p95" of a known distribution) spends nothing on the baseline.
//
// Unbounded per-call figures (cost, output length, latency) are reduced to a rate by a threshold taken from the
// baseline sample: m = X_(k), the k-th smallest of the n baseline values, k = ⌈quantile·n⌉. For a continuous
// distribution F(X_(k)) ~ Beta(k, n−k+1), so the chance a new value exceeds m is 1 − F(X_(k)) ~ Beta(n−k+1, k); its
// upper 1 − α_b quantile is exactly the Clopper–Pearson upper bound for n−k successes in n. With ties (atoms), the
// exceedance chance is stochastically smaller, so the bound stays valid (conservative). For a decrease the
// indicator is "below m": P(X < X_(k)) ≤ U_(k) ~ Beta(k, n−k+1), the Clopper–Pearson upper bound for k−1 in n; both
// directions therefore watch a rate that can only rise.
import { quantileOfSorted } from './descriptive.js';
import { lowerBound, upperBound } from './proportions.js';
import type { DriftDirection } from './rate-change-detector.js';
import { assertProbability, assertSuccesses } from './validate.js';

/** A baseline rate: counted from a sample, or known. */
export type RateBaseline = { kind: 'sample'; successes: number; n: number } | { kind: 'known'; rate: number };

/** The rate a detector tests against, and what it cost of α. */
export interface NullRate {
  /** The baseline's point rate (successes / n, or the known rate). */
  baselineRate: number;
  /** The rate the detector's null is: the one-sided bound (sample) or the known rate. */
  nullRate: number;
  /** α spent on the baseline's bound (0 for a known rate). */
  baselineFalseAlarmRate: number;
  /** How nullRate was obtained. */
  method: 'clopper-pearson-one-sided' | 'known';
  /** Cases behind the baseline (null when known). */
  baselineN: number | null;
}

/**
 * The null rate for a one-sided detector: for a decrease, the baseline's lower bound (the true rate is at least it
 * with confidence 1 − α_b); for an increase, the upper bound.
 */
export function nullRateFor(baseline: RateBaseline, direction: DriftDirection, baselineFalseAlarmRate: number): NullRate {
  if (baseline.kind === 'known') {
    if (!(baseline.rate >= 0 && baseline.rate <= 1)) throw new RangeError(`a known baseline rate must be in [0, 1], got ${baseline.rate}`);
    return { baselineRate: baseline.rate, nullRate: baseline.rate, baselineFalseAlarmRate: 0, method: 'known', baselineN: null };
  }
  assertSuccesses(baseline.successes, baseline.n);
  if (baseline.n === 0) throw new RangeError('a sampled baseline needs at least one case (n = 0)');
  assertProbability(baselineFalseAlarmRate, 'baselineFalseAlarmRate');
  const options = { method: 'clopper-pearson' as const, level: 1 - baselineFalseAlarmRate };
  const bound = direction === 'decrease' ? lowerBound(baseline.successes, baseline.n, options)!.low : upperBound(baseline.successes, baseline.n, options)!.high;
  return {
    baselineRate: baseline.successes / baseline.n,
    nullRate: bound,
    baselineFalseAlarmRate,
    method: 'clopper-pearson-one-sided',
    baselineN: baseline.n,
  };
}

/** A threshold on a per-call figure taken from the baseline, and the rate of new values past it when nothing changed. */
export interface ExceedanceThreshold {
  /** The baseline quantile the threshold stands for (0.5: median; 0.95: p95). */
  quantile: number;
  /** m = X_(k) of the baseline values. */
  threshold: number;
  /** increase: a new value counts when > threshold; decrease: when < threshold. */
  counts: 'above' | 'below';
  /** The rate of counted values in the baseline itself, as a sample: the bound comes from it (file comment). */
  baseline: RateBaseline;
  /** The baseline's quantile by interpolation (type 7), for display only. */
  baselineQuantile: number;
}

/**
 * The threshold m = X_(k), k = ⌈quantile·n⌉, and the baseline "rate" whose Clopper–Pearson upper bound is the exact
 * order-statistic bound for the chance a new value lands past m (file comment). The detector then watches for an
 * increase of that rate, whichever way the figure moves.
 */
export function exceedanceThreshold(values: readonly number[], quantile: number, direction: DriftDirection): ExceedanceThreshold {
  assertProbability(quantile, 'quantile');
  if (values.length === 0) throw new RangeError('an exceedance baseline needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  for (const v of sorted) if (!Number.isFinite(v)) throw new RangeError(`baseline values must be finite numbers, got ${v}`);
  const n = sorted.length;
  const k = Math.max(1, Math.ceil(quantile * n));
  const threshold = sorted[k - 1];
  const successes = direction === 'increase' ? n - k : k - 1;
  return {
    quantile,
    threshold,
    counts: direction === 'increase' ? 'above' : 'below',
    baseline: { kind: 'sample', successes, n },
    baselineQuantile: quantileOfSorted(sorted, quantile),
  };
}
