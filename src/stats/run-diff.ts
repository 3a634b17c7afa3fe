// What changed between two runs of a suite ("before" = the baseline run, "after" = the run under review), and
// whether it is real. Pure: takes the per-case outcomes of both runs (outcomes.ts) and each run's case content
// hashes; no store, no I/O.
//
// - Cases are matched by id AND content hash (vars and the case's own checks). Only unchanged cases are
//   compared; changed, added and removed cases are listed, never silently compared.
// - Variants are matched by id. Per variant and metric (pass_rate, score, every check metric present in both
//   runs) the paired difference after − before over the unchanged cases, with its t interval (clustered when
//   cases have a cluster), p-value and Holm-adjusted p-value across the metrics of that variant.
// - Per segment (case tag) the same for the pass rate, Holm-adjusted across the segments of that variant.
// - Flips per case (case-flips.ts: the case's pass value under the suite's repeat reducer, above one half):
//   fixed, broken, still failing, each with the critical checks it newly fails; and with repeats, the cases
//   whose repeats became flaky (or stopped being flaky).
// - Figures only: the sentences (MetricChange.sentence of the diff JSON) are written by report/describe-change.ts.
import type { Interval } from './interval.js';
import { holmAdjust } from './multiple-comparisons.js';
import { ScratchColumns } from './scratch.js';
import { pairedSegmentWarning, type SegmentSizeWarning } from './segment-size.js';
import { minimumDetectableDifference } from './power.js';
import { mcnemarExact } from './mcnemar.js';
import { CasePairs } from './case-pairs.js';
import { positionsByTag } from './tag-index.js';
import { pairedWithInterval } from './run-analysis.js';
import { caseAt, caseValue, clusterKey, tagsAt, type CaseList, type OutcomeList, type RunOutcomes } from './outcomes.js';
import { caseFlips, casePassed, flakyChanges, type CaseFlip, type FlakyChange } from './case-flips.js';

export type { CaseFlip, CaseSideSummary, FlakyChange, FlipKind } from './case-flips.js';

export interface DiffSide {
  outcomes: RunOutcomes;
  /**
   * Case content hashes from the store's cases table: by case id, or aligned with outcomes.cases (a slot per case
   * instead of a map entry per case, for a run of a million results; undefined for a case not stored with the run).
   * Or content keys aligned with outcomes.cases (analysis/diff-figures.ts makes them, so a large diff holds no hash
   * strings): an after case's key is its index; a before case's is the index of the after case with its id and the
   * same content (≥ 0), −2 − that index when the content differs, −1 when its id is not in the after run. Equal
   * numbers mean equal content, and matchCases pairs such sides without a map of ids.
   */
  hashes: ReadonlyMap<string, string> | readonly (string | undefined)[] | Int32Array;
}

function hashOf(side: DiffSide, index: number, id: string): string | number | undefined {
  return side.hashes instanceof Map ? side.hashes.get(id) : (side.hashes as ArrayLike<string | number | undefined>)[index];
}

export interface DiffOptions {
  /** Two-sided confidence level, default 0.95; "significant" means the Holm-adjusted p is below 1 − level. */
  level?: number;
  /** Segment rule: a segment with fewer paired cases than this is too small to say anything (default 10). */
  minSegmentCases?: number;
  /** At most this many segments per variant (default 200): `segment:*` tags first, then the largest. */
  maxSegments?: number;
  /** Only these metrics (besides pass_rate); default every metric present in both runs. */
  metrics?: readonly string[];
}

export interface CaseMatching {
  /** Cases in both runs with the same content: the only ones compared. */
  unchanged: number;
  /** Same id, different content (vars or the case's own checks): listed, not compared. */
  changed: string[];
  /** Only in the after run. */
  added: string[];
  /** Only in the before run. */
  removed: string[];
}

export interface MetricChange {
  /** pass_rate, score, or a check metric. */
  metric: string;
  /** Unchanged cases with a value in both runs. */
  n: number;
  clusters: number | null;
  before: number;
  after: number;
  /** after − before, paired per case. */
  difference: number;
  se: number | null;
  df: number | null;
  interval: Interval | null;
  test: 'paired-t' | 'clustered-paired-t';
  pValue: number | null;
  /** Holm-adjusted across the metrics of this variant (or across segments for a segment). */
  pValueHolm: number | null;
  /** The interval excludes 0 (unadjusted). */
  detected: boolean;
  /** Detected, and the Holm-adjusted p-value (when there is one) is below 1 − level. */
  significant: boolean;
  /** Direction of a significant change; 'none' otherwise. Higher is better for every metric. */
  direction: 'better' | 'worse' | 'none';
  /** Smallest true change this comparison detects with 80% power (from its own SE). */
  minimumDetectableDifference: number | null;
}

export interface SegmentChange extends MetricChange {
  tag: string;
  /** Null, or why the segment is too small to say anything (which rule, with its numbers). */
  warning: SegmentSizeWarning | null;
}

export interface VariantDiff {
  variant: string;
  /** Unchanged cases with results in both runs. */
  n: number;
  /** pass_rate first, then score, then check metrics by name. */
  metrics: MetricChange[];
  /** One result per case in both runs: McNemar's exact test on the flipped cases. */
  mcnemar: { fixed: number; broken: number; pValue: number; method: 'mcnemar-exact' } | null;
  /** Pass rate per segment, then the same for each check metric that changed significantly overall. */
  segments: SegmentChange[];
  segmentsOmitted: number;
  flips: { fixed: CaseFlip[]; broken: CaseFlip[]; stillFailing: CaseFlip[] };
  /** With repeats in either run: cases whose repeats started or stopped disagreeing; null without repeats. */
  flaky: { became: FlakyChange[]; stopped: FlakyChange[] } | null;
}

export interface RunDiff {
  level: number;
  cases: CaseMatching;
  variants: { compared: string[]; onlyBefore: string[]; onlyAfter: string[] };
  perVariant: VariantDiff[];
}

/**
 * Paired change of one metric over the given case pairs (before index, after index). `scratch` holds the per-pair
 * values while the change is computed (nothing of it is kept in the result).
 */
export function metricChange(
  metric: string,
  before: OutcomeList,
  after: OutcomeList,
  pairs: CasePairs,
  cases: CaseList,
  level: number,
  scratch: ScratchColumns = new ScratchColumns(),
): Omit<MetricChange, 'pValueHolm' | 'significant' | 'direction'> {
  // One pass, each outcome read once (a column-backed list makes it on access), into the working columns a, b and
  // after (a diff shares them across its metrics, segments and variants); cut to the pairs used.
  const full = { a: scratch.float('a', pairs.length), b: scratch.float('b', pairs.length), after: scratch.int('after', pairs.length) };
  let n = 0;
  let clustered = false;
  for (let k = 0; k < pairs.length; k++) {
    const x = caseValue(before.at(pairs.before[k]), metric);
    if (x === undefined) continue;
    const y = caseValue(after.at(pairs.after[k]), metric);
    if (y === undefined) continue;
    full.a[n] = x;
    full.b[n] = y;
    full.after[n++] = pairs.after[k];
    if (caseAt(cases, pairs.after[k]).cluster !== null) clustered = true;
  }
  const a = full.a.subarray(0, n);
  const b = full.b.subarray(0, n);
  const clusterIds = clustered ? Array.from(full.after.subarray(0, n), (i) => clusterKey(caseAt(cases, i))) : undefined;
  const paired = pairedWithInterval(a, b, level, clusterIds);
  const pd = paired?.pd;
  const interval = paired?.interval ?? null;
  return {
    metric,
    n: a.length,
    clusters: pd?.clusters ?? null,
    before: pd?.meanA ?? NaN,
    after: pd?.meanB ?? NaN,
    difference: pd?.difference ?? 0,
    se: pd?.se ?? null,
    df: pd?.df ?? null,
    interval,
    test: clusterIds ? 'clustered-paired-t' : 'paired-t',
    pValue: pd?.pValue ?? null,
    detected: interval !== null && (interval.low > 0 || interval.high < 0),
    minimumDetectableDifference: pd?.se !== undefined && pd.se > 0 ? minimumDetectableDifference({ standardError: pd.se, df: pd.df, alpha: 1 - level }) : null,
  };
}

/** Holm over the defined p-values; a change without a p-value counts in m as p = 1 (no evidence). */
function holmWithGaps(pValues: readonly (number | null)[]): (number | null)[] {
  if (pValues.length === 0) return [];
  const adjusted = holmAdjust(pValues.map((p) => p ?? 1));
  return pValues.map((p, i) => (p === null ? null : adjusted[i]));
}

/** Holm-adjust a family of changes (the metrics of a variant, or the segments of a metric). */
function finishFamily<T extends Omit<MetricChange, 'pValueHolm' | 'significant' | 'direction'>>(
  raw: T[],
  level: number,
): (T & Pick<MetricChange, 'pValueHolm' | 'significant' | 'direction'>)[] {
  const holm = holmWithGaps(raw.map((c) => c.pValue));
  const alpha = 1 - level;
  return raw.map((c, k) => {
    const pValueHolm = holm[k];
    const significant = c.detected && (pValueHolm === null || pValueHolm < alpha);
    const direction: MetricChange['direction'] = significant ? (c.difference > 0 ? 'better' : 'worse') : 'none';
    return { ...c, pValueHolm, significant, direction };
  });
}

/** Two changes with the same per-case figures (a check that alone decides the pass rate). */
export function sameFigures(a: Pick<MetricChange, 'n' | 'difference' | 'se' | 'pValue'>, b: Pick<MetricChange, 'n' | 'difference' | 'se' | 'pValue'>): boolean {
  const close = (x: number | null, y: number | null) => (x === null || y === null ? x === y : Math.abs(x - y) < 1e-12);
  return a.n === b.n && close(a.difference, b.difference) && close(a.se, b.se) && close(a.pValue, b.pValue);
}

/** Match the cases of two runs by id and content hash. */
export function matchCases(before: DiffSide, after: DiffSide): { matching: CaseMatching; pairs: CasePairs } {
  if (before.hashes instanceof Int32Array && after.hashes instanceof Int32Array) return matchByKeys(before.hashes, before, after);
  // Filled in a loop: `new Map(cases.map(...))` made an [id, index] array per case first (~30 MB at 500,000).
  const indexBefore = new Map<string, number>();
  before.outcomes.cases.forEach((c, i) => indexBefore.set(c.id, i));
  // Before cases met in the after run, by index (a byte per case rather than a set of ids).
  const inAfter = new Uint8Array(before.outcomes.cases.length);
  // Before index of each after case compared (-1: not compared), then packed into the pairs.
  const partner = new Int32Array(after.outcomes.cases.length).fill(-1);
  let compared = 0;
  const changed: string[] = [];
  const added: string[] = [];
  after.outcomes.cases.forEach((c, ib) => {
    const ia = indexBefore.get(c.id);
    if (ia === undefined) {
      added.push(c.id);
      return;
    }
    inAfter[ia] = 1;
    if (hashOf(before, ia, c.id) !== hashOf(after, ib, c.id)) changed.push(c.id);
    else {
      partner[ib] = ia;
      compared++;
    }
  });
  const pairs = new CasePairs(new Int32Array(compared), new Int32Array(compared));
  for (let ib = 0, k = 0; ib < partner.length; ib++) {
    if (partner[ib] < 0) continue;
    pairs.before[k] = partner[ib];
    pairs.after[k++] = ib;
  }
  const removed: string[] = [];
  before.outcomes.cases.forEach((c, i) => {
    if (inAfter[i] === 0) removed.push(c.id);
  });
  return { matching: { unchanged: pairs.length, changed, added, removed }, pairs };
}

/** matchCases over content keys (DiffSide.hashes): the before keys name each case's partner, so no map of ids is built. */
function matchByKeys(keys: Int32Array, before: DiffSide, after: DiffSide): { matching: CaseMatching; pairs: CasePairs } {
  const casesAfter = after.outcomes.cases;
  const partner = new Int32Array(casesAfter.length).fill(-1);
  const changedAt = new Uint8Array(casesAfter.length);
  const removed: string[] = [];
  let compared = 0;
  before.outcomes.cases.forEach((c, ia) => {
    const k = keys[ia];
    if (k >= 0) {
      partner[k] = ia;
      compared++;
    } else if (k <= -2) changedAt[-2 - k] = 1;
    else removed.push(c.id);
  });
  const changed: string[] = [];
  const added: string[] = [];
  const pairs = new CasePairs(new Int32Array(compared), new Int32Array(compared));
  for (let ib = 0, k = 0; ib < casesAfter.length; ib++) {
    if (partner[ib] >= 0) {
      pairs.before[k] = partner[ib];
      pairs.after[k++] = ib;
    } else if (changedAt[ib]) changed.push(caseAt(casesAfter, ib).id);
    else added.push(caseAt(casesAfter, ib).id);
  }
  return { matching: { unchanged: pairs.length, changed, added, removed }, pairs };
}

/** Every check metric with a value on some paired case in both runs, by name. */
function sharedMetrics(before: OutcomeList, after: OutcomeList, pairs: CasePairs): string[] {
  const names = new Set<string>();
  for (let k = 0; k < pairs.length; k++) {
    const a = before.at(pairs.before[k]);
    const b = after.at(pairs.after[k]);
    if (!a || !b) continue;
    for (const m of Object.keys(b.metrics)) if (m in a.metrics) names.add(m);
  }
  return [...names].filter((m) => m !== 'pass_rate' && m !== 'score').sort();
}

export function diffRuns(before: DiffSide, after: DiffSide, options: DiffOptions = {}): RunDiff {
  const level = options.level ?? 0.95;
  const minCases = options.minSegmentCases ?? 10;
  const maxSegments = options.maxSegments ?? 200;
  const { matching, pairs } = matchCases(before, after);
  const cases = after.outcomes.cases;
  const beforeIds = new Set(before.outcomes.variants.map((v) => v.id));
  const afterIds = new Set(after.outcomes.variants.map((v) => v.id));
  const compared = after.outcomes.variants.filter((v) => beforeIds.has(v.id)).map((v) => v.id);
  const withRepeats = before.outcomes.repeat > 1 || after.outcomes.repeat > 1;
  const oneResult = before.outcomes.repeat === 1 && after.outcomes.repeat === 1;

  // Tags of the after run (the suite as it is now), segment:* first, then the largest.
  const byTag = positionsByTag(pairs.length, (k) => tagsAt(cases, pairs.after[k]));
  const ranked = [...byTag.keys()].sort(
    (x, y) => Number(y.startsWith('segment:')) - Number(x.startsWith('segment:')) || byTag.get(y)!.length - byTag.get(x)!.length || (x < y ? -1 : 1),
  );
  const tags = ranked.slice(0, maxSegments).sort();
  const scratch = new ScratchColumns();
  // One segment's pairs at a time (metricChange keeps nothing of them).
  const room = { before: new Int32Array(0), after: new Int32Array(0) };

  const perVariant: VariantDiff[] = compared.map((id) => {
    const vb = before.outcomes.variants.find((v) => v.id === id)!.outcomes;
    const va = after.outcomes.variants.find((v) => v.id === id)!.outcomes;
    const present = pairs.filter((ia, ib) => (vb.at(ia)?.results ?? 0) > 0 && (va.at(ib)?.results ?? 0) > 0);
    const wanted = options.metrics ? new Set(options.metrics) : undefined;
    const checkMetrics = sharedMetrics(vb, va, present).filter((m) => !wanted || wanted.has(m));
    const names = ['pass_rate', ...(!wanted || wanted.has('score') ? ['score'] : []), ...checkMetrics];
    const raw = names.map((m) => metricChange(m, vb, va, present, cases, level, scratch)).filter((c) => c.n > 0 || c.metric === 'pass_rate');
    const metrics = finishFamily(raw, level);

    // Per segment: the pass rate, and every check metric that changed significantly overall (where did it
    // change?). One Holm family per metric, across the segments.
    const drill = metrics.filter((m) => m.significant && m.metric !== 'pass_rate' && m.metric !== 'score' && !sameFigures(m, metrics[0])).map((m) => m.metric);
    const segments: SegmentChange[] = [];
    for (const metric of ['pass_rate', ...drill]) {
      const raw = tags
        .map((tag) => {
          const scope = pairs.atWhere(byTag.get(tag)!, (ia, ib) => (vb.at(ia)?.results ?? 0) > 0 && (va.at(ib)?.results ?? 0) > 0, room);
          return { tag, ...metricChange(metric, vb, va, scope, cases, level, scratch) };
        })
        .filter((x) => x.n > 0);
      segments.push(...finishFamily(raw, level).map((x) => ({ ...x, warning: pairedSegmentWarning(x.n, x.interval, minCases) })));
    }

    const flips = caseFlips(vb, va, present, cases);

    let mcnemar: VariantDiff['mcnemar'] = null;
    if (oneResult && present.length > 0) {
      // The discordant cases counted (not two arrays of a million booleans).
      let fixed = 0;
      let broken = 0;
      for (let k = 0; k < present.length; k++) {
        const was = casePassed(vb.at(present.before[k])!);
        const is = casePassed(va.at(present.after[k])!);
        if (!was && is) fixed++;
        else if (was && !is) broken++;
      }
      const m = mcnemarExact(fixed, broken);
      mcnemar = { fixed: m.b01, broken: m.b10, pValue: m.pValue, method: 'mcnemar-exact' };
    }

    const flaky = withRepeats ? flakyChanges(vb, va, present, cases) : null;

    return { variant: id, n: present.length, metrics, mcnemar, segments, segmentsOmitted: ranked.length - tags.length, flips, flaky };
  });

  return {
    level,
    cases: matching,
    variants: {
      compared,
      onlyBefore: before.outcomes.variants.filter((v) => !afterIds.has(v.id)).map((v) => v.id),
      onlyAfter: after.outcomes.variants.filter((v) => !beforeIds.has(v.id)).map((v) => v.id),
    },
    perVariant,
  };
}
