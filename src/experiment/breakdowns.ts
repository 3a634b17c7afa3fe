// The effect broken down: per segment (unit attributes from the exposures, with the too-small rule) and by
// cohort for the novelty check (units first exposed in the first `novelty_days` days vs later, with a test of
// the difference between the two effects).
import { effectDifference, segmentWarning } from '../stats/index.js';
import { accumulate } from './measures.js';
import { compareArms, conclude, decidingAbsolute, type CompareContext } from './compare.js';
import type { NoveltyCheck, SegmentResult } from './scorecard-types.js';

export function segmentResults(ctx: CompareContext, treatments: number[]): SegmentResult[] {
  const { config, data, values } = ctx;
  const alpha = 1 - config.analysis.level;
  const min = config.analysis.min_segment_units;
  const out: SegmentResult[] = [];
  for (const segment of data.segments) {
    const present = new Set<number>();
    for (let u = 0; u < data.units; u++) if (data.arm[u] >= 0) present.add(segment.of[u]);
    for (const v of [...present].sort((a, b) => a - b)) {
      const keep = (u: number) => segment.of[u] === v;
      const deciding = accumulate(data, values, 'deciding', keep);
      const raw = accumulate(data, values, 'raw', keep);
      const units = raw.map((a) => a[0]);
      const comparisons = treatments.map((t) => {
        const c = compareArms(ctx, deciding, raw, t);
        c.conclusion = conclude(c, values.measure.spec.higher_is_better, alpha, ctx.srmFired);
        return c;
      });
      // The suite's too-small rule (stats/segment-size.ts) on the smallest arm: below the minimum, shown but not judged.
      const smallest = Math.min(...units);
      const interval = comparisons[0]?.effect.absolute ?? null;
      const tooSmall = segmentWarning(smallest, interval, min, Infinity) !== null;
      if (tooSmall) for (const c of comparisons) if (c.conclusion !== 'blocked' && c.conclusion !== null) c.conclusion = 'no detectable change';
      out.push({ segment: `${segment.name}=${v < 0 ? '(unknown)' : segment.values[v]}`, units, tooSmall, comparisons });
    }
  }
  return out;
}

export function noveltyChecks(ctx: CompareContext, treatments: number[]): NoveltyCheck[] {
  const { config, data, values } = ctx;
  const days = config.analysis.novelty_days;
  if (data.days <= days) return [];
  const early = (u: number) => data.exposureDay[u] < days;
  const late = (u: number) => data.exposureDay[u] >= days;
  const [ed, er, ld, lr] = [
    accumulate(data, values, 'deciding', early),
    accumulate(data, values, 'raw', early),
    accumulate(data, values, 'deciding', late),
    accumulate(data, values, 'raw', late),
  ];
  return treatments.map((t) => {
    const e = compareArms(ctx, ed, er, t);
    const l = compareArms(ctx, ld, lr, t);
    const a = decidingAbsoluteFixed(e);
    const b = decidingAbsoluteFixed(l);
    // Disjoint cohorts (no unit is in both): the difference later − early has variance se₁² + se₂².
    const difference = a && b ? effectDifference(a, b) : null;
    const detected = difference ? (difference.low > 0 || difference.high < 0) && Math.abs(a!.estimate) > Math.abs(b!.estimate) : null;
    return { days, arm: data.armIds[t], early: e.effect, late: l.effect, difference, detected };
  });
}

/** Novelty compares the fixed-horizon effects: the sequential widening is about repeated looks, not cohorts. */
function decidingAbsoluteFixed(c: ReturnType<typeof compareArms>) {
  return c.effect.absolute ?? decidingAbsolute(c);
}
