// Sample ratio mismatch: did assignment put units into the arms in the planned proportions? A mismatch
// means assignment or logging is broken, and then no effect can be read (the arms differ by more than the
// treatment). Pearson's chi-square goodness of fit against the planned weights.
import { chiSquareUpperTail } from '../distributions.js';

/** Default threshold: the industry convention (GrowthBook, Eppo, Statsig's default) that keeps false alarms rare. */
export const SRM_THRESHOLD = 0.001;

export interface SampleRatioMismatch {
  chi2: number;
  df: number;
  p: number;
  /** p < threshold: do not read the effects. */
  fired: boolean;
  threshold: number;
  /**
   * The arm whose share is furthest from plan, relative to its planned share (for "treatment has 2.1% fewer
   * users than planned"); null when no unit was counted.
   */
  worst: { arm: number; observedShare: number; plannedShare: number; relativeDifference: number } | null;
  method: string;
}

export function sampleRatioMismatch(counts: readonly number[], weights: readonly number[], options: { threshold?: number } = {}): SampleRatioMismatch {
  const threshold = options.threshold ?? SRM_THRESHOLD;
  if (counts.length !== weights.length) throw new RangeError(`${counts.length} counts but ${weights.length} weights`);
  if (counts.length < 2) throw new RangeError('sample ratio mismatch needs at least 2 arms');
  counts.forEach((count, i) => {
    if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`counts[${i}] must be a whole number ≥ 0, got ${count}`);
  });
  weights.forEach((weight, i) => {
    if (!(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weights[${i}] must be > 0, got ${weight}`);
  });
  const total = counts.reduce((sum, count) => sum + count, 0);
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  const planned = weights.map((weight) => weight / weightTotal);
  const method = "Pearson's chi-square goodness of fit against the planned allocation";
  const df = counts.length - 1;
  if (total === 0) {
    return { chi2: 0, df, p: 1, fired: false, threshold, worst: null, method };
  }
  let chi2 = 0;
  let worst = 0;
  let worstDifference = -1;
  counts.forEach((count, i) => {
    const expected = total * planned[i];
    chi2 += ((count - expected) * (count - expected)) / expected;
    const relative = Math.abs(count / expected - 1);
    // Two arms are often off by the same share (a 50/50 split): name the one short of users, since lost
    // exposures (an arm that fails to log) are the usual cause and the sentence a PM needs.
    const tie = Math.abs(relative - worstDifference) <= 1e-12 * Math.max(relative, 1e-300);
    if (relative > worstDifference && !tie) {
      worstDifference = relative;
      worst = i;
    } else if (tie && count < expected) {
      worstDifference = relative;
      worst = i;
    }
  });
  const p = chiSquareUpperTail(chi2, df);
  const observedShare = counts[worst] / total;
  return {
    chi2,
    df,
    p,
    fired: p < threshold,
    threshold,
    worst: { arm: worst, observedShare, plannedShare: planned[worst], relativeDifference: observedShare / planned[worst] - 1 },
    method,
  };
}
