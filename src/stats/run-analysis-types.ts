// The shapes of the run-level figures computed by run-analysis.ts (per-variant pass rates, consistency, paired
// comparisons with the baseline, segments): what the run report's JSON carries under variants[], comparisons and
// segments. Kept apart from the computation so each file stays readable.
import type { Interval } from './interval.js';
import type { SegmentSizeWarning } from './segment-size.js';
import type { ScratchColumns } from './scratch.js';

export interface AnalysisOptions {
  /** Two-sided confidence level of intervals, default 0.95. */
  level?: number;
  /**
   * Working columns to reuse (uses x, y and cases), e.g. the run report's, whose cost block reuses them after: made
   * per call otherwise. Per-case columns of half a million cases are megabytes each (issue #22).
   */
  scratch?: ScratchColumns;
  /** The suite's `baseline:` (a variant id or model label); default the first variant. */
  baseline?: string;
  /** Labels of the variants (id → model label), so `baseline:` may name a label. */
  labels?: Record<string, string>;
  /** Seed of the paired bootstrap (default 20241107) and its resamples (default 2,000). */
  seed?: number;
  resamples?: number;
  /** Segment rule: fewer cases than this is too small (default 10). */
  minSegmentCases?: number;
  /** Segment rule: a pass-rate interval half-width above this is too wide (default 0.15). */
  maxSegmentHalfWidth?: number;
  /** Flaky case ids listed per variant (default 20). */
  flakyCasesListed?: number;
  /** At most this many segments (default 200): `segment:*` tags first, then the tags with the most cases. */
  maxSegments?: number;
}

export interface BaselineChoice {
  id: string;
  /** "suite": named by the suite's baseline:; "first-variant": the default. */
  source: 'suite' | 'first-variant';
  note: string | null;
}

export interface ConsistencyFigure {
  /** Cases with at least 2 judged repeats. */
  cases: number;
  /** Cases whose repeats disagree (some passed, some failed). */
  disagreeing: number;
  share: number;
  interval: Interval;
  /** The first disagreeing case ids. */
  flakyCases: string[];
}

export interface VariantFigures {
  id: string;
  cases: number;
  passRate: number | null;
  passRateCi: Interval | null;
  meanScore: number | null;
  /** Cases with at least one errored result. */
  erroredCases: number;
  /** Cases where a critical check failed in any repeat. */
  criticalFailureCases: number;
  consistency: ConsistencyFigure | null;
}

export interface ScoreComparison {
  n: number;
  meanBaseline: number;
  meanVariant: number;
  difference: number;
  interval: Interval | null;
  pValue: number | null;
  bootstrap: { interval: Interval; se: number; seed: number; resamples: number } | null;
}

export interface Comparison {
  baseline: string;
  variant: string;
  /** Cases both variants have a result for. */
  n: number;
  clusters: number | null;
  baselinePassRate: number | null;
  variantPassRate: number | null;
  /** variant − baseline pass rate, per-case pass shares paired; null when no case has both. */
  difference: number | null;
  se: number | null;
  df: number | null;
  interval: Interval | null;
  /** Binary per-case outcomes (one result per case, no clusters): Newcombe's paired interval with McNemar's mid-p; else a paired t. */
  test: 'newcombe-paired' | 'paired-t' | 'clustered-paired-t';
  pValue: number | null;
  /** Holm-adjusted over all comparisons of this run (equal to pValue with one comparison). */
  pValueHolm: number | null;
  /** The interval excludes 0. */
  detected: boolean;
  /** Smallest true difference this comparison detects with 80% power (from its own SE). */
  minimumDetectableDifference: number | null;
  /** One result per case only: McNemar's exact test on the discordant cases. */
  mcnemar: { onlyBaselinePassed: number; onlyVariantPassed: number; pValue: number; pValueHolm: number; method: 'mcnemar-exact' } | null;
  /** Mean scores, paired: t interval and a seeded paired bootstrap. */
  score: ScoreComparison | null;
}

export interface SegmentVariantFigures {
  id: string;
  cases: number;
  passRate: number | null;
  passRateCi: Interval | null;
  meanScore: number | null;
  criticalFailureCases: number;
  erroredCases: number;
  /** Null, or why the segment is too small to say anything (which rule, with its numbers). */
  warning: SegmentSizeWarning | null;
}

export interface SegmentComparison {
  baseline: string;
  variant: string;
  n: number;
  difference: number;
  interval: Interval | null;
  pValue: number | null;
}

export interface SegmentFigures {
  tag: string;
  cases: number;
  variants: SegmentVariantFigures[];
  /** Each variant vs the baseline inside the segment; exploratory (no multiplicity adjustment). */
  comparisons: SegmentComparison[];
}

export interface RunAnalysis {
  level: number;
  baseline: BaselineChoice | null;
  /** Number of distinct clusters when any case has a cluster, else null. */
  clusters: number | null;
  variants: VariantFigures[];
  comparisons: Comparison[];
  segments: SegmentFigures[];
  /** Tags left out of `segments` by maxSegments (0 when every tag is there). */
  segmentsOmitted: number;
}
