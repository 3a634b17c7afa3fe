// Exact binomial and multinomial draws, for resampling many units that take few distinct values. A bootstrap
// resample of n units draws each unit with replacement; when the units take only k distinct values (pass/fail
// differences are −1, 0 or 1), how many times each value is drawn is Multinomial(n; p₁…p_k), so one resample
// costs k − 1 binomial draws instead of n uniform draws: the same distribution of resampled means, at
// 500,000 cases × 2,000 resamples in milliseconds instead of 10⁹ draws.
import { logChoose } from './special-functions.js';
import type { RandomSource } from './random.js';

/**
 * One Binomial(n, p) draw by inversion, searching outward from the mode (Kemp 1986): the values are laid out
 * on [0, 1) in the order mode, mode+1, mode−1, mode+2, … with lengths equal to their probabilities, and the
 * uniform draw picks one. Exact up to floating point; about 1.6 standard deviations of steps per draw.
 */
export function binomialDraw(random: RandomSource, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const pmfMode = Math.exp(logChoose(n, mode) + mode * Math.log(p) + (n - mode) * Math.log1p(-p));
  const odds = p / (1 - p);
  let u = random() - pmfMode;
  if (u < 0) return mode;
  let up = mode + 1;
  let down = mode - 1;
  let pmfUp = pmfMode;
  let pmfDown = pmfMode;
  while (up <= n || down >= 0) {
    if (up <= n) {
      pmfUp *= ((n - up + 1) / up) * odds;
      u -= pmfUp;
      if (u < 0) return up;
      up++;
    }
    if (down >= 0) {
      pmfDown *= (down + 1) / (n - down) / odds;
      u -= pmfDown;
      if (u < 0) return down;
      down--;
    }
  }
  return mode; // the probabilities summed to just under the draw (rounding): the mode is as good as any
}

/**
 * Counts of a Multinomial(n; weights/Σweights) draw by conditional binomials: category j gets
 * Binomial(n − drawn so far, w_j / remaining weight).
 */
export function multinomialDraw(random: RandomSource, n: number, weights: readonly number[], out: Float64Array): void {
  let remaining = n;
  let remainingWeight = weights.reduce((s, w) => s + w, 0);
  for (let j = 0; j < weights.length; j++) {
    if (j === weights.length - 1 || remaining === 0) {
      out[j] = remaining;
      remaining = 0;
      continue;
    }
    const x = binomialDraw(random, remaining, weights[j] / remainingWeight);
    out[j] = x;
    remaining -= x;
    remainingWeight -= weights[j];
  }
}
