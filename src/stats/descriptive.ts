// Small descriptive helpers shared by the estimators. Two-pass formulas (mean first, then squared
// deviations) so variances of scores near 1 do not lose digits to cancellation.

export function mean(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total / values.length;
}

/** Sample variance with n − 1 in the denominator (ddof = 1); undefined when n < 2. */
export function sampleVariance(values: readonly number[]): number | undefined {
  const n = values.length;
  if (n < 2) return undefined;
  const center = mean(values);
  let squares = 0;
  for (const value of values) squares += (value - center) ** 2;
  return squares / (n - 1);
}

/** Pearson correlation; undefined when either side has no spread or fewer than 2 values. */
export function pearsonCorrelation(a: readonly number[], b: readonly number[]): number | undefined {
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
export function quantileOfSorted(sorted: readonly number[], probability: number): number {
  const position = (sorted.length - 1) * probability;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = position - below;
  return sorted[below] + fraction * (sorted[above] - sorted[below]);
}
