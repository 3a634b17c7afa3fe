// Confidence intervals and one-sided bounds for a pass rate (successes out of n independent cases).
//
// Conventions (match /work/shared/stats/reference.json):
// - Every function returns undefined when n = 0: a rate over zero cases is absent, never 0.
// - Wilson bounds are clipped to [0, 1] and set exactly to 0 when x = 0 and to 1 when x = n.
// - Clopper–Pearson and Jeffreys: lower = 0 when x = 0, upper = 1 when x = n.
import type { Interval } from './interval.js';
import { betaQuantile, normalQuantile } from './distributions.js';
import { assertLevel, assertProbability, assertSuccesses } from './validate.js';

/**
 * Wilson score bounds for critical value z: the roots of (p − p̂)² = z² p(1−p)/n. `successes` may be
 * fractional (a rate × n, for "cases needed if the observed rate holds").
 */
export function wilsonBounds(successes: number, n: number, z: number): { low: number; high: number } {
  const z2 = z * z;
  const denominator = n + z2;
  const center = (successes + z2 / 2) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((successes * (n - successes)) / n + z2 / 4);
  return {
    low: successes === 0 ? 0 : Math.max(0, center - halfWidth),
    high: successes === n ? 1 : Math.min(1, center + halfWidth),
  };
}

/**
 * Wilson score interval (Wilson 1927). The default for pass rates: close to nominal coverage even for
 * small n and rates near 0 or 1, where the textbook Wald interval p̂ ± z·√(p̂(1−p̂)/n) collapses to zero width.
 */
export function wilsonInterval(successes: number, n: number, level = 0.95): Interval | undefined {
  assertSuccesses(successes, n);
  assertLevel(level);
  if (n === 0) return undefined;
  const z = normalQuantile((1 + level) / 2);
  return { method: 'wilson', level, ...wilsonBounds(successes, n, z) };
}

/** Clopper–Pearson lower end at tail probability `tail`: Beta⁻¹(tail; x, n−x+1), closed form when x = n. */
function clopperPearsonLow(successes: number, n: number, tail: number): number {
  if (successes === 0) return 0;
  // x = n: Beta(n, 1) has CDF pⁿ, so the bound is tail^(1/n) exactly.
  if (successes === n) return Math.exp(Math.log(tail) / n);
  return betaQuantile(tail, successes, n - successes + 1);
}

/** Clopper–Pearson upper end at tail probability `tail`: Beta⁻¹(1−tail; x+1, n−x), closed form when x = 0. */
function clopperPearsonHigh(successes: number, n: number, tail: number): number {
  if (successes === n) return 1;
  // x = 0: 1 − (1−p)ⁿ = 1 − tail  ⇒  p = 1 − tail^(1/n); expm1 keeps the digits when p is tiny.
  if (successes === 0) return -Math.expm1(Math.log(tail) / n);
  return betaQuantile(1 - tail, successes + 1, n - successes);
}

/**
 * Clopper–Pearson "exact" interval (Clopper & Pearson 1934): inverts two one-sided binomial tests.
 * Guaranteed coverage ≥ level, so it is conservative (wider than Wilson). Use it when a guarantee matters
 * more than width: safety bars, regulatory claims.
 */
export function clopperPearsonInterval(successes: number, n: number, level = 0.95): Interval | undefined {
  assertSuccesses(successes, n);
  assertLevel(level);
  if (n === 0) return undefined;
  const tail = (1 - level) / 2;
  return {
    method: 'clopper-pearson',
    level,
    low: clopperPearsonLow(successes, n, tail),
    high: clopperPearsonHigh(successes, n, tail),
  };
}

/**
 * Jeffreys interval (Brown, Cai & DasGupta 2001): equal-tailed quantiles of the Beta(x+½, n−x+½)
 * posterior under the Jeffreys prior, with lower = 0 at x = 0 and upper = 1 at x = n.
 */
export function jeffreysInterval(successes: number, n: number, level = 0.95): Interval | undefined {
  assertSuccesses(successes, n);
  assertLevel(level);
  if (n === 0) return undefined;
  const tail = (1 - level) / 2;
  const a = successes + 0.5;
  const b = n - successes + 0.5;
  return {
    method: 'jeffreys',
    level,
    low: successes === 0 ? 0 : betaQuantile(tail, a, b),
    high: successes === n ? 1 : betaQuantile(1 - tail, a, b),
  };
}

/**
 * Agresti–Coull interval (Agresti & Coull 1998): add z²/2 successes and z²/2 failures, then Wald.
 * Clipped to [0, 1]. Offered for comparison with other tools; Wilson is the better default.
 */
export function agrestiCoullInterval(successes: number, n: number, level = 0.95): Interval | undefined {
  assertSuccesses(successes, n);
  assertLevel(level);
  if (n === 0) return undefined;
  const z = normalQuantile((1 + level) / 2);
  const adjustedN = n + z * z;
  const adjustedRate = (successes + (z * z) / 2) / adjustedN;
  const halfWidth = z * Math.sqrt((adjustedRate * (1 - adjustedRate)) / adjustedN);
  return {
    method: 'agresti-coull',
    level,
    low: Math.max(0, adjustedRate - halfWidth),
    high: Math.min(1, adjustedRate + halfWidth),
  };
}

export type OneSidedMethod = 'wilson' | 'clopper-pearson';

export interface OneSidedOptions {
  /** 'wilson' (default, close to nominal) or 'clopper-pearson' (exact, guaranteed ≥ level). */
  method?: OneSidedMethod;
  /** One-sided confidence level, default 0.95: the rate is above the lower bound with this confidence. */
  level?: number;
}

/**
 * One-sided lower confidence bound for a pass rate, for gates such as "pass rate ≥ 90%": the gate is
 * proven when the lower bound clears the bar. A one-sided 95% bound puts all 5% in one tail, so it uses
 * z = 1.645 rather than the two-sided 1.96. Returned as the interval [bound, 1].
 */
export function lowerBound(successes: number, n: number, options: OneSidedOptions = {}): Interval | undefined {
  return oneSidedBound('lower', successes, n, options);
}

/**
 * One-sided upper confidence bound for a rate, for gates such as "failure rate ≤ 2%": proven when the
 * upper bound is at or below the bar. Returned as the interval [0, bound].
 */
export function upperBound(successes: number, n: number, options: OneSidedOptions = {}): Interval | undefined {
  return oneSidedBound('upper', successes, n, options);
}

/** lowerBound and upperBound: the whole of 1 − level in one tail (Wilson with z at `level`, or the exact bound). */
function oneSidedBound(side: 'lower' | 'upper', successes: number, n: number, options: OneSidedOptions): Interval | undefined {
  const { method = 'wilson', level = 0.95 } = options;
  assertSuccesses(successes, n);
  assertLevel(level);
  if (n === 0) return undefined;
  const wilson = method === 'wilson' ? wilsonBounds(successes, n, normalQuantile(level)) : undefined;
  if (side === 'lower') return { method: `${method}-one-sided`, level, low: wilson ? wilson.low : clopperPearsonLow(successes, n, 1 - level), high: 1 };
  return { method: `${method}-one-sided`, level, low: 0, high: wilson ? wilson.high : clopperPearsonHigh(successes, n, 1 - level) };
}

/**
 * Exact one-sided upper bound on the failure rate after 0 failures in n cases: 1 − (1−level)^(1/n)
 * (one-sided Clopper–Pearson). At 95% this is ≈ 3/n, the "rule of three" (Hanley & Lippman-Hand 1983).
 */
export function zeroFailureUpperBound(n: number, level = 0.95): Interval | undefined {
  return upperBound(0, n, { method: 'clopper-pearson', level });
}

/**
 * Smallest n such that 0 failures in n cases proves, at the given one-sided level, that the failure rate
 * is ≤ maxRate: n = ⌈ln(1−level) / ln(1−maxRate)⌉ (e.g. ≤ 1% at 95% needs 299 cases). Infinity when that
 * n is beyond 2^53 (max_rate ≲ 1e-16): no suite can prove it, and n ± 1 no longer changes n there.
 */
export function casesNeededForZeroFailureBar(maxRate: number, level = 0.95): number {
  assertProbability(maxRate, 'maxRate');
  assertLevel(level);
  const bound = (n: number) => -Math.expm1(Math.log(1 - level) / n);
  let n = Math.max(1, Math.ceil(Math.log(1 - level) / Math.log1p(-maxRate)));
  if (!Number.isSafeInteger(n)) return Infinity;
  // The closed form can be one off when the ratio lands within rounding of an integer; settle it exactly.
  // A few steps at most: the loops are bounded so no input can make them spin.
  for (let step = 0; step < 8 && n > 1 && bound(n - 1) <= maxRate; step++) n--;
  for (let step = 0; step < 8 && bound(n) > maxRate; step++) n++;
  return n;
}
