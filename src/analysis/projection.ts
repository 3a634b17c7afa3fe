// Scale projection: per-case costs measured on the suite, turned into monthly and yearly spend at a stated
// volume ("2M/month", "500k/day", "1e6"), and the saving (with the quality change and its interval) of each
// switch. Pure arithmetic; the assumptions (cost per case as measured, segment mix as in the suite) are
// stated in the output.
import { EvalspecError } from '../errors.js';
import type { Interval } from '../stats/index.js';
import { compareVariants, routedVariant, segmentCaseIds, type Comparison, type Selection, type SelectionInput } from './selection.js';

export type VolumePeriod = 'day' | 'week' | 'month' | 'year';

export interface Volume {
  /** Cases (requests) per period as given. */
  count: number;
  period: VolumePeriod;
  perMonth: number;
  perYear: number;
  /** As written, normalised: "2,000,000/month". */
  text: string;
}

const PER_YEAR: Record<VolumePeriod, number> = { day: 365, week: 52, month: 12, year: 1 };
const PERIODS: Record<string, VolumePeriod> = {
  d: 'day',
  day: 'day',
  days: 'day',
  daily: 'day',
  w: 'week',
  wk: 'week',
  week: 'week',
  weeks: 'week',
  weekly: 'week',
  mo: 'month',
  mon: 'month',
  month: 'month',
  months: 'month',
  monthly: 'month',
  y: 'year',
  yr: 'year',
  year: 'year',
  years: 'year',
  yearly: 'year',
  annual: 'year',
};
const MULTIPLIERS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, b: 1e9, g: 1e9 };

/**
 * Parse a volume: a number with an optional k / M / B suffix (case-insensitive; "M" is million), then an
 * optional period after "/", "per" or a space (day, week, month, year; default month).
 * "2M/month", "500k/day", "1e6", "2m per month", "10000 / week".
 */
export function parseVolume(text: string): Volume {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmbg]?)\s*(?:(?:\/|per\b|a\b|an\b)?\s*([a-z]+))?\s*$/i.exec(text.replace(/[,_]/g, ''));
  const fail = () => new EvalspecError('USAGE', `cannot read the volume "${text}"`, { hint: 'write e.g. 2M/month, 500k/day, 1e6 (per month), 120000/week' });
  if (!match) throw fail();
  const count = Number(match[1]) * MULTIPLIERS[match[2].toLowerCase()];
  const period = match[3] ? PERIODS[match[3].toLowerCase()] : 'month';
  if (!period || !Number.isFinite(count) || count <= 0) throw fail();
  const perYear = count * PER_YEAR[period];
  return { count, period, perYear, perMonth: perYear / 12, text: `${Math.round(count).toLocaleString('en-US')}/${period}` };
}

export interface SpendProjection {
  variant: string;
  costPerCase: number | null;
  monthlyUsd: number | null;
  yearlyUsd: number | null;
  /** The yearly spend at the ends of the cost-per-case interval. */
  yearlyUsdCi: { low: number; high: number } | null;
}

export interface SwitchProjection {
  /** "overall" or a segment name. */
  scope: string;
  from: string;
  to: string;
  /** Volume the switch applies to, per year (a segment: its share of the suite's cases). */
  casesPerYear: number;
  /** (from − to) cost per case × cases per year; negative = the switch costs more. */
  yearlySavingUsd: number | null;
  monthlySavingUsd: number | null;
  /** to − from, paired, in quality (share). */
  qualityChange: number | null;
  qualityChangeCi: Interval | null;
}

export interface Projection {
  volume: Volume;
  /** Whose spend the savings are measured from: the given baseline, else the best variant. */
  baseline: string;
  spend: SpendProjection[];
  switches: SwitchProjection[];
  routing: (SwitchProjection & { routedYearlyUsd: number | null }) | null;
  assumptions: string[];
}

export function projectSpend(variant: string, costPerCase: number | null, costCi: Interval | null, volume: Volume): SpendProjection {
  return {
    variant,
    costPerCase,
    monthlyUsd: costPerCase === null ? null : costPerCase * volume.perMonth,
    yearlyUsd: costPerCase === null ? null : costPerCase * volume.perYear,
    yearlyUsdCi: costCi ? { low: costCi.low * volume.perYear, high: costCi.high * volume.perYear } : null,
  };
}

function switchOf(
  scope: string,
  from: string,
  to: string,
  fromCost: number | null,
  toCost: number | null,
  casesPerYear: number,
  change: Comparison | null,
): SwitchProjection {
  const saving = fromCost === null || toCost === null ? null : (fromCost - toCost) * casesPerYear;
  return {
    scope,
    from,
    to,
    casesPerYear,
    yearlySavingUsd: saving,
    monthlySavingUsd: saving === null ? null : saving / 12,
    qualityChange: change?.difference ?? (from === to ? 0 : null),
    qualityChangeCi: change?.interval ?? null,
  };
}

/**
 * Spend per variant at this volume, and the saving of switching from the baseline (default: the best
 * variant) to each other variant overall, to each segment's cheapest adequate variant on that segment's
 * traffic, and to the routing suggestion; each with the paired quality change and its interval.
 */
export function projectSelection(input: SelectionInput, selection: Selection, volume: Volume, baseline?: string): Projection {
  const from = baseline ?? selection.best;
  if (!from || !selection.points.some((p) => p.variant === from)) {
    throw new EvalspecError('USAGE', `no variant "${baseline ?? ''}" in this run`, {
      hint: `use one of: ${selection.points.map((p) => p.variant).join(', ')}`,
    });
  }
  const bySegment = segmentCaseIds(input);
  const variants = new Map(input.variants.map((v) => [v.id, v]));
  if (selection.routing) variants.set('routed', routedVariant(input.variants, selection.routing.routes, bySegment));
  const compare = (to: string, caseIds: readonly string[] | null): Comparison | null =>
    compareVariants(variants.get(to)!, variants.get(from)!, { ...input, level: selection.level }, caseIds);

  const fromPoint = selection.points.find((p) => p.variant === from)!;
  const spend = selection.points.map((p) => projectSpend(p.variant, p.costPerCase, p.costPerCaseCi, volume));
  const switches: SwitchProjection[] = selection.points
    .filter((p) => p.variant !== from)
    .map((p) => switchOf('overall', from, p.variant, fromPoint.costPerCase, p.costPerCase, volume.perYear, compare(p.variant, null)));
  for (const s of selection.segments) {
    const to = s.floor.choice;
    if (!to || to === from) continue;
    const fromSeg = s.points.find((p) => p.variant === from)?.costPerCase ?? null;
    const toSeg = s.points.find((p) => p.variant === to)?.costPerCase ?? null;
    switches.push(switchOf(s.segment, from, to, fromSeg, toSeg, volume.perYear * s.share, compare(to, bySegment.get(s.segment) ?? [])));
  }
  let routing: Projection['routing'] = null;
  if (selection.routing) {
    const r = selection.routing;
    routing = {
      ...switchOf('routing', from, 'routed', fromPoint.costPerCase, r.costPerCase, volume.perYear, compare('routed', null)),
      routedYearlyUsd: r.costPerCase === null ? null : r.costPerCase * volume.perYear,
    };
  }
  return {
    volume,
    baseline: from,
    spend,
    switches,
    routing,
    assumptions: [
      "cost per case as measured on the suite (its prompts and answer lengths) at today's list prices",
      selection.segments.length
        ? "each segment's share of the traffic as its share of the suite's cases"
        : 'every request costs what an average case of the suite costs',
      'a year is 12 months, 52 weeks or 365 days',
    ],
  };
}
