// Model selection as a measured decision: the Pareto frontier of variants on quality (pass rate, with its
// interval) against cost per case (or p95 latency), what dominates each variant off the frontier, the
// cheapest variant that provably stays within a margin of the best (overall and per segment), and a routing
// suggestion when segments disagree. Pure functions over per-case data: `loadSelectionData` (selection-
// data.ts) builds the input from a stored run. See docs/cost-and-selection.md.
//
// Quality comparisons are paired (same cases) and come from the same function as `evalspec run`'s and the
// viewer's (stats comparePaired): with one result per case (binary outcomes) Newcombe's paired interval and
// McNemar's mid-p; with repeats or clusters, the paired t over per-case pass shares. "Provably within X of
// the best" means the lower end of the two-sided interval of (variant − best) is at least −X.
import type { Interval } from '../stats/index.js';
import { segmentCaseIds } from './segment-cases.js';
import {
  compareVariants,
  FigureScratch,
  variantFigures,
  type CaseOutcome,
  type Comparison,
  type QualityDesign,
  type SelectionVariant,
  type VariantFigures,
} from './selection-figures.js';

export {
  compareVariants,
  variantFigures,
  type CaseOutcome,
  type Comparison,
  type LatencySummary,
  type QualityDesign,
  type SelectionVariant,
  type VariantFigures,
} from './selection-figures.js';

export type SelectionAxis = 'cost' | 'latency';

/** The run's design (binary outcomes, repeats, reducer, clusters: QualityDesign) and what to select on. */
export interface SelectionInput extends QualityDesign {
  variants: SelectionVariant[];
  /** Segment of each case (cases without one form the segment "(untagged)" when others have one). */
  segments?: ReadonlyMap<string, string>;
  /** The quality margin of the floor, as a share (0.03 = 3 points). */
  within?: number;
  /** What the frontier and the floor minimise: cost per case (default) or p95 latency. */
  by?: SelectionAxis;
}

export interface VariantPoint extends VariantFigures {
  onFrontier: boolean;
  /** Variants at least as good and at least as cheap (fast), one strictly; cheapest first. */
  dominatedBy: string[];
  /** The comparison with each dominating variant (dominator − this). */
  dominance: Comparison[];
  /** This − the best, paired; null for the best itself. */
  vsBest: Comparison | null;
  /** Provably within `within` of the best (the best itself: true). */
  meetsFloor: boolean;
}

export interface FloorChoice {
  /** "overall" or the segment's name. */
  scope: string;
  cases: number;
  /**
   * The variant the floor is measured from: the best overall (highest pass rate over all cases), in every
   * segment too. Picking a per-segment winner on a handful of cases would route on noise.
   */
  reference: string | null;
  /** The cheapest (fastest) variant that provably meets the floor; null when none is priced (timed). */
  choice: string | null;
  /** choice − reference on these cases; null when the choice is the reference. */
  comparison: Comparison | null;
  /** Variants that meet the floor, cheapest (fastest) first. */
  adequate: string[];
  /** Every other variant against the reference on these cases (variant − reference). */
  comparisons: Comparison[];
}

export interface SegmentSelection {
  segment: string;
  cases: number;
  /** Share of the cases of the run. */
  share: number;
  points: VariantFigures[];
  floor: FloorChoice;
}

export interface RoutingSuggestion {
  routes: { segment: string; variant: string; cases: number; share: number }[];
  cases: number;
  quality: number;
  qualityCi: Interval | null;
  costPerCase: number | null;
  p95LatencyMs: number | null;
  /** routed − best, paired over all cases. */
  vsBest: Comparison | null;
  /** routed − the overall choice, paired. */
  vsOverallChoice: Comparison | null;
  note: string;
}

export interface Selection {
  by: SelectionAxis;
  level: number;
  within: number;
  binary: boolean;
  best: string | null;
  points: VariantPoint[];
  /** On the frontier, cheapest (fastest) first. */
  frontier: string[];
  overall: FloorChoice;
  segments: SegmentSelection[];
  routing: RoutingSuggestion | null;
  /** Why there is no routing suggestion (null when there is one, or no segments). */
  noRoutingReason: string | null;
  warnings: string[];
}

export { UNTAGGED, segmentCaseIds } from './segment-cases.js';

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/** The input with its defaults filled in. */
type SelectOptions = SelectionInput & Required<Pick<SelectionInput, 'level' | 'within' | 'by'>>;
const EPSILON = 1e-12;

const axisValue = (f: VariantFigures, by: SelectionAxis): number | null => (by === 'cost' ? f.costPerCase : f.latencyMs.p95);

const lessOrEqual = (x: number, y: number): boolean => x <= y + EPSILON * Math.max(1, Math.abs(y));
const strictlyLess = (x: number, y: number): boolean => x < y - EPSILON * Math.max(1, Math.abs(y));

/** Does a dominate b: at least as good and at least as cheap (fast), strictly better on one? */
export function dominates(a: { quality: number | null; value: number | null }, b: { quality: number | null; value: number | null }): boolean {
  if (a.quality === null || b.quality === null || a.value === null || b.value === null) return false;
  const atLeast = lessOrEqual(b.quality, a.quality) && lessOrEqual(a.value, b.value);
  const strictly = strictlyLess(b.quality, a.quality) || strictlyLess(a.value, b.value);
  return atLeast && strictly;
}

/** The highest quality; ties go to the cheaper (faster), then to the first listed. */
function bestOf(figures: VariantFigures[], by: SelectionAxis): VariantFigures | null {
  let best: VariantFigures | null = null;
  for (const f of figures) {
    if (f.quality === null) continue;
    if (!best || f.quality > (best.quality as number) + EPSILON) {
      best = f;
      continue;
    }
    if (Math.abs(f.quality - (best.quality as number)) <= EPSILON) {
      const fv = axisValue(f, by);
      const bv = axisValue(best, by);
      if (fv !== null && (bv === null || strictlyLess(fv, bv))) best = f;
    }
  }
  return best;
}

function floorChoice(
  scope: string,
  variants: SelectionVariant[],
  figures: VariantFigures[],
  caseIds: readonly string[] | null,
  reference: string | null,
  options: SelectOptions,
): FloorChoice {
  const ref = figures.find((f) => f.variant === reference);
  if (!ref || ref.quality === null) return { scope, cases: ref?.cases ?? 0, reference, choice: null, comparison: null, adequate: [], comparisons: [] };
  const refVariant = variants.find((v) => v.id === reference)!;
  const adequate: { id: string; value: number; quality: number; comparison: Comparison | null }[] = [];
  const comparisons: Comparison[] = [];
  for (const f of figures) {
    const value = axisValue(f, options.by);
    if (f.variant === reference) {
      if (value !== null) adequate.push({ id: f.variant, value, quality: ref.quality, comparison: null });
      continue;
    }
    const c = compareVariants(
      variants.find((v) => v.id === f.variant)!,
      refVariant,
      options,
      caseIds,
    );
    if (c) comparisons.push(c);
    if (value === null || f.quality === null) continue;
    if (c?.interval && c.interval.low >= -options.within - EPSILON) adequate.push({ id: f.variant, value, quality: f.quality, comparison: c });
  }
  adequate.sort((x, y) => x.value - y.value || y.quality - x.quality);
  const pick = adequate[0];
  return {
    scope,
    cases: ref.cases,
    reference,
    choice: pick?.id ?? null,
    comparison: pick?.comparison ?? null,
    adequate: adequate.map((a) => a.id),
    comparisons,
  };
}

/** The whole selection: frontier, dominance, floors overall and per segment, routing. */
export function selectModels(input: SelectionInput): Selection {
  const level = input.level ?? 0.95;
  const within = input.within ?? 0.03;
  const by = input.by ?? 'cost';
  const { binary, variants } = input;
  const options: SelectOptions = { ...input, level, within, by, scratch: new FigureScratch() };
  const warnings: string[] = [];

  const figures = variants.map((v) => variantFigures(v, null, options));
  const caseCounts = new Set(figures.map((f) => f.cases));
  if (caseCounts.size > 1)
    warnings.push(`variants have results for different numbers of cases (${[...caseCounts].join(', ')}): comparisons are paired on the cases both have`);
  const missingAxis = figures.filter((f) => axisValue(f, by) === null).map((f) => f.variant);
  if (missingAxis.length) {
    warnings.push(
      by === 'cost'
        ? `no known price for ${missingAxis.join(', ')}: left off the frontier (add price: or price_as: to the model in the suite)`
        : `no measured latency for ${missingAxis.join(', ')}: left off the frontier (replayed logs without latency_ms have none)`,
    );
  }

  const best = bestOf(figures, by);
  const bestVariant = best ? variants.find((v) => v.id === best.variant)! : undefined;
  const overall = floorChoice('overall', variants, figures, null, best?.variant ?? null, options);

  const points: VariantPoint[] = figures.map((f, i) => {
    const value = axisValue(f, by);
    const dominators = figures
      .filter((g) => g.variant !== f.variant && dominates({ quality: g.quality, value: axisValue(g, by) }, { quality: f.quality, value }))
      .sort((x, y) => (axisValue(x, by) as number) - (axisValue(y, by) as number));
    const vsBest = bestVariant && bestVariant.id !== f.variant ? compareVariants(variants[i], bestVariant, options) : null;
    return {
      ...f,
      onFrontier: value !== null && f.quality !== null && dominators.length === 0,
      dominatedBy: dominators.map((d) => d.variant),
      dominance: dominators
        .map((d) =>
          compareVariants(
            variants.find((v) => v.id === d.variant)!,
            variants[i],
            options,
          ),
        )
        .filter((c): c is Comparison => c !== null),
      vsBest,
      meetsFloor: overall.adequate.includes(f.variant),
    };
  });
  const frontier = points
    .filter((p) => p.onFrontier)
    .sort((x, y) => (axisValue(x, by) as number) - (axisValue(y, by) as number) || (x.quality as number) - (y.quality as number))
    .map((p) => p.variant);

  // Segments: every case with a segment; untagged cases form their own segment when others are tagged.
  const segments: SegmentSelection[] = [];
  const bySegment = segmentCaseIds(input);
  if (bySegment.size > 0) {
    const total = sum([...bySegment.values()].map((ids) => ids.length));
    for (const [segment, ids] of bySegment) {
      const segFigures = variants.map((v) => variantFigures(v, ids, options));
      segments.push({
        segment,
        cases: ids.length,
        share: ids.length / total,
        points: segFigures,
        floor: floorChoice(segment, variants, segFigures, ids, best?.variant ?? null, options),
      });
    }
  }

  return {
    by,
    level,
    within,
    binary,
    best: best?.variant ?? null,
    points,
    frontier,
    overall,
    segments,
    ...routingSuggestion(variants, segments, bySegment, overall, best?.variant ?? null, options),
    warnings,
  };
}

/**
 * When segments have different cheapest-adequate variants: send each segment to its own, and measure the
 * blend on the same cases (each case answered by its segment's variant).
 */
function routingSuggestion(
  variants: SelectionVariant[],
  segments: SegmentSelection[],
  bySegment: Map<string, string[]>,
  overall: FloorChoice,
  best: string | null,
  options: SelectOptions,
): { routing: RoutingSuggestion | null; noRoutingReason: string | null } {
  const none = (noRoutingReason: string | null) => ({ routing: null, noRoutingReason });
  if (segments.length === 0 || best === null) return none(null);
  if (segments.length === 1) return none(`one segment only (${segments[0].segment})`);
  const chosen = new Set(segments.map((s) => s.floor.choice ?? overall.choice));
  if (chosen.has(null)) return none(`no variant with a known ${options.by === 'cost' ? 'price' : 'latency'} meets the floor in some segment`);
  if (chosen.size < 2) return none(`${[...chosen][0]} is the ${options.by === 'cost' ? 'cheapest' : 'fastest'} adequate variant in every segment`);
  const byId = new Map(variants.map((v) => [v.id, v]));
  const total = sum(segments.map((s) => s.cases));
  const routes = segments.map((s) => ({ segment: s.segment, variant: (s.floor.choice ?? overall.choice) as string, cases: s.cases, share: s.cases / total }));
  const routed = routedVariant(variants, routes, bySegment);
  const figures = variantFigures(routed, null, options);
  // Routing only pays when it beats sending everything to the overall choice.
  if (overall.choice) {
    const overallFigures = variantFigures(byId.get(overall.choice)!, null, options);
    const routedValue = axisValue(figures, options.by);
    const overallValue = axisValue(overallFigures, options.by);
    if (routedValue !== null && overallValue !== null && !strictlyLess(routedValue, overallValue)) {
      return none(
        `routing each segment to its own proven choice would ${options.by === 'cost' ? 'cost more' : 'be slower'} than ${overall.choice} for all traffic ` +
          '(segments where no cheaper variant is proven stay on the reference)',
      );
    }
  }
  const bestVariant = byId.get(best)!;
  const overallVariant = overall.choice ? byId.get(overall.choice) : undefined;
  return {
    noRoutingReason: null,
    routing: {
      routes,
      cases: figures.cases,
      quality: figures.quality as number,
      qualityCi: figures.qualityCi,
      costPerCase: figures.costPerCase,
      p95LatencyMs: figures.latencyMs.p95,
      vsBest: compareVariants(routed, bestVariant, options),
      vsOverallChoice: overallVariant && overallVariant.id !== best ? compareVariants(routed, overallVariant, options) : null,
      note: 'the routes were chosen on these same cases, so the blend is measured on the data that picked it: confirm it on fresh cases before relying on the quality figure',
    },
  };
}

/** The pseudo-variant "routed": each case answered by its segment's routed variant. */
export function routedVariant(
  variants: readonly SelectionVariant[],
  routes: readonly { segment: string; variant: string }[],
  bySegment: ReadonlyMap<string, readonly string[]>,
): SelectionVariant {
  const byId = new Map(variants.map((v) => [v.id, v]));
  const cases = new Map<string, CaseOutcome>();
  for (const r of routes) {
    const variant = byId.get(r.variant);
    if (!variant) continue;
    for (const id of bySegment.get(r.segment) ?? []) {
      const c = variant.cases.get(id);
      if (c) cases.set(id, c);
    }
  }
  return { id: 'routed', model: 'routing', cases };
}
