// One treatment arm against control from per-arm moments: the deciding effect (CUPED when the metric has a
// covariate, the delta method for ratios, Welch otherwise), the raw one beside it, the always-valid sequence, and
// the conclusion read from the interval that decides.
import { cupedEffect, meanEffect, ratioEffect, sequentialEffect, type ArmEffect, type EffectEstimate } from '../stats/index.js';
import type { ExperimentConfig } from './schema.js';
import type { ExperimentData } from './load.js';
import { aggregateOf, type Acc, type MeasureValues } from './measures.js';
import type { ArmComparison } from './scorecard-types.js';

const moments = (a: Acc) => ({ n: a[0], sum: a[1], sumSquares: a[2] });
const covariateMoments = (a: Acc) => ({ n: a[0], sum: a[1], sumSquares: a[2], sumX: a[3], sumXX: a[4], sumXY: a[5] });
const ratioMoments = (a: Acc) => ({ n: a[0], sumX: a[1], sumXX: a[2], sumY: a[3], sumYY: a[4], sumXY: a[5] });

/** The context one comparison needs. */
export interface CompareContext {
  config: ExperimentConfig;
  data: ExperimentData;
  values: MeasureValues;
  srmFired: boolean;
  /** Two-sided level of the intervals: the analysis level, or 2·level − 1 for guardrails (one-sided bounds). */
  level: number;
}

/** One treatment arm vs control from per-arm moments (deciding and raw); adjustedP and conclusion are set later. */
export function compareArms(ctx: CompareContext, deciding: Acc[], raw: Acc[], t: number): ArmComparison {
  const { config, data, values, level } = ctx;
  const c = data.controlIndex;
  const kind = aggregateOf(values.measure);
  const hasCovariate = values.measure.covariate !== null && kind !== 'ratio';
  let effect: ArmEffect;
  let rawEffect: ArmEffect;
  let cuped: ArmComparison['cuped'] = null;
  if (kind === 'ratio') {
    effect = rawEffect = ratioEffect(ratioMoments(deciding[c]), ratioMoments(deciding[t]), { level });
  } else if (hasCovariate) {
    const adjusted = cupedEffect(covariateMoments(deciding[c]), covariateMoments(deciding[t]), { level });
    effect = { absolute: adjusted.absolute, relative: adjusted.relative, note: adjusted.note };
    rawEffect = meanEffect(moments(raw[c]), moments(raw[t]), { level });
    const withCovariate = deciding[c][0] + deciding[t][0];
    cuped = {
      theta: adjusted.theta,
      varianceReduction: adjusted.varianceReduction,
      unitsWithCovariate: withCovariate,
      unitsWithoutCovariate: raw[c][0] + raw[t][0] - withCovariate,
    };
  } else {
    effect = rawEffect = meanEffect(moments(deciding[c]), moments(deciding[t]), { level });
  }
  const nTotal = deciding[c][0] + deciding[t][0];
  const seq = (e: EffectEstimate | null) => (e && nTotal > 0 ? sequentialEffect(e, nTotal, { level, tuning: config.analysis.tuning }) : null);
  const sequential = effect.absolute ? { absolute: seq(effect.absolute), relative: seq(effect.relative) } : null;
  return {
    arm: data.armIds[t],
    control: data.armIds[c],
    effect,
    raw: rawEffect,
    cuped,
    sequential,
    deciding: config.analysis.sequential ? 'sequential' : 'fixed-horizon',
    adjustedP: null,
    conclusion: null,
  };
}

/** The absolute effect the decision reads: the sequential one when analysis.sequential. */
export function decidingAbsolute(comparison: ArmComparison): EffectEstimate | null {
  return comparison.deciding === 'sequential' ? (comparison.sequential?.absolute ?? null) : comparison.effect.absolute;
}

export function decidingRelative(comparison: ArmComparison): EffectEstimate | null {
  return comparison.deciding === 'sequential' ? (comparison.sequential?.relative ?? null) : comparison.effect.relative;
}

/** better / worse / no detectable change by the deciding interval and the adjusted p; blocked when SRM fired. */
export function conclude(comparison: ArmComparison, higherIsBetter: boolean, alpha: number, srmFired: boolean): ArmComparison['conclusion'] {
  const e = decidingAbsolute(comparison);
  if (!e) return null;
  if (srmFired) return 'blocked';
  const significant = (e.low > 0 || e.high < 0) && (comparison.adjustedP === null || comparison.adjustedP < alpha);
  if (!significant) return 'no detectable change';
  return e.estimate > 0 === higherIsBetter ? 'better' : 'worse';
}
