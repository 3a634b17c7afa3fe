// Adjusting p-values when several comparisons are read at once (many metrics, many variants, many
// slices). Test 20 things at 5% and one will "win" by luck; adjusted p-values keep that in check.
// All functions return adjusted p-values in the original order, capped at 1.

function assertPValues(pValues: readonly number[]): void {
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`pValues[${i}] must be in [0, 1], got ${p}`);
  });
}

/** Indices of `pValues` sorted by ascending p (stable). */
function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((i, j) => pValues[i] - pValues[j] || i - j);
}

/**
 * Bonferroni: min(1, m·p). Controls the chance of any false "win" (family-wise error). Simple and
 * conservative; {@link holmAdjust} is uniformly better and should be preferred.
 */
export function bonferroniAdjust(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  const m = pValues.length;
  return pValues.map((p) => Math.min(1, m * p));
}

/**
 * Holm step-down (Holm 1979): sort ascending, adjusted p_(i) = max_{j ≤ i} min(1, (m − j + 1)·p_(j)).
 * Same family-wise guarantee as Bonferroni, never less powerful. The default for gates over several metrics.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m);
  let runningMax = 0;
  ascendingOrder(pValues).forEach((index, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * pValues[index]));
    adjusted[index] = runningMax;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up (Benjamini & Hochberg 1995): adjusted p_(i) = min_{j ≥ i} min(1, m·p_(j)/j).
 * Controls the expected share of false discoveries among the "wins" (FDR), not the chance of any. Use it
 * for exploring many slices, not for ship/no-ship gates.
 */
export function benjaminiHochbergAdjust(pValues: readonly number[]): number[] {
  assertPValues(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m);
  const order = ascendingOrder(pValues);
  let runningMin = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank];
    runningMin = Math.min(runningMin, (m * pValues[index]) / (rank + 1));
    adjusted[index] = runningMin;
  }
  return adjusted;
}
