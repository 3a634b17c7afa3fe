// The shapes of A/B experiment statistics (issue #17). Everything is computed from sufficient statistics
// (n, sums, sums of squares and cross products of one value per unit), so the caller streams its rows into
// a few numbers per arm and nothing per unit is held here (GrowthBook's gbstats works the same way).

/** Unit-level values of one arm: n units, Σy, Σy². */
export interface Moments {
  n: number;
  sum: number;
  sumSquares: number;
}

/** A ratio metric's unit-level sums of one arm: x the numerator, y the denominator (e.g. accepted / shown). */
export interface RatioMoments {
  n: number;
  sumX: number;
  sumXX: number;
  sumY: number;
  sumYY: number;
  sumXY: number;
}

/** y = the metric, x = its pre-period covariate, over the units of one arm that have a covariate. */
export interface CovariateMoments extends Moments {
  sumX: number;
  sumXX: number;
  sumXY: number;
}

/** One effect (treatment − control, or its relative lift) with its interval at `level` and the method used. */
export interface EffectEstimate {
  estimate: number;
  /** Standard error of the estimate (for a sequential estimate: the same standard error; the interval is wider). */
  se: number;
  low: number;
  high: number;
  p: number;
  /** Welch–Satterthwaite degrees of freedom; null when the interval is normal (delta method, sequential). */
  df: number | null;
  level: number;
  method: string;
}

/**
 * Why an effect could not be computed (the words are the renderer's):
 * too-few-units: an arm has fewer than 2 units; zero-variance: both arms have no spread, so there is no
 * standard error; control-mean-zero: a relative lift divides by the control mean; zero-denominator: a ratio
 * metric's denominator sums to 0 in an arm.
 */
export type EffectNote = 'too-few-units' | 'zero-variance' | 'control-mean-zero' | 'zero-denominator';

/** The effect of one arm against control: absolute and relative; null with a note when it cannot be computed. */
export interface ArmEffect {
  absolute: EffectEstimate | null;
  relative: EffectEstimate | null;
  note: EffectNote | null;
}

export interface EffectOptions {
  /** Two-sided confidence level, default 0.95. */
  level?: number;
}
