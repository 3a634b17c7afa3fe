// The effect broken down: per segment (unit attributes from the exposures, with the too-small rule) and by
// cohort for the novelty check (units first exposed in the first `novelty_days` days vs later, with a test of
// the difference between the two effects).
import { effectDifference, segmentWarning } from '../stats/index.js';
import { accumulate, accumulateGroups } from './measures.js';

/** At most this many values of one segment attribute are listed (the largest): a segment is a handful of groups. */
const MAX_SEGMENT_VALUES = 50;
import { compareArms, conclude, decidingAbsolute, type CompareContext } from './compare.js';
import type { NoveltyCheck, SegmentResult } from './scorecard-types.js';

export function segmentResults(ctx: CompareContext, treatments: number[]): SegmentResult[] {
  const { config, data, values } = ctx;
  const alpha = 1 - config.analysis.level;
  const min = config.analysis.min_segment_units;
  const out: SegmentResult[] = [];
  for (const segment of data.segments) {
    // One pass per attribute: group 0 is "(unknown)", value v is group v + 1.
    const groups = segment.values.length + 1;
    const deciding = accumulateGroups(data, values, 'deciding', (u) => segment.of[u] + 1, groups);
    const raw = accumulateGroups(data, values, 'raw', (u) => segment.of[u] + 1, groups);
    const size = (g: number) => raw[g].reduce((n, a) => n + a[0], 0);
    // The largest values first; an attribute with very many values (an id by mistake) lists only the largest.
    const shown = Array.from({ length: groups }, (_, g) => g)
      .filter((g) => size(g) > 0)
      .sort((a, b) => size(b) - size(a) || a - b)
      .slice(0, MAX_SEGMENT_VALUES);
    for (const g of shown) {
      const units = raw[g].map((a) => a[0]);
      const comparisons = treatments.map((t) => {
        const c = compareArms(ctx, deciding[g], raw[g], t);
        c.conclusion = conclude(c, values.measure.spec.higher_is_better, alpha, ctx.srmFired);
        return c;
      });
      // The suite's too-small rule (stats/segment-size.ts) on the smallest arm: below the minimum, shown but not judged.
      const smallest = Math.min(...units);
      const interval = comparisons[0]?.effect.absolute ?? null;
      const tooSmall = segmentWarning(smallest, interval, min, Infinity) !== null;
      if (tooSmall) for (const c of comparisons) if (c.conclusion !== 'blocked' && c.conclusion !== null) c.conclusion = 'no detectable change';
      out.push({ segment: `${segment.name}=${g === 0 ? '(unknown)' : segment.values[g - 1]}`, units, tooSmall, comparisons });
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
