// Effects of one arm against control from unit-level sufficient statistics: Welch t for means and
// proportions, the delta method for relative lifts and ratio metrics, and CUPED (regression adjustment on a
// pre-period covariate). Formulas follow GrowthBook's gbstats (frequentist engine), so its published test
// values reproduce: see test/stats/experiment-effects.test.ts.
import { normalQuantile, normalTwoSidedPValue, tQuantile, tTwoSidedPValue } from '../distributions.js';
import type { ArmEffect, CovariateMoments, EffectEstimate, EffectNote, EffectOptions, Moments, RatioMoments } from './types.js';

/**
 * A variance computed from Σy and Σy² loses about 1e-16 of the mean square to cancellation, so a variance
 * below this share of the mean square is rounding, not spread (a 0/1 metric where every unit converted).
 */
const MOMENT_VARIANCE_TOLERANCE = 1e-12;

/** One arm reduced to what every estimator needs. */
interface ArmSummary {
  n: number;
  mean: number;
  /** Sample variance (divisor n − 1) of the unit values. */
  variance: number;
}

const DEFAULT_LEVEL = 0.95;

function checkLevel(level: number): number {
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  return level;
}

function checkCount(n: number, what: string): void {
  if (!(Number.isInteger(n) && n >= 0)) throw new RangeError(`${what}.n must be a whole number ≥ 0, got ${n}`);
}

/** Sample covariance (divisor n − 1) of two unit values from their sums; the variance when x = y. */
function sampleCovariance(n: number, sumA: number, sumB: number, sumAB: number): number {
  return (sumAB - (sumA * sumB) / n) / (n - 1);
}

/** The variance is 0 up to rounding (see MOMENT_VARIANCE_TOLERANCE); negative rounding is clamped to 0. */
function cleanVariance(variance: number, meanSquare: number): number {
  return variance <= MOMENT_VARIANCE_TOLERANCE * Math.abs(meanSquare) ? 0 : variance;
}

function summarize(moments: Moments, what: string): ArmSummary {
  checkCount(moments.n, what);
  const { n, sum, sumSquares } = moments;
  if (n < 2) return { n, mean: n === 0 ? NaN : sum / n, variance: NaN };
  return { n, mean: sum / n, variance: cleanVariance(sampleCovariance(n, sum, sum, sumSquares), sumSquares / n) };
}

/** Welch–Satterthwaite degrees of freedom of a difference of two means with per-arm variances of the mean a, b. */
function welchDf(a: number, nA: number, b: number, nB: number): number {
  const denominator = (a * a) / (nA - 1) + (b * b) / (nB - 1);
  return ((a + b) * (a + b)) / denominator;
}

/** An estimate with its two-sided interval and p-value (t with `df`, normal when df is null). */
export function effectFromStandardError(estimate: number, se: number, df: number | null, level: number, method: string): EffectEstimate {
  const upper = 1 - (1 - level) / 2;
  const quantile = df === null ? normalQuantile(upper) : tQuantile(upper, df);
  const z = estimate / se;
  const p = df === null ? normalTwoSidedPValue(z) : tTwoSidedPValue(z, df);
  return { estimate, se, low: estimate - quantile * se, high: estimate + quantile * se, p, df, level, method };
}

const noEffect = (note: EffectNote): ArmEffect => ({ absolute: null, relative: null, note });

/**
 * Absolute difference (Welch t) and relative lift (delta method: Var(m_t/m_c) ≈ v_t/(m_c²·n_t) +
 * v_c·m_t²/(m_c⁴·n_c), with the same Welch degrees of freedom, as gbstats does) of two arm summaries.
 */
function welchEffect(control: ArmSummary, treatment: ArmSummary, level: number, label: string): ArmEffect {
  if (control.n < 2 || treatment.n < 2) return noEffect('too-few-units');
  const a = treatment.variance / treatment.n;
  const b = control.variance / control.n;
  if (a + b === 0) return noEffect('zero-variance');
  const df = welchDf(a, treatment.n, b, control.n);
  const absolute = effectFromStandardError(treatment.mean - control.mean, Math.sqrt(a + b), df, level, `${label}Welch t (unequal variances)`);
  if (control.mean === 0) return { absolute, relative: null, note: 'control-mean-zero' };
  const mc2 = control.mean * control.mean;
  const relativeVariance = a / mc2 + (b * treatment.mean * treatment.mean) / (mc2 * mc2);
  const relative = effectFromStandardError(
    (treatment.mean - control.mean) / control.mean,
    Math.sqrt(relativeVariance),
    df,
    level,
    `${label}delta method, Welch t`,
  );
  return { absolute, relative, note: null };
}

/**
 * Difference of means between treatment and control (a proportion metric is a mean of 0/1 unit values):
 * Welch t interval for the absolute difference, delta method for the relative lift.
 */
export function meanEffect(control: Moments, treatment: Moments, options: EffectOptions = {}): ArmEffect {
  const level = checkLevel(options.level ?? DEFAULT_LEVEL);
  return welchEffect(summarize(control, 'control'), summarize(treatment, 'treatment'), level, '');
}

/** Ratio Σx/Σy of one arm and the delta-method variance of that ratio. */
function ratioSummary(moments: RatioMoments, what: string): { ratio: number; variance: number } | EffectNote {
  checkCount(moments.n, what);
  const { n, sumX, sumY } = moments;
  if (n < 2) return 'too-few-units';
  if (sumY === 0) return 'zero-denominator';
  const meanY = sumY / n;
  const ratio = sumX / sumY;
  const varX = cleanVariance(sampleCovariance(n, sumX, sumX, moments.sumXX), moments.sumXX / n);
  const varY = cleanVariance(sampleCovariance(n, sumY, sumY, moments.sumYY), moments.sumYY / n);
  const covXY = sampleCovariance(n, sumX, sumY, moments.sumXY);
  // Var(x̄/ȳ) ≈ (σx² − 2R·σxy + R²·σy²) / (n·μy²): the first-order Taylor expansion of x̄/ȳ around the means.
  const raw = (varX - 2 * ratio * covXY + ratio * ratio * varY) / (n * meanY * meanY);
  const scale = (varX + ratio * ratio * varY) / (n * meanY * meanY);
  return { ratio, variance: raw <= MOMENT_VARIANCE_TOLERANCE * scale ? 0 : raw };
}

/**
 * Ratio metric (Σ numerator / Σ denominator over the units of an arm, e.g. accepted / shown suggestions):
 * each arm's ratio with its delta-method variance, the difference and the relative lift with normal
 * intervals (the delta method is an asymptotic, normal argument).
 */
export function ratioEffect(control: RatioMoments, treatment: RatioMoments, options: EffectOptions = {}): ArmEffect {
  const level = checkLevel(options.level ?? DEFAULT_LEVEL);
  const c = ratioSummary(control, 'control');
  const t = ratioSummary(treatment, 'treatment');
  if (typeof c === 'string') return noEffect(c);
  if (typeof t === 'string') return noEffect(t);
  if (c.variance + t.variance === 0) return noEffect('zero-variance');
  const absolute = effectFromStandardError(t.ratio - c.ratio, Math.sqrt(c.variance + t.variance), null, level, 'delta method (normal)');
  if (c.ratio === 0) return { absolute, relative: null, note: 'control-mean-zero' };
  const rc2 = c.ratio * c.ratio;
  const relativeVariance = t.variance / rc2 + (c.variance * t.ratio * t.ratio) / (rc2 * rc2);
  const relative = effectFromStandardError((t.ratio - c.ratio) / c.ratio, Math.sqrt(relativeVariance), null, level, 'delta method (normal)');
  return { absolute, relative, note: null };
}

export interface CupedEffect extends ArmEffect {
  /** The regression slope θ of the metric on the covariate (pooled within arms); null when no arm has 2 units. */
  theta: number | null;
  /** 1 − Var(adjusted difference) / Var(raw difference): the share of variance the covariate removed; null when either is unknown. */
  varianceReduction: number | null;
}

/**
 * CUPED (Deng et al. 2013): y − θ·(x − x̄), with θ = Σ within-arm co-deviations of (x, y) / Σ within-arm
 * squared deviations of x, pooled over both arms. The absolute effect is then exactly the treatment
 * coefficient of the regression y ~ arm + x (ANCOVA with a common slope); its standard error is Welch's on
 * the adjusted values (θ treated as known, as CUPED and gbstats do). The relative lift divides by the
 * adjusted control mean. Pass only units that have a covariate.
 */
export function cupedEffect(control: CovariateMoments, treatment: CovariateMoments, options: EffectOptions = {}): CupedEffect {
  const level = checkLevel(options.level ?? DEFAULT_LEVEL);
  checkCount(control.n, 'control');
  checkCount(treatment.n, 'treatment');
  const raw = welchEffect(summarize(control, 'control'), summarize(treatment, 'treatment'), level, '');
  if (control.n < 2 || treatment.n < 2) return { ...raw, theta: null, varianceReduction: null };
  const centered = (m: CovariateMoments) => ({
    xx: m.sumXX - (m.sumX * m.sumX) / m.n,
    xy: m.sumXY - (m.sumX * m.sum) / m.n,
  });
  const c = centered(control);
  const t = centered(treatment);
  const sxx = c.xx + t.xx;
  const meanSquareX = (control.sumXX + treatment.sumXX) / (control.n + treatment.n);
  // A covariate with no spread explains nothing: θ = 0 and the result is the unadjusted one.
  const theta = sxx <= MOMENT_VARIANCE_TOLERANCE * meanSquareX * (control.n + treatment.n) ? 0 : (c.xy + t.xy) / sxx;
  const pooledMeanX = (control.sumX + treatment.sumX) / (control.n + treatment.n);
  const adjusted = (m: CovariateMoments, centeredSums: { xx: number; xy: number }): ArmSummary => {
    const yy = m.sumSquares - (m.sum * m.sum) / m.n;
    const variance = (yy + theta * theta * centeredSums.xx - 2 * theta * centeredSums.xy) / (m.n - 1);
    return { n: m.n, mean: m.sum / m.n - theta * (m.sumX / m.n - pooledMeanX), variance: cleanVariance(variance, m.sumSquares / m.n) };
  };
  const effect = welchEffect(adjusted(control, c), adjusted(treatment, t), level, 'CUPED, ');
  const rawSe = raw.absolute?.se;
  const adjustedSe = effect.absolute?.se;
  const varianceReduction = rawSe !== undefined && adjustedSe !== undefined && rawSe > 0 ? 1 - (adjustedSe * adjustedSe) / (rawSe * rawSe) : null;
  return { ...effect, theta, varianceReduction };
}

/**
 * The difference of two effects measured on disjoint units (the novelty check: units first exposed in week 1
 * vs later): later − earlier, se = √(se₁² + se₂²), normal interval. Independent because no unit is in both.
 */
export function effectDifference(earlier: EffectEstimate, later: EffectEstimate, options: EffectOptions = {}): EffectEstimate {
  const level = checkLevel(options.level ?? earlier.level);
  const se = Math.sqrt(earlier.se * earlier.se + later.se * later.se);
  return effectFromStandardError(later.estimate - earlier.estimate, se, null, level, `difference of two independent effects (normal) on ${earlier.method}`);
}
