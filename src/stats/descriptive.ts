// Small descriptive helpers shared by the estimators. Two-pass formulas (mean first, then squared
// deviations) so variances of scores near 1 do not lose digits to cancellation.

/**
 * Values an estimator reads: an array, or a Float64Array when a caller folds a million cases into one (its
 * memory is outside the JavaScript heap and is freed as soon as the figure is computed; issue #22).
 */
export type Values = readonly number[] | Float64Array;

export function mean(values: Values): number {
  let total = 0;
  for (const value of values) total += value;
  return total / values.length;
}

/** Sample variance with n − 1 in the denominator (ddof = 1); undefined when n < 2. */
export function sampleVariance(values: Values): number | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  const center = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - center) ** 2;
  return squares / (n - 1);
}

/** Pearson correlation; undefined when either side has no spread or fewer than 2 values. */
export function pearsonCorrelation(a: Values, b: Values): number | undefined {
  const n = a.length;
  if (n < 2 || b.length !== n) return undefined;
  const meanA = mean(a);
  const meanB = mean(b);
  let cross = 0;
  let squaresA = 0;
  let squaresB = 0;
  for (let i = 0; i < n; i++) {
    cross += (a[i] - meanA) * (b[i] - meanB);
    squaresA += (a[i] - meanA) ** 2;
    squaresB += (b[i] - meanB) ** 2;
  }
  if (squaresA === 0 || squaresB === 0) return undefined;
  return cross / Math.sqrt(squaresA * squaresB);
}

/**
 * Quantile by linear interpolation between order statistics (Hyndman & Fan 1996 type 7, the default of
 * numpy and R). `sorted` must be ascending and non-empty.
 */
export function quantileOfSorted(sorted: Values, probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}

/**
 * Relative size below which a spread is floating-point rounding, not data. The mean of seven scores of 0.9,
 * or B − A with B = A + 0.1, is off in the last digit or so (≈ 1e-16 of the values' magnitude); a real
 * spread a billion times smaller than the values themselves says nothing an eval could act on either.
 */
export const SPREAD_TOLERANCE = 1e-9;

/** |x| is rounding noise next to numbers of magnitude `scale` (see {@link SPREAD_TOLERANCE}). */
export function isNegligible(x: number, scale: number): boolean {
  return Math.abs(x) <= SPREAD_TOLERANCE * Math.abs(scale);
}

/**
 * Every value is the same up to rounding: max − min is negligible next to the largest |value|, or next to
 * `scale` when that is larger (pass the magnitude of the inputs when the values are differences of them,
 * so 0.1 + 0.2 − 0.3 counts as 0). The one test for "no spread" used by every estimator and gate, so a
 * t interval never claims certainty from rounding noise. True for fewer than 2 values.
 */
export function hasNoSpread(values: Values, scale = 0): boolean {
  let low = Infinity;
  let high = -Infinity;
  let magnitude = Math.abs(scale);
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
    magnitude = Math.max(magnitude, Math.abs(value));
  }
  return values.length < 2 || isNegligible(high - low, magnitude);
}

/** The largest |value| over several lists (the scale of differences between them). */
export function largestMagnitude(...lists: readonly Values[]): number {
  let magnitude = 0;
  for (const list of lists) for (const value of list) magnitude = Math.max(magnitude, Math.abs(value));
  return magnitude;
}
