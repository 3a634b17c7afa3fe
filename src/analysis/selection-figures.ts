// The figures of one variant (quality with its interval, cost, latency) and the paired comparison of two, for
// `evalspec select`, the run report's `costs` block and the spend projection. Both use the estimators the run
// report uses, so one variant gets one interval and one pair one comparison everywhere:
//   quality — stats passRateFigure, as the run report's `variants[].passRateCi`: Wilson with one result per
//             case, a t interval over the per-case pass values (the suite's repeat reducer) with repeats, and
//             the clustered t (CR1) when the run's cases have clusters;
//   paired  — stats comparePaired, as the run report's comparisons (clustered with the same cluster ids).
import { comparePaired, meanEstimate, passRateFigure, quantileOfSorted, type ClusterId, type Interval } from '../stats/index.js';

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

/** The cases of a variant within caseIds (null: all), with their ids. */
function caseSubset(variant: SelectionVariant, caseIds: readonly string[] | null): { ids: string[]; cases: CaseOutcome[] } {
  const ids: string[] = [];
  const cases: CaseOutcome[] = [];
  if (caseIds === null) {
    // All cases: walk the map once rather than looking every id up again (a million lookups at 1M results).
    for (const [id, c] of variant.cases) {
      ids.push(id);
      cases.push(c);
    }
    return { ids, cases };
  }
  for (const id of caseIds) {
    const c = variant.cases.get(id);
    if (c === undefined) continue;
    ids.push(id);
    cases.push(c);
  }
  return { ids, cases };
}

/** Cluster ids as run-analysis builds them (stats clusterKey), or undefined when the run has no clusters. */
function clusterIdsOf(ids: readonly string[], clusters: ReadonlyMap<string, string> | undefined): ClusterId[] | undefined {
  if (!clusters || clusters.size === 0) return undefined;
  return ids.map((id) => (clusters.has(id) ? `cluster:${clusters.get(id)}` : `case:${id}`));
}

function latencySummary(cases: readonly CaseOutcome[]): LatencySummary {
  const all: number[] = [];
  for (const c of cases) for (const ms of c.latenciesMs) all.push(ms);
  all.sort((a, b) => a - b);
  let tokens = 0;
  let ms = 0;
  for (const c of cases) {
    const generated = c.generated;
    tokens += generated.outputTokens;
    ms += generated.latencyMs;
  }
  return {
    p50: all.length ? quantileOfSorted(all, 0.5) : null,
    p95: all.length ? quantileOfSorted(all, 0.95) : null,
    p99: all.length ? quantileOfSorted(all, 0.99) : null,
    tokensPerSecond: ms > 0 ? tokens / (ms / 1000) : null,
  };
}

/** Per-case costs of the answered cases; null when any of them is unpriced. */
function costsOf(cases: readonly CaseOutcome[], pick: (c: CaseOutcome) => number | null = (c) => c.costUsd): number[] | null {
  const out: number[] = [];
  for (const c of cases) {
    if (c.answered === false) continue;
    const v = pick(c);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

/** Mean cost per case over the answered cases; null when any is unpriced or none was answered. */
function meanCost(cases: readonly CaseOutcome[], pick?: (c: CaseOutcome) => number | null): number | null {
  const costs = costsOf(cases, pick);
  return costs && costs.length ? sum(costs) / costs.length : null;
}

/** Figures of one variant over a subset of cases (null: all of its cases). */
export function variantFigures(variant: SelectionVariant, caseIds: readonly string[] | null, design: QualityDesign): VariantFigures {
  const level = design.level ?? 0.95;
  const { ids, cases } = caseSubset(variant, caseIds);
  const repeat = design.repeat ?? (design.binary ? 1 : 0);
  const figure = passRateFigure(
    cases.map((c) => c.pass),
    clusterIdsOf(ids, design.clusters),
    repeat,
    level,
    design.passValueName,
  );
  const quality = figure?.passRate ?? null;
  const costs = costsOf(cases);
  const costPerCase = costs && costs.length ? sum(costs) / costs.length : null;
  const costCi = costs && costs.length >= 2 ? (meanEstimate(costs, level)?.interval ?? null) : null;
  return {
    variant: variant.id,
    model: variant.model ?? null,
    cases: cases.length,
    quality,
    qualityCi: figure?.interval ?? null,
    costPerCase,
    costPerCaseCi: costCi ? { ...costCi, low: Math.max(0, costCi.low) } : null,
    costPerPass: costPerCase !== null && quality !== null && quality > 0 ? costPerCase / quality : null,
    judgeCostPerCase: meanCost(cases, (c) => c.judgeCostUsd),
    latencyMs: latencySummary(cases),
  };
}

/** Paired comparison of `variant` against `against` on the cases both have (within `caseIds` if given). */
export function compareVariants(
  variant: SelectionVariant,
  against: SelectionVariant,
  design: QualityDesign,
  caseIds: readonly string[] | null = null,
): Comparison | null {
  const ids: string[] = [];
  const a: CaseOutcome[] = [];
  const b: CaseOutcome[] = [];
  for (const id of caseIds ?? against.cases.keys()) {
    const x = against.cases.get(id);
    const y = x && variant.cases.get(id);
    if (!x || !y) continue;
    ids.push(id);
    a.push(x);
    b.push(y);
  }
  if (ids.length === 0) return null;
  const costA = meanCost(a);
  const costB = meanCost(b);
  const costRatio = costA !== null && costB !== null && costA > 0 ? costB / costA : null;
  const c = comparePaired(
    a.map((x) => x.pass),
    b.map((x) => x.pass),
    { level: design.level ?? 0.95, clusterIds: clusterIdsOf(ids, design.clusters), binary: design.binary },
  )!;
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
