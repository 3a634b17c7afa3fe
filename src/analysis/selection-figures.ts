// The figures of one variant (quality with its interval, cost, latency) and the paired comparison of two, for
// `evalspec select`, the run report's `costs` block and the spend projection. Both use the estimators the run
// report uses, so one variant gets one interval and one pair one comparison everywhere:
//   quality — stats passRateFigure, as the run report's `variants[].passRateCi`: Wilson with one result per
//             case, a t interval over the per-case pass values (the suite's repeat reducer) with repeats, and
//             the clustered t (CR1) when the run's cases have clusters;
//   paired  — stats comparePaired, as the run report's comparisons (clustered with the same cluster ids).
import { comparePaired, meanEstimate, passRateFigure, quantileOfSorted, type ClusterId, type Interval, type ScratchColumns } from '../stats/index.js';
import { FloatList, forEachCase, forEachPair } from './case-walk.js';

/** What the quality estimators need to know about the run. */
export interface QualityDesign {
  /** One result per case: Wilson and Newcombe intervals; otherwise t intervals over per-case values. */
  binary: boolean;
  /** Repeats per case (default 1 with binary outcomes), for the interval's method name. */
  repeat?: number;
  /** What a case's pass value is (the repeat reducer's valueName, "per-case pass^3 estimates"). */
  passValueName?: string;
  /**
   * Cluster of each case that has one. When the run has any, every interval and comparison is clustered (a
   * case without a cluster is a cluster of its own), as in `evalspec run`.
   */
  clusters?: ReadonlyMap<string, string>;
  level?: number;
  /** Working lists to reuse across the calls that share this design (see FigureScratch). */
  scratch?: FigureScratch;
}

/**
 * Per-case values a figure is computed over, reused from one variant and segment to the next: at 500,000 cases
 * each call made 8–12 MB of typed arrays that nothing keeps, and garbage typed arrays wait for V8's external-memory
 * limit (~64 MB) before they are collected, so they added up at the peak of `show` and `select` (issue #22).
 * Calls are synchronous and keep none of it.
 */
export class FigureScratch {
  readonly passes: FloatList;
  readonly costs: FloatList;
  readonly latencies: FloatList;
  readonly a: FloatList;
  readonly b: FloatList;

  /**
   * `columns`: working columns another computation used before (the run report's analysis), whose room the lists take
   * instead of their own. A figure uses passes, costs and latencies, a comparison a and b, never both at once.
   */
  constructor(columns?: ScratchColumns) {
    const room = (use: string) => (columns ? (n: number) => columns.float(use, n) : undefined);
    this.passes = new FloatList(16, room('x'));
    this.costs = new FloatList(16, room('y'));
    this.latencies = new FloatList(16, room('z'));
    this.a = new FloatList(16, room('x'));
    this.b = new FloatList(16, room('y'));
  }
}

/** One case of one variant: its repeats reduced to what selection needs. */
export interface CaseOutcome {
  /** The case's pass value: 0 or 1 with one repeat; with repeats what the suite's reducer makes of them (default the share passed); errored results count as not passed. */
  pass: number;
  /** False when every call of the case errored: no answer, so no cost (left out of cost means). Default true. */
  answered?: boolean;
  /** Answered calls (repeats), for totals. Default 1. */
  calls?: number;
  /** Mean list cost of one answered call of this case; null when any call is unpriced. */
  costUsd: number | null;
  /** Mean judge cost per call (checks' judgeCostUsd), 0 when no check reported one, null when one is unknown. */
  judgeCostUsd: number | null;
  /** Latency of each successful call with a known latency. */
  latenciesMs: Iterable<number>;
  /** Output tokens and latency summed over calls where both are known (for tokens per second). */
  generated: { outputTokens: number; latencyMs: number };
}

export interface SelectionVariant {
  id: string;
  model?: string;
  cases: ReadonlyMap<string, CaseOutcome>;
}

/** variant − against, paired on the cases both have. */
export interface Comparison {
  variant: string;
  against: string;
  n: number;
  difference: number;
  interval: Interval | null;
  /** McNemar mid-p (binary) or the paired t p-value, as in `evalspec run`'s comparisons. */
  pValue: number | null;
  test: 'newcombe-paired' | 'paired-t' | 'clustered-paired-t';
  /** Binary outcomes: McNemar's exact p, beside the mid-p headline. */
  mcnemarExactP: number | null;
  /** variant's cost per case ÷ against's, on the same cases; null when either is unpriced. */
  costRatio: number | null;
}

export interface LatencySummary {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Output tokens per second over calls with both known. */
  tokensPerSecond: number | null;
}

/**
 * Streamed calls' figures of a variant (issue #20): time to first token and decode speed, over its answered calls
 * that were streamed (a result with a stored TTFT). Every null when none was.
 */
export interface StreamingFigures {
  /** Answered calls with a time to first token. */
  streamed: number;
  ttftP50: number | null;
  ttftP95: number | null;
  /** Output tokens per second after the first token: Σ output tokens ÷ Σ (latency − TTFT), over streamed calls. */
  decodeTokensPerSecond: number | null;
}

/** Tokens per second over `ms` of generation: the one definition of every tokens/s figure; null with no time. */
export function tokensPerSecond(tokens: number, ms: number): number | null {
  return ms > 0 ? tokens / (ms / 1000) : null;
}

/**
 * The streaming figures from the streamed calls' TTFTs (ascending) and their decode totals: output tokens and
 * latency − TTFT summed over the calls that know both (analysis/selection-data.ts folds them).
 */
export function streamingFigures(sortedTtftsMs: readonly number[], decoded: { outputTokens: number; decodeMs: number }): StreamingFigures {
  const n = sortedTtftsMs.length;
  return {
    streamed: n,
    ttftP50: n ? quantileOfSorted(sortedTtftsMs, 0.5) : null,
    ttftP95: n ? quantileOfSorted(sortedTtftsMs, 0.95) : null,
    decodeTokensPerSecond: n ? tokensPerSecond(decoded.outputTokens, decoded.decodeMs) : null,
  };
}

/**
 * A variant's streamed calls folded one at a time (the run report's scan, the viewer's run index): each answered
 * call with a TTFT counts; its decode time (latency − TTFT) only when its output tokens and latency are known.
 */
export class StreamingTally {
  private readonly ttfts: number[] = [];
  private readonly decoded = { outputTokens: 0, decodeMs: 0 };

  add(ttftMs: number, latencyMs: number | null, outputTokens: number | null): void {
    this.ttfts.push(ttftMs);
    if (latencyMs !== null && outputTokens !== null && latencyMs > ttftMs) {
      this.decoded.outputTokens += outputTokens;
      this.decoded.decodeMs += latencyMs - ttftMs;
    }
  }

  figures(): StreamingFigures {
    return streamingFigures(
      [...this.ttfts].sort((a, b) => a - b),
      this.decoded,
    );
  }
}

export interface VariantFigures {
  variant: string;
  model: string | null;
  cases: number;
  quality: number | null;
  qualityCi: Interval | null;
  /** Mean list cost of answering one case once. */
  costPerCase: number | null;
  costPerCaseCi: Interval | null;
  /** Cost per passing case: costPerCase ÷ quality (the cost of quality). */
  costPerPass: number | null;
  judgeCostPerCase: number | null;
  latencyMs: LatencySummary;
}

const sum = (values: Iterable<number>): number => {
  let total = 0;
  for (const v of values) total += v;
  return total;
};

/** Cluster ids as run-analysis builds them (stats clusterKey), or undefined when the run has no clusters. */
function clusterIdsOf(ids: readonly string[], clusters: ReadonlyMap<string, string> | undefined): ClusterId[] | undefined {
  if (!clusters || clusters.size === 0) return undefined;
  return ids.map((id) => (clusters.has(id) ? `cluster:${clusters.get(id)}` : `case:${id}`));
}

/** Mean cost per case over the answered cases, folded; null when any is unpriced or none was answered. */
class CostMean {
  private total = 0;
  private n = 0;
  private unknown = false;
  add(c: CaseOutcome): void {
    if (c.answered === false || this.unknown) return;
    if (c.costUsd === null) this.unknown = true;
    else {
      this.total += c.costUsd;
      this.n++;
    }
  }
  get value(): number | null {
    return this.unknown || this.n === 0 ? null : this.total / this.n;
  }
}

/**
 * Figures of one variant over a subset of cases (null: all of its cases), folded in one pass: at 500,000 cases
 * an array of the cases' outcomes (and one of their ids, costs, judge costs) per variant and segment would be
 * tens of megabytes each. Sums run in case order, as the arrays' sums did, so the figures are the same.
 */
export function variantFigures(variant: SelectionVariant, caseIds: readonly string[] | null, design: QualityDesign): VariantFigures {
  const level = design.level ?? 0.95;
  const clustered = design.clusters !== undefined && design.clusters.size > 0;
  const ids: string[] = [];
  const scratch = design.scratch ?? new FigureScratch();
  const capacity = caseIds?.length ?? variant.cases.size;
  const passes = scratch.passes.clear(capacity);
  // Per-case list costs of the answered cases; null once one is unpriced. The judge cost likewise, summed.
  let costs: FloatList | null = scratch.costs.clear(capacity);
  let judgeTotal: number | null = 0;
  let judged = 0;
  const latencies = scratch.latencies.clear(capacity);
  let tokens = 0;
  let generationMs = 0;
  forEachCase(variant.cases, caseIds, (id, c) => {
    if (clustered) ids.push(id);
    passes.push(c.pass);
    for (const ms of c.latenciesMs) latencies.push(ms);
    const generated = c.generated;
    tokens += generated.outputTokens;
    generationMs += generated.latencyMs;
    if (c.answered === false) return;
    const cost = c.costUsd;
    if (cost === null) costs = null;
    else costs?.push(cost);
    const judge = c.judgeCostUsd;
    if (judge === null) judgeTotal = null;
    else if (judgeTotal !== null) {
      judgeTotal += judge;
      judged++;
    }
  });
  const repeat = design.repeat ?? (design.binary ? 1 : 0);
  const figure = passRateFigure(passes.values(), clustered ? clusterIdsOf(ids, design.clusters) : undefined, repeat, level, design.passValueName);
  const quality = figure?.passRate ?? null;
  const priced = (costs as FloatList | null)?.values() ?? null;
  const costPerCase = priced && priced.length ? sum(priced) / priced.length : null;
  const costCi = priced && priced.length >= 2 ? (meanEstimate(priced, level)?.interval ?? null) : null;
  // Numbers only (no NaN): a Float64Array sorts ascending, as (a, b) => a − b would.
  const sorted = latencies.values().sort();
  const judgeSum = judgeTotal as number | null;
  return {
    variant: variant.id,
    model: variant.model ?? null,
    cases: passes.length,
    quality,
    qualityCi: figure?.interval ?? null,
    costPerCase,
    costPerCaseCi: costCi ? { ...costCi, low: Math.max(0, costCi.low) } : null,
    costPerPass: costPerCase !== null && quality !== null && quality > 0 ? costPerCase / quality : null,
    judgeCostPerCase: judgeSum !== null && judged ? judgeSum / judged : null,
    latencyMs: {
      p50: sorted.length ? quantileOfSorted(sorted, 0.5) : null,
      p95: sorted.length ? quantileOfSorted(sorted, 0.95) : null,
      p99: sorted.length ? quantileOfSorted(sorted, 0.99) : null,
      tokensPerSecond: tokensPerSecond(tokens, generationMs),
    },
  };
}

/** Paired comparison of `variant` against `against` on the cases both have (within `caseIds` if given). */
export function compareVariants(
  variant: SelectionVariant,
  against: SelectionVariant,
  design: QualityDesign,
  caseIds: readonly string[] | null = null,
): Comparison | null {
  const clustered = design.clusters !== undefined && design.clusters.size > 0;
  const ids: string[] = [];
  const scratch = design.scratch ?? new FigureScratch();
  const capacity = caseIds?.length ?? against.cases.size;
  const a = scratch.a.clear(capacity);
  const b = scratch.b.clear(capacity);
  const costA = new CostMean();
  const costB = new CostMean();
  forEachPair(against.cases, variant.cases, caseIds, (id, x, y) => {
    if (clustered) ids.push(id);
    a.push(x.pass);
    b.push(y.pass);
    costA.add(x);
    costB.add(y);
  });
  if (a.length === 0) return null;
  const costRatio = costA.value !== null && costB.value !== null && costA.value > 0 ? costB.value / costA.value : null;
  const c = comparePaired(a.values(), b.values(), {
    level: design.level ?? 0.95,
    clusterIds: clustered ? clusterIdsOf(ids, design.clusters) : undefined,
    binary: design.binary,
  })!;
  return {
    variant: variant.id,
    against: against.id,
    n: c.n,
    difference: c.difference,
    interval: c.interval,
    pValue: c.pValue,
    test: c.test,
    mcnemarExactP: c.test === 'newcombe-paired' ? c.mcnemar!.pValue : null,
    costRatio,
  };
}
