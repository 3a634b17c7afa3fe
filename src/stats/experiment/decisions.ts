// What a scorecard decides from effects: p-values adjusted across metrics × arms, and guardrails judged
// "not worse by more than X" with the suite bars' three verdicts.
import { benjaminiHochbergAdjust, holmAdjust } from '../multiple-comparisons.js';
import type { EffectEstimate } from './types.js';

export type PValueCorrection = 'holm' | 'bh';

/** Holm (family-wise error) or Benjamini–Hochberg (false discovery rate) adjusted p-values, in input order. */
export function adjustPValues(pValues: readonly number[], method: PValueCorrection): number[] {
  if (method === 'holm') return holmAdjust(pValues);
  if (method === 'bh') return benjaminiHochbergAdjust(pValues);
  throw new RangeError(`unknown correction ${String(method)}: use holm or bh`);
}

export type GuardrailVerdict = 'met' | 'not-met' | 'inconclusive';

export interface GuardrailOptions {
  /** How much worse the treatment may be, ≥ 0, in the effect's units (a share for a relative effect). */
  maxWorse: number;
  higherIsBetter: boolean;
}

/**
 * The two-sided level whose interval bounds are one-sided bounds at `level`: a guardrail judged one-sided at
 * 95% reads the bounds of a 90% two-sided interval (each side leaves out 5%). Exact for the fixed-horizon
 * intervals; for a confidence sequence each side of the 90% sequence is crossed with probability ≤ 10%, in
 * practice about 5% (the mixture is symmetric and crossing both sides is rare).
 */
export function guardrailIntervalLevel(level: number): number {
  if (!(level > 0.5 && level < 1)) throw new RangeError(`a one-sided level must be in (0.5, 1), got ${level}`);
  return 2 * level - 1;
}

/**
 * A guardrail "not worse by more than maxWorse", read on the effect's interval (compute it at
 * {@link guardrailIntervalLevel}(level) for one-sided tests at `level`): met when even the worst plausible
 * effect is within the margin, not-met when even the best plausible effect is beyond it, inconclusive
 * otherwise (the data cannot tell yet).
 */
export function guardrailVerdict(effect: EffectEstimate, options: GuardrailOptions): GuardrailVerdict {
  const { maxWorse, higherIsBetter } = options;
  if (!(maxWorse >= 0)) throw new RangeError(`maxWorse must be ≥ 0, got ${maxWorse}`);
  // Harm = how much worse the treatment is: −effect when higher is better, +effect when lower is better.
  const worstHarm = higherIsBetter ? -effect.low : effect.high;
  const bestHarm = higherIsBetter ? -effect.high : effect.low;
  if (worstHarm <= maxWorse) return 'met';
  if (bestHarm > maxWorse) return 'not-met';
  return 'inconclusive';
}
