// The run report's shape: the JSON contract (formatVersion 1) that every format renders. Types only, in a file
// of their own so that run-report.ts (which builds the report) and analysis.ts (which fills its run-level
// sections) both import it instead of each other.
import type { RateLimitFigures, RunStatus } from '../store/index.js';
import type { Interval } from '../stats/index.js';
import type { JudgeSummary } from './judge-summary.js';
import type { CostSummary, PassKPoint, SafetyFigures } from '../analysis/index.js';
import type { BaselineChoice, ConsistencyFigure, SegmentFigures, SegmentVariantFigures } from '../stats/index.js';
import type { DescribedComparison } from './describe-comparison.js';
import type { BarResult } from './bar-text.js';

export interface VariantSummary {
  id: string;
  model: string;
  prompt: string;
  /** Distinct cases with at least one stored result. */
  cases: number;
  /** Counts of results (calls); with repeat > 1 each case contributes one per repeat. */
  passed: number;
  failed: number;
  errors: number;
  cached: number;
  /**
   * Mean over cases of each case's pass value: with one repeat, passed or not; with repeats, what the suite's
   * reducer makes of them (default: the share of repeats passed). Errored results count as not passed.
   */
  passRate: number | null;
  passRateCi: Interval | null;
  meanScore: number | null;
  tokens: { input: number | null; output: number | null };
  /** What this run paid (a cache hit costs 0); null when unknown (cost-figures.ts). */
  costUsd: number | null;
  /** The same calls at list price (a cache hit priced from its stored tokens); null when unknown. */
  listCostUsd: number | null;
  /** Results whose model has no known price. */
  unpriced: number;
  /**
   * Latency of answered calls, and over the streamed ones (issue #20) time to first token and decode tokens/s
   * (analysis' streamingFigures: null, and `streamed` 0, when no call was streamed).
   */
  latencyMs: {
    p50: number | null;
    p95: number | null;
    method: string;
    streamed: number;
    ttftP50: number | null;
    ttftP95: number | null;
    decodeTokensPerSecond: number | null;
  };
  /** What the judge checks cost in this run, apart from costUsd (0 without judges; null when a judge is unpriced). */
  judgeCostUsd?: number | null;
  /** With repeat > 1: the share of cases whose repeats disagree (see analysis.ts). */
  consistency?: ConsistencyFigure | null;
  /** With repeat > 1: pass^1 … pass^n, each the mean of the per-case unbiased estimates with its interval (analysis/pass-k-curve.ts); absent with { analysis: false }. */
  passHatK?: PassKPoint[];
  /** With repeat > 1: pass@1 … pass@n likewise. */
  passAtK?: PassKPoint[];
}

/** A provider:model that met a rate limit during the run, summed over its processes (store/types.ts). */
export type RateLimitSummary = RateLimitFigures;

export interface RunReport {
  formatVersion: 1;
  runId: string;
  status: RunStatus;
  label: string | null;
  suite: { name: string; hash: string; file: string };
  startedAt: string;
  endedAt: string | null;
  git: { commit: string | null; branch: string | null };
  repeat: number;
  /** How a case's repeats make its pass value (absent with one repeat and the default reducer). */
  repeatReduce?: {
    reducer: string;
    k: number | null;
    estimator: string;
    shortCases: number;
    /** With `show` / `gate --reduce`: the reducer the suite stored, which --reduce replaced in every figure and verdict. */
    storedReducer?: string;
  };
  totalCalls: number;
  variants: VariantSummary[];
  warnings: string[];
  /** Information that needs no action (e.g. replay: and function: variants have no list price). */
  notes: string[];
  /** Judge checks: verdicts per variant, ensemble agreement, calibration against humans (judge-summary.ts). */
  judges?: JudgeSummary;
  /** Run-level sections (analysis.ts); absent when built with { analysis: false }. */
  baseline?: BaselineChoice | null;
  comparisons?: DescribedComparison[];
  bars?: BarResult[];
  segments?: SegmentSection[];
  /** Cost of quality and latency per variant and segment (cost-summary.ts). */
  costs?: CostSummary;
  /** Rate limits met by the run (every invocation and worker), per provider:model (absent when none was). */
  rateLimits?: RateLimitSummary[];
  /** Red-team attack success rates (issue #18, analysis/safety-figures.ts); absent when the run has no `redteam`-tagged case. */
  safety?: SafetyFigures;
}

/** A segment of the run report: stats/' figures with each variant's warning in words (segment-warning.ts). */
export type SegmentSection = Omit<SegmentFigures, 'variants'> & { variants: (Omit<SegmentVariantFigures, 'warning'> & { warning: string | null })[] };
