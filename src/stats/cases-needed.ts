// "How many cases would prove this bar?" — the figures a gate prints when a bar is not proven. Two kinds:
//   - power figures (normal approximation, 80% power): with that many cases a bar whose true value is the
//     observed one is proven 4 times in 5 (power.ts);
//   - "if the observed value holds exactly": the smallest n at which the same bound, computed at the observed
//     rate (or mean and spread), clears the bar. Smaller than the power figure: a coin-flip chance.
// Every search here is bounded: beyond MAX_PRACTICAL_CASES the answer is null (not provable in practice),
// so a point within rounding of its bar cannot make a gate spin.
import { betaQuantile, normalQuantile, tQuantile } from './distributions.js';
import { casesNeededForZeroFailureBar, wilsonBounds } from './proportions.js';

/** Above this many cases (or clusters) a "cases needed" figure is reported as null: not provable in practice. */
export const MAX_PRACTICAL_CASES = 1e9;

/** n when it is a practical number of cases, else null. */
export function practicalCases(n: number | null | undefined): number | null {
  return n !== null && n !== undefined && Number.isFinite(n) && n >= 1 && n <= MAX_PRACTICAL_CASES ? Math.ceil(n) : null;
}

/**
 * Smallest n ≥ `from` for which `clears(n)` holds, assuming it stays true for larger n: doubling, then
 * bisection; at most ~60 evaluations. Null when even MAX_PRACTICAL_CASES does not clear.
 */
export function smallestClearingN(clears: (n: number) => boolean, from = 1): number | null {
  let high = Math.max(1, from);
  while (!clears(high)) {
    if (high >= MAX_PRACTICAL_CASES) return null;
    high = Math.min(MAX_PRACTICAL_CASES, high * 2);
  }
  let low = Math.max(from, Math.floor(high / 2));
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (clears(middle)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Zero-failure cases needed to prove ≤ maxRate (exact), or null when not practical. */
export function zeroFailureCases(maxRate: number, level: number): number | null {
  if (!(maxRate > 0 && maxRate < 1)) return null;
  return practicalCases(casesNeededForZeroFailureBar(maxRate, level));
}

/**
 * Smallest n at which a one-sided bound on a rate, computed as if the observed `rate` held exactly (rate × n
 * successes, fractional), clears `bar`: Wilson (pass-rate bars) or Clopper–Pearson (failure-rate bars).
 */
export function casesAtObservedRate(rate: number, bar: number, side: 'lower' | 'upper', method: 'wilson' | 'clopper-pearson', level: number): number | null {
  if (side === 'lower' ? !(rate > bar) : !(rate < bar)) return null;
  const z = normalQuantile(level);
  const bound = (n: number): number => {
    const x = rate * n;
    if (method === 'wilson') return side === 'lower' ? wilsonBounds(x, n, z).low : wilsonBounds(x, n, z).high;
    if (side === 'lower') return x <= 0 ? 0 : betaQuantile(1 - level, x, n - x + 1);
    return x >= n ? 1 : betaQuantile(level, x + 1, n - x);
  };
  return smallestClearingN((n) => (side === 'lower' ? bound(n) >= bar : bound(n) <= bar));
}

/**
 * Smallest n at which mean ∓ t_{level, n−1}·sd/√n clears the bar `distance` away from the mean, if the
 * observed mean and spread (sd per case, or per cluster) held exactly.
 */
export function casesAtObservedSpread(distance: number, sd: number, level: number): number | null {
  if (!(distance > 0) || !(sd > 0)) return null;
  return smallestClearingN((n) => tQuantile(level, n - 1) * (sd / Math.sqrt(n)) <= distance, 2);
}

/**
 * Cases needed to prove failure rate ≤ maxRate when `failures` cases already count as failures (errored
 * cases counted as failures in the bound) and every further case is clean: the smallest n with the exact
 * one-sided Clopper–Pearson upper bound of `failures` of n at or below maxRate.
 */
export function casesWithFailuresCounted(failures: number, maxRate: number, level: number): number | null {
  if (failures === 0) return zeroFailureCases(maxRate, level);
  return smallestClearingN((n) => n > failures && betaQuantile(level, failures + 1, n - failures) <= maxRate, failures + 1);
}
