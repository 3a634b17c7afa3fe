// Repeats: the same case run k times. Repeats are not new cases: they measure the model's randomness on
// one question, not the spread across questions. So each case's repeats are reduced to one value first,
// and statistics then run on one value per case (Miller 2024 §3.1; Inspect AI "epochs" + reducers).
import type { Interval } from './interval.js';
import { mean, sampleVariance } from './descriptive.js';
import { meanEstimate, type MeanEstimate } from './means.js';
import { wilsonInterval } from './proportions.js';
import { assertCount, assertFiniteValues, assertLevel } from './validate.js';

/** Mean score over a case's repeats; undefined for no repeats. */
export function repeatsMean(scores: readonly number[]): number | undefined {
  assertFiniteValues(scores, 'scores');
  return scores.length === 0 ? undefined : mean(scores);
}

/** True when strictly more than half of the repeats passed (a tie counts as not passed). */
export function majorityPassed(passes: readonly boolean[]): boolean | undefined {
  if (passes.length === 0) return undefined;
  return 2 * passes.filter(Boolean).length > passes.length;
}

/** True when every repeat passed: the reducer for "must work every time". */
export function allPassed(passes: readonly boolean[]): boolean | undefined {
  return passes.length === 0 ? undefined : passes.every(Boolean);
}

function assertRepeatCounts(n: number, c: number, k: number): void {
  assertCount(n, 'n');
  assertCount(c, 'c');
  if (c > n) throw new RangeError(`c (passing repeats, ${c}) cannot exceed n (repeats, ${n})`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be a whole number in 1..n (${n}), got ${k}`);
}

/**
 * pass@k: probability that at least one of k repeats drawn without replacement from the n run passes.
 * Unbiased estimator 1 − C(n−c, k)/C(n, k) (Chen et al. 2021, "Evaluating Large Language Models
 * Trained on Code"), computed as 1 − Π_{i=n−c+1}^{n} (1 − k/i) so no binomial coefficient overflows.
 * The naive 1 − (1 − c/n)^k is biased low.
 */
export function passAtK(n: number, c: number, k: number): number {
  assertRepeatCounts(n, c, k);
  if (n - c < k) return 1;
  let allFailProbability = 1;
  for (let i = n - c + 1; i <= n; i++) allFailProbability *= 1 - k / i;
  return 1 - allFailProbability;
}

/**
 * pass^k: probability that all k repeats drawn without replacement pass, C(c, k)/C(n, k)
 * (Yao et al. 2024, τ-bench), computed as Π_{i=0}^{k−1} (c−i)/(n−i). Measures reliability: a model that
 * passes 60% of the time has pass^5 ≈ 8%.
 */
export function passHatK(n: number, c: number, k: number): number {
  assertRepeatCounts(n, c, k);
  if (c < k) return 0;
  let probability = 1;
  for (let i = 0; i < k; i++) probability *= (c - i) / (n - i);
  return probability;
}

/** How a case's repeats fold into one value in [0, 1]. */
export type RepeatsReducer = 'mean' | 'majority' | 'all' | `pass@${number}` | `pass^${number}`;

export interface RepeatOutcome {
  pass: boolean;
  /** In [0, 1]. */
  score: number;
}

/**
 * Fold one case's repeats into a single value in [0, 1]: 'mean' averages scores, 'majority' and 'all' are
 * 1 or 0, 'pass@k' and 'pass^k' are the unbiased estimators above. Undefined for no repeats.
 */
export function reduceRepeats(repeats: readonly RepeatOutcome[], reducer: RepeatsReducer): number | undefined {
  if (repeats.length === 0) return undefined;
  const passes = repeats.map((repeat) => repeat.pass);
  if (reducer === 'mean') return repeatsMean(repeats.map((repeat) => repeat.score));
  if (reducer === 'majority') return majorityPassed(passes) ? 1 : 0;
  if (reducer === 'all') return allPassed(passes) ? 1 : 0;
  const match = /^pass([@^])(\d+)$/.exec(reducer);
  if (!match) throw new RangeError(`unknown reducer "${reducer}"; use mean, majority, all, pass@k or pass^k`);
  const k = Number(match[2]);
  const c = passes.filter(Boolean).length;
  return match[1] === '@' ? passAtK(passes.length, c, k) : passHatK(passes.length, c, k);
}

export interface ConsistencyResult {
  /** Cases with at least 2 repeats (a single run cannot disagree with itself). */
  cases: number;
  /** Cases where some repeats passed and some failed. */
  disagreeing: number;
  /** disagreeing / cases. */
  share: number;
  /** Wilson interval for the share. */
  interval: Interval;
}

/**
 * Share of cases whose repeats disagree (some pass, some fail): a flakiness figure. Undefined when no case
 * has 2 or more repeats.
 */
export function consistency(perCaseRepeatPasses: readonly (readonly boolean[])[], level = 0.95): ConsistencyResult | undefined {
  assertLevel(level);
  const eligible = perCaseRepeatPasses.filter((passes) => passes.length >= 2);
  if (eligible.length === 0) return undefined;
  const disagreeing = eligible.filter((passes) => passes.some(Boolean) && !passes.every(Boolean)).length;
  return {
    cases: eligible.length,
    disagreeing,
    share: disagreeing / eligible.length,
    interval: wilsonInterval(disagreeing, eligible.length, level) as Interval,
  };
}

export interface RepeatsMeanEstimate extends MeanEstimate {
  /** Fewest and most repeats seen on a case. */
  repeats: { min: number; max: number };
  caseMeans: number[];
  /** The too-small SE you would get by pooling all n·K answers as independent. Shown for contrast only. */
  sePooledAsIfIndependent: number | undefined;
  /** Average within-case variance σ̂² (n − 1 denominator), over cases with ≥ 2 repeats. */
  meanWithinCaseVariance: number | undefined;
  /** Variance of the case means across cases. Estimates Var(x) + E[σ²]/K. */
  varianceOfCaseMeans: number | undefined;
  /** Var(x): the spread of true per-case scores, varianceOfCaseMeans − mean(σ̂ᵢ²/Kᵢ), truncated at 0. */
  betweenCaseVariance: number | undefined;
}

/**
 * Mean over cases with repeats, done right (Miller 2024 §3.1): average each case's repeats, then take the
 * t interval across the n case means. Also reports the variance components that say whether more repeats
 * would help (see {@link repeatsVarianceRatio}). Undefined when there are no cases.
 */
export function repeatsMeanEstimate(scoresByCase: readonly (readonly number[])[], level = 0.95): RepeatsMeanEstimate | undefined {
  const cases = scoresByCase.filter((scores) => scores.length > 0);
  if (cases.length === 0) return undefined;
  for (const scores of cases) assertFiniteValues(scores, 'scores');
  const caseMeans = cases.map((scores) => mean(scores));
  const estimate = meanEstimate(caseMeans, level) as MeanEstimate;
  const pooled = cases.flat();
  const pooledVariance = sampleVariance(pooled);
  const withinVariances: number[] = [];
  const withinOverRepeats: number[] = [];
  for (const scores of cases) {
    const variance = sampleVariance(scores);
    if (variance === undefined) continue;
    withinVariances.push(variance);
    withinOverRepeats.push(variance / scores.length);
  }
  const varianceOfCaseMeans = sampleVariance(caseMeans);
  const meanWithinCaseVariance = withinVariances.length > 0 ? mean(withinVariances) : undefined;
  const betweenCaseVariance =
    varianceOfCaseMeans === undefined || withinOverRepeats.length === 0 ? undefined : Math.max(0, varianceOfCaseMeans - mean(withinOverRepeats));
  const lengths = cases.map((scores) => scores.length);
  return {
    ...estimate,
    repeats: { min: Math.min(...lengths), max: Math.max(...lengths) },
    caseMeans,
    sePooledAsIfIndependent: pooledVariance === undefined ? undefined : Math.sqrt(pooledVariance / pooled.length),
    meanWithinCaseVariance,
    varianceOfCaseMeans,
    betweenCaseVariance,
  };
}

/**
 * Variance of the suite mean with K repeats per case relative to 1 repeat (Miller 2024 §3.1):
 * (Var(x) + E[σ²]/K) / (Var(x) + E[σ²]). The ceiling on what repeats can remove is E[σ²]/(Var(x)+E[σ²]):
 * repeats shrink the model's own randomness, never the spread across questions.
 */
export function repeatsVarianceRatio(betweenCaseVariance: number, meanWithinCaseVariance: number, repeats: number): number {
  if (!(betweenCaseVariance >= 0) || !(meanWithinCaseVariance >= 0)) {
    throw new RangeError('variances must be ≥ 0');
  }
  if (!Number.isInteger(repeats) || repeats < 1) throw new RangeError(`repeats must be a whole number ≥ 1, got ${repeats}`);
  const total = betweenCaseVariance + meanWithinCaseVariance;
  if (total === 0) return 1;
  return (betweenCaseVariance + meanWithinCaseVariance / repeats) / total;
}
