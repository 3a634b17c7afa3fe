// Planning: how many cases a suite needs to detect a given difference, and what difference a suite of a
// given size can detect. Normal-approximation formulas (z, not t): fine above ~30 cases, slightly
// optimistic below.
import { normalQuantile, tQuantile } from './distributions.js';
import { assertLevel, assertProbability } from './validate.js';

/** The variance of a per-case difference B − A, given in whichever form you have. */
export type DifferenceVariance =
  /** Var(s_B − s_A) directly, e.g. from a pilot run. */
  | { varianceOfDifference: number }
  /** Per-case score SDs of each variant and their correlation across cases: Var = sdA² + sdB² − 2ρ·sdA·sdB. */
  | { sdA: number; sdB: number; correlation: number }
  /**
   * Miller's decomposition: ω² = Var(x_A) + Var(x_B) − 2Cov(x_A, x_B) for the per-case true scores, plus
   * each variant's within-case (repeat) variance σ² divided by its number of repeats K.
   */
  | {
      caseVarianceOfDifference: number;
      repeatVarianceA: number;
      repeatVarianceB: number;
      repeatsA?: number;
      repeatsB?: number;
    };

export interface PowerOptions {
  /** Two-sided significance level, default 0.05. */
  alpha?: number;
  /** Chance of detecting a true difference of the given size, default 0.8. */
  power?: number;
}

export interface SampleSize {
  /** Cases needed (rounded up). */
  n: number;
  /** The formula's value before rounding. */
  nUnrounded: number;
  method: string;
}

/** Var(B − A) per case from any of the accepted forms. */
export function varianceOfDifference(variance: DifferenceVariance): number {
  let value: number;
  if ('varianceOfDifference' in variance) {
    value = variance.varianceOfDifference;
  } else if ('sdA' in variance) {
    const { sdA, sdB, correlation } = variance;
    if (!(correlation >= -1 && correlation <= 1)) throw new RangeError(`correlation must be in [−1, 1], got ${correlation}`);
    value = sdA * sdA + sdB * sdB - 2 * correlation * sdA * sdB;
  } else {
    const { caseVarianceOfDifference, repeatVarianceA, repeatVarianceB, repeatsA = 1, repeatsB = 1 } = variance;
    value = caseVarianceOfDifference + repeatVarianceA / repeatsA + repeatVarianceB / repeatsB;
  }
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`variance of the difference must be ≥ 0, got ${value}`);
  return value;
}

/** z_{1−α/2} + z_{power}: how many standard errors a true difference must span to be detected. */
function detectionMultiplier(options: PowerOptions, sides: 1 | 2): number {
  const { alpha = 0.05, power = 0.8 } = options;
  assertLevel(alpha, 'alpha');
  assertLevel(power, 'power');
  return normalQuantile(1 - alpha / sides) + normalQuantile(power);
}

/** Round a planning result up, ignoring rounding noise just above a whole number. */
function roundUp(value: number): number {
  return Math.max(1, Math.ceil(value - 1e-9));
}

/**
 * Cases needed for a paired comparison to detect a difference of `detect` (in score units) with the given
 * power at two-sided level alpha. Miller 2024 Eq. 9: n = (z_{α/2} + z_β)² · (ω² + σ_A²/K_A + σ_B²/K_B) / δ².
 * Higher correlation between the variants (same easy and hard cases) means fewer cases.
 */
export function pairedSampleSize(options: { detect: number } & PowerOptions & DifferenceVariance): SampleSize {
  const { detect } = options;
  if (!(detect > 0)) throw new RangeError(`detect must be a positive difference, got ${detect}`);
  const multiplier = detectionMultiplier(options, 2);
  const nUnrounded = (multiplier * multiplier * varianceOfDifference(options)) / (detect * detect);
  return { n: roundUp(nUnrounded), nUnrounded, method: 'miller-eq9' };
}

/**
 * Smallest true difference a paired comparison detects with the given power: (z_{α/2} + z_β)·SE, with
 * SE = √(Var(B − A)/n) or a standard error you already have (e.g. from pairedDifference).
 * The inverse of {@link pairedSampleSize}. When `df` is given with a standard error, t quantiles replace
 * the z ones, (t_{1−α/2,df} + t_{power,df})·SE, the usual small-sample version, so a 5-case suite is not
 * credited with the sensitivity of a large one.
 */
export function minimumDetectableDifference(options: PowerOptions & ({ standardError: number; df?: number } | ({ n: number } & DifferenceVariance))): number {
  let standardError: number;
  let df: number | undefined;
  if ('standardError' in options) {
    standardError = options.standardError;
    df = options.df;
    if (df !== undefined && !(df > 0)) throw new RangeError(`df must be positive, got ${df}`);
  } else {
    if (!(options.n > 0)) throw new RangeError(`n must be positive, got ${options.n}`);
    standardError = Math.sqrt(varianceOfDifference(options) / options.n);
  }
  if (!(standardError >= 0)) throw new RangeError(`standardError must be ≥ 0, got ${standardError}`);
  if (df === undefined) return detectionMultiplier(options, 2) * standardError;
  const { alpha = 0.05, power = 0.8 } = options;
  assertLevel(alpha, 'alpha');
  assertLevel(power, 'power');
  return (tQuantile(1 - alpha / 2, df) + tQuantile(power, df)) * standardError;
}

/**
 * Cases needed to estimate a pass rate to within ±halfWidth (normal approximation):
 * n = z² p(1 − p) / E². Plan with expectedRate = 0.5 when you have no idea (the worst case).
 */
export function casesForProportionPrecision(options: { expectedRate: number; halfWidth: number; level?: number }): SampleSize {
  const { expectedRate, halfWidth, level = 0.95 } = options;
  if (!(expectedRate >= 0 && expectedRate <= 1)) throw new RangeError(`expectedRate must be in [0, 1], got ${expectedRate}`);
  if (!(halfWidth > 0 && halfWidth < 1)) throw new RangeError(`halfWidth must be in (0, 1), got ${halfWidth}`);
  assertLevel(level);
  const z = normalQuantile((1 + level) / 2);
  const nUnrounded = (z * z * expectedRate * (1 - expectedRate)) / (halfWidth * halfWidth);
  return { n: roundUp(nUnrounded), nUnrounded, method: 'normal-approximation' };
}

/**
 * Cases needed to show a pass rate clears a bar (one-sided test of p = bar against p = expectedRate):
 * n = ((z_{1−α}·√(p₀(1−p₀)) + z_{power}·√(p₁(1−p₁))) / (p₁ − p₀))² (Fleiss, Levin & Paik 2003, §2.5).
 * alpha is one-sided here (a gate only cares about one direction); default 0.05.
 */
export function casesForProportionVsBar(options: { bar: number; expectedRate: number } & PowerOptions): SampleSize {
  const { bar, expectedRate } = options;
  assertProbability(bar, 'bar');
  if (!(expectedRate >= 0 && expectedRate <= 1)) throw new RangeError(`expectedRate must be in [0, 1], got ${expectedRate}`);
  if (expectedRate === bar) throw new RangeError('expectedRate equals the bar: no number of cases can tell them apart');
  const { alpha = 0.05, power = 0.8 } = options;
  assertLevel(alpha, 'alpha');
  assertLevel(power, 'power');
  const spread = normalQuantile(1 - alpha) * Math.sqrt(bar * (1 - bar)) + normalQuantile(power) * Math.sqrt(expectedRate * (1 - expectedRate));
  const nUnrounded = (spread / (expectedRate - bar)) ** 2;
  return { n: roundUp(nUnrounded), nUnrounded, method: 'one-sample-proportion-normal' };
}
