// Run-level figures from per-case outcomes (see outcomes.ts): per-variant pass rates with the right interval
// (Wilson, t over per-case shares with repeats, clustered-t with clusters), consistency of repeats, paired
// comparisons of every variant with the baseline (paired t, McNemar exact, seeded paired bootstrap, Holm
// across comparisons), and the same figures per tag (segment). Pure: no store, no I/O.
import type {
  AnalysisOptions,
  BaselineChoice,
  Comparison,
  ConsistencyFigure,
  RunAnalysis,
  ScoreComparison,
  SegmentComparison,
  SegmentFigures,
  VariantFigures,
} from './run-analysis-types.js';
import type { ClusterId } from './means.js';
import { consistency } from './repeats.js';
import { pairedBootstrap } from './paired-difference.js';
import { comparePaired, pairedWithInterval } from './paired-comparison.js';
import { holmAdjust } from './multiple-comparisons.js';
import { ScratchColumns } from './scratch.js';
import { segmentWarning } from './segment-size.js';
import { positionsByTag } from './tag-index.js';
import {
  caseAt,
  caseFailure,
  caseValue,
  clusterKey,
  hasClusters,
  mapCases,
  passRateFigure,
  tagsAt,
  type CaseList,
  type RunOutcomes,
  type VariantOutcomes,
} from './outcomes.js';

const DEFAULT_SEED = 20241107;

/** Resolve a variant reference (id or model label) among the run's variants. */
export function resolveVariants(ref: string, outcomes: RunOutcomes, labels: Record<string, string> = {}): string[] {
  const exact = outcomes.variants.filter((v) => v.id === ref).map((v) => v.id);
  if (exact.length) return exact;
  return outcomes.variants.filter((v) => labels[v.id] === ref).map((v) => v.id);
}

export function chooseBaseline(outcomes: RunOutcomes, options: AnalysisOptions = {}): BaselineChoice | null {
  if (outcomes.variants.length === 0) return null;
  const first = outcomes.variants[0].id;
  if (options.baseline === undefined) return { id: first, source: 'first-variant', note: null };
  const matches = resolveVariants(options.baseline, outcomes, options.labels);
  if (matches.length === 0) {
    return {
      id: first,
      source: 'first-variant',
      note: `the suite's baseline "${options.baseline}" is not in this run; comparisons use the first variant, ${first}`,
    };
  }
  return {
    id: matches[0],
    source: 'suite',
    note: matches.length > 1 ? `baseline "${options.baseline}" names ${matches.length} variants; using ${matches[0]}` : null,
  };
}

/** Case indices of a tag (exact tag, or `segment:NAME` when NAME alone is given). */
export function segmentCases(cases: CaseList, segment: string): number[] {
  const withTag = (tag: string): number[] => {
    const out: number[] = [];
    for (let i = 0; i < cases.length; i++) if (tagsAt(cases, i).includes(tag)) out.push(i);
    return out;
  };
  const exact = withTag(segment);
  if (exact.length || segment.startsWith('segment:')) return exact;
  return withTag(`segment:${segment}`);
}

/** Case indices; an Int32Array when a million cases' worth is built at once (off the JavaScript heap). */
type Indices = readonly number[] | Int32Array;

function clusterIdsOf(cases: CaseList, indices: Indices, clustered: boolean): ClusterId[] | undefined {
  if (!clustered) return undefined;
  const ids: ClusterId[] = new Array(indices.length);
  for (let k = 0; k < indices.length; k++) ids[k] = clusterKey(caseAt(cases, indices[k]));
  return ids;
}

const CRITICAL = { severity: 'critical' } as const;

/** How many indices satisfy `test`, without an array of them (at 500,000 cases each would be megabytes). */
function countWhere(indices: Indices, test: (i: number) => boolean): number {
  let n = 0;
  for (const i of indices) if (test(i)) n++;
  return n;
}

function variantFigures(
  outcomes: RunOutcomes,
  variant: VariantOutcomes,
  indices: Indices,
  clustered: boolean,
  level: number,
  scratch: ScratchColumns,
): Omit<VariantFigures, 'id' | 'consistency'> {
  // One pass, each outcome read once (a column-backed list makes it on access): per-case pass values in case
  // order, the score summed in that order (as a reduce over the scores would), the counts.
  const shares = scratch.float('x', indices.length);
  const present = scratch.int('cases', indices.length);
  let n = 0;
  let scoreSum = 0;
  let scored = 0;
  let erroredCases = 0;
  let criticalFailureCases = 0;
  for (let k = 0; k < indices.length; k++) {
    const o = variant.outcomes.at(indices[k]);
    if (o === undefined || o.results === 0) continue;
    shares[n] = caseValue(o, 'pass_rate')!;
    present[n++] = indices[k];
    if (o.score !== null) {
      scoreSum += o.score;
      scored++;
    }
    if (o.errored > 0) erroredCases++;
    if (caseFailure(o, CRITICAL) === 'failed') criticalFailureCases++;
  }
  const figure = passRateFigure(
    shares.subarray(0, n),
    clusterIdsOf(outcomes.cases, present.subarray(0, n), clustered),
    outcomes.repeat,
    level,
    outcomes.passValueName,
  );
  return {
    cases: n,
    passRate: figure?.passRate ?? null,
    passRateCi: figure?.interval ?? null,
    meanScore: scored ? scoreSum / scored : null,
    erroredCases,
    criticalFailureCases,
  };
}

function consistencyFigure(outcomes: RunOutcomes, variant: VariantOutcomes, level: number, listed: number): ConsistencyFigure | null {
  const perCase: boolean[][] = [];
  const ids: string[] = [];
  variant.outcomes.forEach((o, i) => {
    if (!o) return;
    // Only judged repeats: an errored call says nothing about whether the model is consistent.
    const judged = o.results - o.errored;
    perCase.push([...Array<boolean>(o.passed).fill(true), ...Array<boolean>(Math.max(0, judged - o.passed)).fill(false)]);
    ids.push(caseAt(outcomes.cases, i).id);
  });
  const result = consistency(perCase, level);
  if (!result) return null;
  const flaky = ids.filter((_, k) => perCase[k].length >= 2 && perCase[k].some(Boolean) && !perCase[k].every(Boolean));
  return { cases: result.cases, disagreeing: result.disagreeing, share: result.share, interval: result.interval, flakyCases: flaky.slice(0, listed) };
}

interface PairedVectors {
  indices: Int32Array;
  a: Float64Array;
  b: Float64Array;
}

/**
 * The cases both variants have a value of `metric` for, with the two values (each outcome read once), in the
 * scratch columns: valid until the next pairedValues or variantFigures call (lengths stay right: they are views).
 */
function pairedValues(base: VariantOutcomes, other: VariantOutcomes, indices: Indices, metric: string, scratch: ScratchColumns): PairedVectors {
  const both = scratch.int('cases', indices.length);
  const a = scratch.float('x', indices.length);
  const b = scratch.float('y', indices.length);
  let n = 0;
  for (let k = 0; k < indices.length; k++) {
    const x = caseValue(base.outcomes.at(indices[k]), metric);
    if (x === undefined) continue;
    const y = caseValue(other.outcomes.at(indices[k]), metric);
    if (y === undefined) continue;
    both[n] = indices[k];
    a[n] = x;
    b[n++] = y;
  }
  return { indices: both.subarray(0, n), a: a.subarray(0, n), b: b.subarray(0, n) };
}

// Kept here for run-diff.ts, which imports it from this file.
export { pairedWithInterval };

function compare(
  outcomes: RunOutcomes,
  base: VariantOutcomes,
  other: VariantOutcomes,
  indices: Indices,
  clustered: boolean,
  options: Required<Pick<AnalysisOptions, 'level' | 'seed' | 'resamples'>>,
  scratch: ScratchColumns,
): Omit<Comparison, 'pValueHolm' | 'mcnemar'> & { mcnemarRaw: { b01: number; b10: number; pValue: number; midPValue: number } | null } {
  const { level } = options;
  const pass = pairedValues(base, other, indices, 'pass_rate', scratch);
  const clusters = clusterIdsOf(outcomes.cases, pass.indices, clustered);
  // The one paired comparison (paired-comparison.ts), the same figures `select` and the viewer show.
  const c = comparePaired(pass.a, pass.b, { level, clusterIds: clusters, binary: outcomes.repeat === 1 });
  const mcnemarRaw = c?.mcnemar ? { b01: c.mcnemar.b01, b10: c.mcnemar.b10, pValue: c.mcnemar.pValue, midPValue: c.mcnemar.midPValue } : null;
  let score: ScoreComparison | null = null;
  const sc = pairedValues(base, other, indices, 'score', scratch);
  if (sc.a.length > 0) {
    const scoreClusters = clusterIdsOf(outcomes.cases, sc.indices, clustered);
    const scorePaired = comparePaired(sc.a, sc.b, { level, clusterIds: scoreClusters })!;
    const boot =
      sc.a.length >= 2 ? pairedBootstrap(sc.a, sc.b, { seed: options.seed, resamples: options.resamples, level, clusterIds: scoreClusters }) : undefined;
    score = {
      n: scorePaired.n,
      meanBaseline: scorePaired.meanA,
      meanVariant: scorePaired.meanB,
      difference: scorePaired.difference,
      interval: scorePaired.interval,
      pValue: scorePaired.pValue,
      bootstrap: boot ? { interval: boot.interval, se: boot.se, seed: boot.seed, resamples: boot.resamples } : null,
    };
  }
  return {
    baseline: base.id,
    variant: other.id,
    n: pass.a.length,
    clusters: c?.clusters ?? null,
    baselinePassRate: c?.meanA ?? null,
    variantPassRate: c?.meanB ?? null,
    difference: c?.difference ?? null,
    se: c?.se ?? null,
    df: c?.df ?? null,
    interval: c?.interval ?? null,
    test: c?.test ?? (clusters ? 'clustered-paired-t' : 'paired-t'),
    pValue: c?.pValue ?? null,
    detected: c?.detected ?? false,
    minimumDetectableDifference: c?.minimumDetectableDifference ?? null,
    score,
    mcnemarRaw,
  };
}

/** Holm over the defined p-values; comparisons without a p-value count in m as p = 1 (no evidence). */
function holmWithGaps(pValues: (number | null)[]): (number | null)[] {
  if (pValues.length === 0) return [];
  const adjusted = holmAdjust(pValues.map((p) => p ?? 1));
  return pValues.map((p, i) => (p === null ? null : adjusted[i]));
}

/** A segment with fewer cases than this is too small to say anything (the run report's default). */
export const DEFAULT_MIN_SEGMENT_CASES = 10;

/** Everything a report shows beyond the per-variant table: comparisons, consistency, segments. */
export function analyzeRun(outcomes: RunOutcomes, options: AnalysisOptions = {}): RunAnalysis {
  const level = options.level ?? 0.95;
  const seed = options.seed ?? DEFAULT_SEED;
  const resamples = options.resamples ?? 2000;
  const minCases = options.minSegmentCases ?? DEFAULT_MIN_SEGMENT_CASES;
  const maxHalf = options.maxSegmentHalfWidth ?? 0.15;
  const listed = options.flakyCasesListed ?? 20;
  const clustered = hasClusters(outcomes.cases);
  // Per-case working columns shared by every variant, comparison and segment: the uses are x, y and cases, shared
  // by variantFigures and pairedValues, which never run inside each other.
  const scratch = options.scratch ?? new ScratchColumns();
  const all = new Int32Array(outcomes.cases.length);
  for (let i = 0; i < all.length; i++) all[i] = i;
  const baseline = chooseBaseline(outcomes, options);

  const variants: VariantFigures[] = outcomes.variants.map((v) => ({
    id: v.id,
    ...variantFigures(outcomes, v, all, clustered, level, scratch),
    consistency: outcomes.repeat > 1 ? consistencyFigure(outcomes, v, level, listed) : null,
  }));

  const base = baseline ? outcomes.variants.find((v) => v.id === baseline.id)! : undefined;
  const others = base ? outcomes.variants.filter((v) => v.id !== base.id) : [];
  const raw = others.map((v) => compare(outcomes, base!, v, all, clustered, { level, seed, resamples }, scratch));
  const holm = holmWithGaps(raw.map((c) => c.pValue));
  const mcnemarHolm = raw.every((c) => c.mcnemarRaw) ? holmAdjust(raw.map((c) => c.mcnemarRaw!.pValue)) : [];
  const comparisons: Comparison[] = raw.map(({ mcnemarRaw, ...c }, k) => {
    return {
      ...c,
      pValueHolm: holm[k],
      mcnemar: mcnemarRaw
        ? {
            onlyBaselinePassed: mcnemarRaw.b10,
            onlyVariantPassed: mcnemarRaw.b01,
            pValue: mcnemarRaw.pValue,
            pValueHolm: mcnemarHolm[k] ?? mcnemarRaw.pValue,
            method: 'mcnemar-exact',
          }
        : null,
    };
  });

  // One scan of the cases for all tags (not one per tag): a run where every case has its own tag must not turn
  // quadratic.
  const byTag = positionsByTag(outcomes.cases.length, (i) => tagsAt(outcomes.cases, i));
  const maxSegments = options.maxSegments ?? 200;
  const ranked = [...byTag.keys()].sort(
    (x, y) => Number(y.startsWith('segment:')) - Number(x.startsWith('segment:')) || byTag.get(y)!.length - byTag.get(x)!.length || (x < y ? -1 : 1),
  );
  const tags = ranked.slice(0, maxSegments).sort();
  const segments: SegmentFigures[] = tags.map((tag) => {
    const indices = byTag.get(tag)!;
    const figures = outcomes.variants.map((v) => {
      const f = variantFigures(outcomes, v, indices, clustered, level, scratch);
      return {
        id: v.id,
        cases: f.cases,
        passRate: f.passRate,
        passRateCi: f.passRateCi,
        meanScore: f.meanScore,
        criticalFailureCases: f.criticalFailureCases,
        erroredCases: f.erroredCases,
        warning: segmentWarning(f.cases, f.passRateCi, minCases, maxHalf),
      };
    });
    const segmentComparisons: SegmentComparison[] = others.map((v) => {
      const pass = pairedValues(base!, v, indices, 'pass_rate', scratch);
      const c = comparePaired(pass.a, pass.b, { level, clusterIds: clusterIdsOf(outcomes.cases, pass.indices, clustered), binary: outcomes.repeat === 1 });
      return {
        baseline: base!.id,
        variant: v.id,
        n: pass.a.length,
        difference: c?.difference ?? NaN,
        interval: c?.interval ?? null,
        pValue: c?.pValue ?? null,
      };
    });
    // The cases of the segment that ran (a budget-stopped or interrupted run has stored cases with no result).
    const ran = countWhere(indices, (i) => outcomes.variants.some((v) => v.outcomes.at(i) !== undefined));
    return { tag, cases: ran, variants: figures, comparisons: segmentComparisons.filter((c) => c.n > 0) };
  });

  return {
    level,
    baseline,
    clusters: clustered ? new Set(mapCases(outcomes.cases, clusterKey)).size : null,
    variants,
    comparisons,
    segments,
    segmentsOmitted: ranked.length - tags.length,
  };
}
