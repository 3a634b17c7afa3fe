// Planning a suite: how many cases (and repeats) it needs to detect a difference of a given size between
// two variants, and what the current suite can detect. Miller 2024 Eq. 9, with the variance and the
// correlation between variants observed in a previous run of the suite when there is one; otherwise a
// stated worst-case assumption. Pure: the caller loads the previous run's outcomes.
import { pairedDifference } from './paired-difference.js';
import { sampleVariance } from './descriptive.js';
import { repeatsMeanEstimate } from './repeats.js';
import { minimumDetectableDifference, pairedSampleSize } from './power.js';
import { casesNeededForZeroFailureBar } from './proportions.js';
import { caseAt, caseValue, clusterKey, hasClusters, mapCases, type RunOutcomes, type VariantOutcomes } from './outcomes.js';
import { chooseBaseline } from './run-analysis.js';
import type { BarDefinition } from './gates.js';

export interface PowerPlanOptions {
  /** Smallest difference in pass rate worth detecting, on the 0–1 scale (0.05 = 5 points). */
  detect: number;
  /** Two-sided significance level, default 0.05. */
  alpha?: number;
  /** Default 0.8. */
  power?: number;
  /** Cases in the suite now. */
  suiteCases: number;
  /** Repeats per case in the suite now. */
  repeat: number;
  /**
   * The suite's repeat reducer (mean, majority, all, pass@k, pass^k; default mean). Miller's split of the
   * variance, which says what more repeats buy, holds for the mean of repeats only: with another reducer only
   * the suite's repeat count is planned.
   */
  reducer?: string;
  /** Repeat counts to tabulate (default 1, 2, 3, 5, 10 and the suite's). */
  repeatOptions?: number[];
  /** A previous run of the suite, to observe variance and correlation. */
  previous?: { runId: string; outcomes: RunOutcomes; baseline?: string; labels?: Record<string, string> };
  /** The suite's bars, for the zero-failure planning figures. */
  bars?: readonly BarDefinition[];
}

export interface RepeatsRow {
  repeats: number;
  /** Cases needed with this many repeats per case (when the variance was not split: the safe end, repeats not helping). */
  cases: number;
  /**
   * Only when nothing tells how much of the variance is the model's own randomness (no run with repeats):
   * the cases needed if all of it were, so that k repeats divide the variance by k. The truth lies between
   * this and `cases`.
   */
  casesLowerBound?: number;
}

/**
 * The repeats table without a split of the variance into between-case and within-case parts: k repeats need
 * between n₁/k (all the variance is the model's randomness, which repeats average out) and n₁ cases (none of
 * it is). Miller Eq. 9 with Var(d) at 1 repeat, then Var(d)/k.
 */
function unsplitRows(
  repeatRows: number[],
  casesAtOne: number,
  varianceAtOne: number,
  deff: number,
  plan: { detect: number; alpha: number; power: number },
): RepeatsRow[] {
  return repeatRows.map((k) => {
    if (k === 1 || !(varianceAtOne > 0)) return { repeats: k, cases: casesAtOne };
    const lower = Math.ceil(pairedSampleSize({ ...plan, varianceOfDifference: varianceAtOne / k }).n * deff);
    return { repeats: k, cases: casesAtOne, casesLowerBound: Math.min(casesAtOne, lower) };
  });
}

export interface PairPlan {
  baseline: string;
  variant: string;
  /** Paired cases observed. */
  n: number;
  sdBaseline: number;
  sdVariant: number;
  /** Pearson correlation of the per-case values; null when a variant has no spread. */
  correlation: number | null;
  /** Var(variant − baseline) per case as observed (with the previous run's repeats). */
  varianceOfDifference: number;
  /** Miller's decomposition when the previous run had repeats: between-case part and per-repeat variances. */
  decomposition: { caseVarianceOfDifference: number; repeatVarianceBaseline: number; repeatVarianceVariant: number; observedRepeats: number } | null;
  /** (clustered SE / naive SE)² of the previous run's differences; multiplies the cases needed. */
  designEffect: number | null;
  casesNeeded: RepeatsRow[];
  /** With the suite's current cases and repeats. */
  minimumDetectableDifference: number;
}

export interface BarPlan {
  index: number;
  text: string;
  casesNeeded: number;
  basis: string;
}

export interface PowerPlan {
  detect: number;
  alpha: number;
  power: number;
  method: 'miller-eq9';
  suiteCases: number;
  repeat: number;
  /** The suite's repeat reducer, named. */
  repeatReduce: string;
  source: 'previous-run' | 'assumption';
  previousRunId: string | null;
  /** The assumptions used, in words (always present when the source is an assumption). */
  assumptions: string[];
  pairs: PairPlan[];
  /** The largest need over the pairs, at the suite's repeat count. */
  casesNeeded: number;
  /** The largest (worst) minimum detectable difference over the pairs, with the suite as it is. */
  minimumDetectableDifference: number;
  bars: BarPlan[];
}

const WORST_CASE_SD = 0.5; // √0.25: a pass rate of 50%, the largest binary variance
const ASSUMED_CORRELATION = 0.5;

function repeatsWithin(variant: VariantOutcomes, indices: number[]): { variance: number | undefined; k: number } {
  // Judged repeats per case as 0/1 scores; errored repeats count as not passed, as in the pass rate.
  const byCase = indices.map((i) => {
    const o = variant.outcomes.at(i)!;
    return [...Array<number>(o.passed).fill(1), ...Array<number>(o.results - o.passed).fill(0)];
  });
  const estimate = repeatsMeanEstimate(byCase);
  return { variance: estimate?.meanWithinCaseVariance, k: estimate ? estimate.repeats.min : 1 };
}

function observedPair(
  outcomes: RunOutcomes,
  base: VariantOutcomes,
  other: VariantOutcomes,
  options: PowerPlanOptions,
  repeatRows: number[],
): PairPlan | undefined {
  const indices: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  outcomes.cases.forEach((_, i) => {
    const x = caseValue(base.outcomes.at(i), 'pass_rate');
    const y = caseValue(other.outcomes.at(i), 'pass_rate');
    if (x === undefined || y === undefined) return;
    indices.push(i);
    a.push(x);
    b.push(y);
  });
  const pd = pairedDifference(a, b);
  if (!pd || pd.se === undefined || pd.n < 2) return undefined;
  const observedVariance = pd.se * pd.se * pd.n;
  // Two variants that agreed on every case give no variance to plan from (not "1 case is enough").
  if (!(observedVariance > 0)) return undefined;
  let designEffect: number | null = null;
  if (hasClusters(outcomes.cases)) {
    const clustered = pairedDifference(
      a,
      b,
      0.95,
      indices.map((i) => clusterKey(caseAt(outcomes.cases, i))),
    );
    if (clustered?.se !== undefined && pd.se > 0) designEffect = Math.max(1, (clustered.se / pd.se) ** 2);
  }
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  let decomposition: PairPlan['decomposition'] = null;
  const k0 = outcomes.repeat;
  const meanReduced = (options.reducer ?? 'mean') === 'mean';
  if (k0 > 1 && meanReduced) {
    const wa = repeatsWithin(base, indices);
    const wb = repeatsWithin(other, indices);
    if (wa.variance !== undefined && wb.variance !== undefined) {
      decomposition = {
        caseVarianceOfDifference: Math.max(0, observedVariance - wa.variance / k0 - wb.variance / k0),
        repeatVarianceBaseline: wa.variance,
        repeatVarianceVariant: wb.variance,
        observedRepeats: k0,
      };
    }
  }
  const deff = designEffect ?? 1;
  const varianceWith = (k: number) =>
    decomposition
      ? {
          caseVarianceOfDifference: decomposition.caseVarianceOfDifference,
          repeatVarianceA: decomposition.repeatVarianceBaseline,
          repeatVarianceB: decomposition.repeatVarianceVariant,
          repeatsA: k,
          repeatsB: k,
        }
      : { varianceOfDifference: observedVariance };
  // Without a decomposition the observed variance holds for the previous run's repeat count only; from a
  // run with one repeat, the other rows are bounded (unsplitRows).
  const rows = decomposition ? repeatRows : [k0];
  const observedRows = rows.map((k) => {
    const v = varianceWith(k);
    const degenerate =
      'varianceOfDifference' in v ? v.varianceOfDifference === 0 : v.caseVarianceOfDifference + v.repeatVarianceA / k + v.repeatVarianceB / k === 0;
    const n = degenerate ? 1 : pairedSampleSize({ detect: options.detect, alpha, power, ...v }).n;
    return { repeats: k, cases: Math.ceil(n * deff) };
  });
  const casesNeeded =
    !decomposition && k0 === 1 && meanReduced
      ? unsplitRows(repeatRows, observedRows[0].cases, observedVariance, deff, { detect: options.detect, alpha, power })
      : observedRows;
  const current = varianceWith(decomposition ? options.repeat : k0);
  const mdd = minimumDetectableDifference({ n: options.suiteCases, alpha, power, ...current }) * Math.sqrt(deff);
  return {
    baseline: base.id,
    variant: other.id,
    n: pd.n,
    sdBaseline: pd.sdA ?? 0,
    sdVariant: pd.sdB ?? 0,
    correlation: pd.correlation ?? null,
    varianceOfDifference: observedVariance,
    decomposition,
    designEffect,
    casesNeeded,
    minimumDetectableDifference: mdd,
  };
}

/**
 * Cases (and repeats) needed to detect `detect` between variants at alpha/power, and the minimum detectable
 * difference of the suite as it is. From a previous run: each variant against the baseline, with the
 * observed per-case variance and correlation (and, with repeats, Miller's split into between-case and
 * within-case variance, so the table shows what more repeats buy). Without one: worst-case binary variance
 * 0.25 per variant and correlation 0.5, stated in `assumptions`.
 */
export function planPower(options: PowerPlanOptions): PowerPlan {
  const alpha = options.alpha ?? 0.05;
  const power = options.power ?? 0.8;
  const reducer = options.reducer ?? 'mean';
  const meanReduced = reducer === 'mean';
  const repeatRows = meanReduced ? [...new Set([...(options.repeatOptions ?? [1, 2, 3, 5, 10]), options.repeat])].sort((x, y) => x - y) : [options.repeat];
  const assumptions: string[] = [];
  if (!meanReduced) {
    assumptions.push(
      `the suite reduces its ${options.repeat} repeats with ${reducer}, not their mean: the per-case values are ${reducer} values, and how much more repeats would help (Miller's split of the variance) is known for the mean only, so only the suite's repeat count is planned`,
    );
  }
  const pairs: PairPlan[] = [];
  const previous = options.previous;
  if (previous && previous.outcomes.variants.length >= 2) {
    const baseline = chooseBaseline(previous.outcomes, { baseline: previous.baseline, labels: previous.labels });
    const base = previous.outcomes.variants.find((v) => v.id === baseline!.id)!;
    const skipped: string[] = [];
    for (const other of previous.outcomes.variants) {
      if (other.id === base.id) continue;
      const pair = observedPair(previous.outcomes, base, other, options, repeatRows);
      if (pair) pairs.push(pair);
      else skipped.push(other.id);
    }
    if (pairs.length && skipped.length) {
      assumptions.push(
        `left out ${skipped.join(', ')}: no variance of the difference with ${base.id} was observed (they agreed on every case, or too few paired cases)`,
      );
    }
    if (pairs.length && previous.outcomes.repeat === 1 && meanReduced) {
      assumptions.push(
        "the previous run had one repeat per case, so it cannot tell how much more repeats would help: each row with more repeats is a range, low if all of the observed variance is the model's own randomness (k repeats divide it by k), high if none of it is",
      );
    }
    if (pairs.some((p) => p.designEffect !== null))
      assumptions.push('cases share clusters: the cases needed are multiplied by the observed design effect (clustered / naive variance)');
  }
  if (pairs.length === 0 && previous && previous.outcomes.variants.length === 1) {
    // One variant observed: its spread is known, the correlation with another variant is not.
    const only = previous.outcomes.variants[0];
    const shares = mapCases(previous.outcomes.cases, (_, i) => caseValue(only.outcomes.at(i), 'pass_rate')).filter((x): x is number => x !== undefined);
    const variance = sampleVariance(shares);
    if (variance !== undefined && variance > 0) {
      const sd = Math.sqrt(variance);
      const spec = { sdA: sd, sdB: sd, correlation: ASSUMED_CORRELATION };
      assumptions.push(
        `the previous run ${previous.runId} has a single variant (${only.id}): its per-case spread (SD ${sd.toFixed(3)}) is used for both variants, with an assumed correlation of 0.5 between them`,
      );
      pairs.push({
        baseline: only.id,
        variant: '(another variant)',
        n: shares.length,
        sdBaseline: sd,
        sdVariant: sd,
        correlation: ASSUMED_CORRELATION,
        varianceOfDifference: 2 * variance * (1 - ASSUMED_CORRELATION),
        decomposition: null,
        designEffect: null,
        casesNeeded:
          previous.outcomes.repeat === 1 && meanReduced
            ? unsplitRows(repeatRows, pairedSampleSize({ detect: options.detect, alpha, power, ...spec }).n, 2 * variance * (1 - ASSUMED_CORRELATION), 1, {
                detect: options.detect,
                alpha,
                power,
              })
            : [{ repeats: previous.outcomes.repeat, cases: pairedSampleSize({ detect: options.detect, alpha, power, ...spec }).n }],
        minimumDetectableDifference: minimumDetectableDifference({ n: Math.max(1, options.suiteCases), alpha, power, ...spec }),
      });
    }
  }
  if (pairs.length === 0) {
    const why = previous
      ? previous.outcomes.variants.length < 2
        ? `the previous run ${previous.runId} has a single variant with no spread between cases`
        : `the previous run ${previous.runId} has too few paired cases`
      : 'no previous run of this suite is in the store';
    assumptions.push(`${why}: assuming the worst-case binary variance 0.25 per variant (a 50% pass rate) and a correlation of 0.5 between variants`);
    if (meanReduced)
      assumptions.push(
        "repeats: without a run with repeats, how much of the variance they remove is unknown (at most the model's own randomness; see docs/statistics.md): each row with more repeats is a range, low if all of the variance is the model's own randomness (k repeats divide it by k), high if none of it is",
      );
    const variance = { sdA: WORST_CASE_SD, sdB: WORST_CASE_SD, correlation: ASSUMED_CORRELATION };
    const n = pairedSampleSize({ detect: options.detect, alpha, power, ...variance }).n;
    pairs.push({
      baseline: 'A',
      variant: 'B',
      n: 0,
      sdBaseline: WORST_CASE_SD,
      sdVariant: WORST_CASE_SD,
      correlation: ASSUMED_CORRELATION,
      varianceOfDifference: WORST_CASE_SD ** 2 * 2 * (1 - ASSUMED_CORRELATION),
      decomposition: null,
      designEffect: null,
      // The assumed variance is per repeat; how much repeats remove is unknown, so each row is bounded.
      casesNeeded: meanReduced
        ? unsplitRows(repeatRows, n, WORST_CASE_SD ** 2 * 2 * (1 - ASSUMED_CORRELATION), 1, { detect: options.detect, alpha, power })
        : [{ repeats: options.repeat, cases: n }], // a value in [0, 1] has variance ≤ 0.25 whatever the reducer

      minimumDetectableDifference: minimumDetectableDifference({ n: Math.max(1, options.suiteCases), alpha, power, ...variance }),
    });
  }
  const atSuiteRepeat = (p: PairPlan) => (p.casesNeeded.find((r) => r.repeats === options.repeat) ?? p.casesNeeded[0]).cases;
  const bars: BarPlan[] = [];
  (options.bars ?? []).forEach((bar, index) => {
    if (bar.max_rate !== undefined && bar.max_rate > 0 && bar.max_rate < 1) {
      const level = bar.level ?? 0.95;
      const who = bar.metric && bar.severity ? `${bar.severity} ${bar.metric}` : (bar.metric ?? bar.severity ?? '');
      bars.push({
        index,
        text: `${who} failure rate ≤ ${Number((bar.max_rate * 100).toFixed(3))}%${bar.segment ? ` in ${bar.segment}` : ''}`,
        casesNeeded: casesNeededForZeroFailureBar(bar.max_rate, level),
        basis: `cases${bar.segment ? ` tagged ${bar.segment}` : ''} with no failure needed to prove it at ${Number((level * 100).toFixed(1))}% (exact)`,
      });
    }
  });
  return {
    detect: options.detect,
    alpha,
    power,
    method: 'miller-eq9',
    suiteCases: options.suiteCases,
    repeat: options.repeat,
    repeatReduce: reducer,
    source: pairs[0].n > 0 ? 'previous-run' : 'assumption',
    previousRunId: pairs[0].n > 0 ? previous!.runId : null,
    assumptions,
    pairs,
    casesNeeded: Math.max(...pairs.map(atSuiteRepeat)),
    minimumDetectableDifference: Math.max(...pairs.map((p) => p.minimumDetectableDifference)),
    bars,
  };
}
