// Status-line figures for one monitor window: the estimate with a two-sided interval, and where a bar is set, the
// one-sided bounds against it. A bar is "met" when the bound on the safe side clears it (lower bound ≥ a min bar;
// upper bound ≤ a max bar), "breached" when the bound on the other side proves the window past it (upper bound < a
// min bar; lower bound > a max bar: the alert condition), otherwise "undecided". Below minSamples nothing is judged.
import type { Interval } from './interval.js';
import { binomialCdf } from './distributions.js';
import { meanEstimate } from './means.js';
import { lowerBound, upperBound, wilsonInterval } from './proportions.js';
import { quantileOfSorted } from './descriptive.js';

export type WindowBarVerdict = 'met' | 'breached' | 'undecided' | 'too-few-samples';

export interface WindowBar {
  /** min: the figure must stay at or above the bar (pass rate); max: at or below (critical rate). */
  kind: 'min' | 'max';
  value: number;
  /** One-sided level of both bounds. Default 0.95. */
  level?: number;
}

export interface WindowBarCheck {
  kind: 'min' | 'max';
  value: number;
  level: number;
  /** One-sided bounds: lower [low, 1] and upper [0, high]. */
  lower: Interval;
  upper: Interval;
  verdict: WindowBarVerdict;
}

export interface WindowEstimate {
  n: number;
  estimate: number;
  /** Two-sided interval: Wilson for rates, t for means, order statistics for a quantile; null when none exists. */
  interval: Interval | null;
  bar: WindowBarCheck | null;
}

function verdict(kind: 'min' | 'max', value: number, lower: number, upper: number, n: number, minSamples: number): WindowBarVerdict {
  if (n < minSamples) return 'too-few-samples';
  if (kind === 'min') return lower >= value ? 'met' : upper < value ? 'breached' : 'undecided';
  return upper <= value ? 'met' : lower > value ? 'breached' : 'undecided';
}

/** A rate over the window: successes of n, Wilson interval, and Wilson one-sided bounds against the bar. Undefined for n = 0. */
export function rateWindowEstimate(
  successes: number,
  n: number,
  options: { level?: number; bar?: WindowBar; minSamples?: number } = {},
): WindowEstimate | undefined {
  const { level = 0.95, bar, minSamples = 1 } = options;
  const interval = wilsonInterval(successes, n, level);
  if (!interval) return undefined;
  let check: WindowBarCheck | null = null;
  if (bar) {
    const barLevel = bar.level ?? 0.95;
    const lower = lowerBound(successes, n, { level: barLevel })!;
    const upper = upperBound(successes, n, { level: barLevel })!;
    check = { kind: bar.kind, value: bar.value, level: barLevel, lower, upper, verdict: verdict(bar.kind, bar.value, lower.low, upper.high, n, minSamples) };
  }
  return { n, estimate: successes / n, interval, bar: check };
}

/** A mean over the window (cost per call, output length) with its t interval. Undefined without values. */
export function meanWindowEstimate(values: readonly number[], level = 0.95): WindowEstimate | undefined {
  const estimate = meanEstimate(values, level);
  if (!estimate) return undefined;
  return { n: estimate.n, estimate: estimate.mean, interval: estimate.interval ?? null, bar: null };
}

/**
 * A quantile of the window (p95 latency) with the distribution-free order-statistic interval [X_(l), X_(u)]: the
 * count B of values below the true quantile is Binomial(n, q), so P(X_(l) ≤ ξ_q < X_(u)) ≥ P(l ≤ B < u); l and u are
 * the widest-inward ranks keeping each tail ≤ (1 − level)/2. Null interval when n is too small for the level.
 */
export function quantileWindowEstimate(values: readonly number[], quantile: number, level = 0.95): WindowEstimate | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  // l: the largest rank with P(B ≤ l − 1) ≤ tail, i.e. the smallest l with P(B ≤ l) > tail; u: the smallest rank with
  // P(B ≥ u) ≤ tail. Both predicates are monotone in the rank: bisection.
  const l = smallestRank(0, n, (k) => binomialCdf(k, n, quantile) > tail);
  const u = smallestRank(1, n + 1, (k) => 1 - binomialCdf(k - 1, n, quantile) <= tail);
  const interval: Interval | null = l >= 1 && u <= n ? { method: 'order-statistic', level, low: sorted[l - 1], high: sorted[u - 1] } : null;
  return { n, estimate: quantileOfSorted(sorted, quantile), interval, bar: null };
}

/** The smallest k in [low, high] where `holds` (false below it, true from it on; true at high). */
function smallestRank(low: number, high: number, holds: (k: number) => boolean): number {
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (holds(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}
