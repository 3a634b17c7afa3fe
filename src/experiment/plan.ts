// Planning: how many units and days an experiment needs to detect a stated minimum effect (MDE) at the stated
// power, from the variance observed in the data (the control arm's unit values, or the pre-period covariate
// when the metric names one and no outcomes are in yet) and the traffic observed in the exposures.
import { EvalspecError } from '../errors.js';
import { experimentSampleSize } from '../stats/index.js';
import { loadExperiment, type ExperimentConfig } from './schema.js';
import { loadExperimentData } from './load.js';
import { accumulate, sweepMeasure } from './measures.js';

export interface PlanOptions {
  mde: number;
  /** The MDE is relative to the control mean (0.02 = a 2% lift) instead of absolute. */
  relative?: boolean;
  power?: number;
}

export interface MetricPlan {
  metric: string;
  controlMean: number | null;
  sd: number | null;
  /** Where the variance comes from. */
  varianceFrom: 'control arm' | 'pre-period covariate';
  unitsPerArm: number[] | null;
  totalUnits: number | null;
  days: number | null;
  method: string | null;
  note: string | null;
}

export interface ExperimentPlan {
  name: string;
  mde: number;
  relative: boolean;
  power: number;
  level: number;
  /** Units first exposed per day, observed over the exposures' days; null when unknown. */
  unitsPerDay: number | null;
  metrics: MetricPlan[];
}

export async function planExperiment(input: string | ExperimentConfig, options: PlanOptions): Promise<ExperimentPlan> {
  if (!(options.mde > 0))
    throw new EvalspecError('USAGE', `--mde must be > 0, got ${options.mde}`, { hint: 'e.g. --mde 0.02 (2 points) or --mde 0.05 --relative (a 5% lift)' });
  const power = options.power ?? 0.8;
  const config = typeof input === 'string' ? loadExperiment(input) : input;
  const data = await loadExperimentData(config);
  let exposed = 0;
  for (let u = 0; u < data.units; u++) if (data.arm[u] >= 0) exposed++;
  const unitsPerDay = data.days > 0 && exposed > 0 ? exposed / data.days : null;
  const weights = config.arms.map((a) => a.weight);
  const level = config.analysis.level;
  const metrics = data.measures
    .filter((m) => m.guardrail === null)
    .map((measure): MetricPlan => {
      const values = sweepMeasure(data, measure);
      const accs = accumulate(data, values, 'raw', null);
      const c = accs[data.controlIndex];
      let n = c[0];
      let mean = n > 0 ? c[1] / n : Number.NaN;
      let variance = n > 1 ? (c[2] - (c[1] * c[1]) / n) / (n - 1) : Number.NaN;
      let varianceFrom: MetricPlan['varianceFrom'] = 'control arm';
      if (values.denominator) {
        // Ratio: the variance of the linearised unit value (x − r·y)/ȳ (delta method).
        const [, sx, sxx, sy, syy, sxy] = c;
        const r = sy === 0 ? Number.NaN : sx / sy;
        const ybar = sy / n;
        const vx = (sxx - (sx * sx) / n) / (n - 1);
        const vy = (syy - (sy * sy) / n) / (n - 1);
        const cxy = (sxy - (sx * sy) / n) / (n - 1);
        mean = r;
        variance = (vx - 2 * r * cxy + r * r * vy) / (ybar * ybar);
      } else if (!(n > 1) && measure.covariate !== null) {
        const x = data.covariates[measure.covariate].of;
        let s = 0;
        let ss = 0;
        n = 0;
        for (let u = 0; u < data.units; u++) {
          if (data.arm[u] === data.controlIndex && !Number.isNaN(x[u])) {
            n++;
            s += x[u];
            ss += x[u] * x[u];
          }
        }
        mean = n > 0 ? s / n : Number.NaN;
        variance = n > 1 ? (ss - (s * s) / n) / (n - 1) : Number.NaN;
        varianceFrom = 'pre-period covariate';
      }
      const sd = Math.sqrt(variance);
      if (!Number.isFinite(sd) || sd === 0 || !Number.isFinite(mean)) {
        return {
          metric: measure.id,
          controlMean: Number.isFinite(mean) ? mean : null,
          sd: null,
          varianceFrom,
          unitsPerArm: null,
          totalUnits: null,
          days: null,
          method: null,
          note: 'not enough control data to estimate the variance',
        };
      }
      const size = experimentSampleSize({
        mde: options.mde,
        relative: options.relative ?? false,
        controlMean: mean,
        sd,
        weights,
        level,
        power,
        unitsPerDay: unitsPerDay ?? undefined,
      });
      return {
        metric: measure.id,
        controlMean: mean,
        sd,
        varianceFrom,
        unitsPerArm: size.unitsPerArm,
        totalUnits: size.totalUnits,
        days: size.days,
        method: size.method,
        note: null,
      };
    });
  return { name: config.name, mde: options.mde, relative: options.relative ?? false, power, level, unitsPerDay, metrics };
}

export function renderPlanText(plan: ExperimentPlan, escape: (t: string) => string): string {
  const mde = plan.relative
    ? `${(plan.mde * 100).toFixed(1)}% relative lift`
    : `${plan.mde} absolute change (proportions: ${(plan.mde * 100).toFixed(1)} points)`;
  const lines = [
    `plan for ${escape(plan.name)}: detect a ${mde} at ${(plan.power * 100).toFixed(0)}% power, ${(plan.level * 100).toFixed(0)}% confidence`,
    `observed traffic: ${plan.unitsPerDay === null ? 'unknown' : `${plan.unitsPerDay.toFixed(0)} new units per day`}`,
  ];
  for (const m of plan.metrics) {
    if (m.totalUnits === null) {
      lines.push(`  ${escape(m.metric)}: unknown (${m.note ?? ''})`);
      continue;
    }
    const days = m.days === null ? 'unknown days (no traffic figure)' : `${m.days} days`;
    lines.push(
      `  ${escape(m.metric)}: ${m.totalUnits} units (${(m.unitsPerArm ?? []).join(' / ')} per arm), ${days}; control mean ${m.controlMean?.toPrecision(4)}, sd ${m.sd?.toPrecision(4)} (from the ${m.varianceFrom}); ${m.method}`,
    );
  }
  return lines.join('\n');
}
