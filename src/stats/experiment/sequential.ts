// Always-valid inference for an experiment a PM looks at every day: the two-sided normal-mixture confidence
// sequence (Robbins 1970; Howard et al. 2021; Waudby-Smith et al. 2023, the "asymptotic confidence
// sequence" of arXiv:2103.06476), parameterised as GrowthBook does by a tuning parameter N*: the total
// sample size at which the sequence is narrowest. The interval holds at every look simultaneously with
// probability ≥ level, so stopping the first day it excludes 0 keeps the false-positive rate ≤ 1 − level.
import type { EffectEstimate } from './types.js';

export const DEFAULT_SEQUENTIAL_TUNING = 5000;

export interface SequentialOptions {
  /** Two-sided level; default: the fixed-horizon effect's level. */
  level?: number;
  /** N*, the total number of units (all arms) where the sequence is tightest; default 5000 (GrowthBook's). */
  tuning?: number;
}

/**
 * The mixture variance ρ² chosen so that the boundary is tightest at n = N*:
 * ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*.
 */
export function sequentialMixtureVariance(alpha: number, tuning: number): number {
  const a = -2 * Math.log(alpha);
  return (a + Math.log(a + 1)) / tuning;
}

/**
 * The confidence sequence for a fixed-horizon `effect` (its estimate and standard error) after `nTotal`
 * units in all compared arms. With s² = se²·n (the per-unit variance of the estimate) the half-width is
 * s·√(2(nρ² + 1)/(n²ρ²) · ln(√(nρ² + 1)/α)), and the always-valid p-value is the reciprocal of the mixture
 * e-value, min(1, √(nρ² + 1)·exp(−ρ²·n·z² / (2(nρ² + 1)))) with z = estimate/se; the interval excludes 0
 * exactly when p < α. The estimate and se are unchanged; df is null (a normal argument).
 */
export function sequentialEffect(effect: EffectEstimate, nTotal: number, options: SequentialOptions = {}): EffectEstimate {
  const level = options.level ?? effect.level;
  const tuning = options.tuning ?? DEFAULT_SEQUENTIAL_TUNING;
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (!(tuning > 0)) throw new RangeError(`sequential tuning must be > 0, got ${tuning}`);
  if (!(nTotal > 0)) throw new RangeError(`nTotal must be > 0, got ${nTotal}`);
  const alpha = 1 - level;
  const rho2 = sequentialMixtureVariance(alpha, tuning);
  const growth = nTotal * rho2 + 1;
  const halfWidth = effect.se * Math.sqrt(((2 * growth) / (nTotal * rho2)) * Math.log(Math.sqrt(growth) / alpha));
  const z = effect.estimate / effect.se;
  const logEvidence = (rho2 * nTotal * z * z) / (2 * growth) - 0.5 * Math.log(growth);
  const p = Math.min(1, Math.exp(-logEvidence));
  return {
    estimate: effect.estimate,
    se: effect.se,
    low: effect.estimate - halfWidth,
    high: effect.estimate + halfWidth,
    p,
    df: null,
    level,
    method: `normal-mixture confidence sequence (tuning N* = ${tuning}) on ${effect.method}`,
  };
}
