// Planning an experiment: how many units (and days, at the observed traffic) a two-sided test at `level`
// needs to detect a stated minimum effect with the stated power.
import { normalQuantile } from '../distributions.js';

export interface ExperimentSampleSizeOptions {
  /** Minimum detectable effect: absolute, or relative to the control mean when `relative`. */
  mde: number;
  relative: boolean;
  controlMean: number;
  /** Standard deviation of the unit values (for a proportion p: √(p(1 − p))). */
  sd: number;
  /** Planned allocation, control first; each other arm is compared with control. */
  weights: number[];
  level?: number;
  power?: number;
  /** Observed traffic: new units per day over all arms. */
  unitsPerDay?: number;
}

export interface ExperimentSampleSize {
  unitsPerArm: number[];
  totalUnits: number;
  /** Days at `unitsPerDay`; null when the traffic is not known. */
  days: number | null;
  method: string;
}

/**
 * Normal approximation: arm i vs control needs N·w_c, N·w_i units with
 * N = (z_{1−α/2} + z_{power})² · sd² · (1/w_c + 1/w_i) / mde²  (w normalised over all arms),
 * and the plan takes the largest N over the treatment arms (each comparison powered on its own, no
 * correction for several arms).
 */
export function experimentSampleSize(options: ExperimentSampleSizeOptions): ExperimentSampleSize {
  const { mde, relative, controlMean, sd, weights } = options;
  const level = options.level ?? 0.95;
  const power = options.power ?? 0.8;
  if (!(mde > 0)) throw new RangeError(`mde must be > 0, got ${mde}`);
  if (!(sd > 0)) throw new RangeError(`sd must be > 0, got ${sd}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  if (!(power > 0 && power < 1)) throw new RangeError(`power must be in (0, 1), got ${power}`);
  if (weights.length < 2) throw new RangeError('planning needs at least 2 arms');
  weights.forEach((weight, i) => {
    if (!(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weights[${i}] must be > 0, got ${weight}`);
  });
  if (relative && controlMean === 0) throw new RangeError('a relative mde needs a control mean other than 0');
  if (options.unitsPerDay !== undefined && !(options.unitsPerDay > 0)) throw new RangeError(`unitsPerDay must be > 0, got ${options.unitsPerDay}`);
  const absoluteMde = relative ? mde * Math.abs(controlMean) : mde;
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  const shares = weights.map((weight) => weight / weightTotal);
  const zSum = normalQuantile(1 - (1 - level) / 2) + normalQuantile(power);
  const factor = (zSum * zSum * sd * sd) / (absoluteMde * absoluteMde);
  const total = Math.max(...shares.slice(1).map((share) => factor * (1 / shares[0] + 1 / share)));
  const unitsPerArm = shares.map((share) => Math.ceil(total * share));
  const totalUnits = unitsPerArm.reduce((sum, units) => sum + units, 0);
  const days = options.unitsPerDay === undefined ? null : Math.ceil(totalUnits / options.unitsPerDay);
  return {
    unitsPerArm,
    totalUnits,
    days,
    method: `normal approximation, two-sided ${level}, power ${power}, each arm vs control`,
  };
}
