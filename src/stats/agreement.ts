// Agreement between two graders (an LLM judge and a human, two humans): how much more they agree than
// chance would predict. Raw agreement flatters: two graders who both say "pass" 90% of the time agree 82%
// of the time by luck alone.
import type { Interval } from './interval.js';
import { quantileOfSorted } from './descriptive.js';
import { normalQuantile } from './distributions.js';
import { mulberry32, randomIndex } from './random.js';
import { assertLevel } from './validate.js';

export type Label = string | number | boolean;
export type KappaWeights = 'none' | 'linear' | 'quadratic';

export interface KappaOptions {
  /** 'none' for categories without order; 'linear'/'quadratic' give partial credit for near misses on an ordered scale. */
  weights?: KappaWeights;
  /** Category order (required for meaningful weights on string labels). Default: sorted distinct labels. */
  categories?: readonly Label[];
  level?: number;
}

export interface CohensKappa {
  kappa: number;
  /** Weighted share of cases the graders agree on. */
  observedAgreement: number;
  /** Agreement expected by chance from each grader's label frequencies. */
  expectedAgreement: number;
  n: number;
  weights: KappaWeights;
  /** Rows: first grader; columns: second grader; in `categories` order when labels were given. */
  confusion: number[][];
  categories: Label[] | undefined;
  /** Large-sample SE (Fleiss, Cohen & Everitt 1969). */
  se: number;
  /** kappa ± z·SE clipped to [−1, 1], method "fleiss-cohen-everitt". */
  interval: Interval;
}

function agreementWeights(k: number, weights: KappaWeights): number[][] {
  return Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => {
      if (weights === 'none' || k === 1) return i === j ? 1 : 0;
      const distance = Math.abs(i - j) / (k - 1);
      return weights === 'linear' ? 1 - distance : 1 - distance * distance;
    }),
  );
}

function confusionFromPairs(pairs: readonly (readonly [Label, Label])[], categories: readonly Label[] | undefined) {
  const order = categories ?? [...new Set(pairs.flat())].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const index = new Map(order.map((label, i) => [label, i]));
  const confusion = order.map(() => order.map(() => 0));
  for (const [first, second] of pairs) {
    const i = index.get(first);
    const j = index.get(second);
    if (i === undefined || j === undefined) {
      throw new RangeError(`label ${String(i === undefined ? first : second)} is not in categories [${order.join(', ')}]`);
    }
    confusion[i][j]++;
  }
  return { confusion, categories: [...order] };
}

/**
 * Cohen's kappa (Cohen 1960; weighted: Cohen 1968): κ = (p_o − p_e)/(1 − p_e), with p_e = Σ w_ij r_i c_j
 * from the graders' marginal rates. 1 = perfect, 0 = chance level, < 0 = worse than chance.
 * Input: `{ confusion }`, a k×k matrix of counts (rows = first grader), or `{ pairs }`, one
 * (first, second) label pair per case. (Explicit, because a list of two numeric pairs would otherwise be
 * indistinguishable from a 2×2 matrix.)
 * Interval: normal approximation with the Fleiss–Cohen–Everitt (1969) large-sample variance.
 * Undefined with no cases, or when chance agreement is 1 (both graders always gave the same single label).
 */
export function cohensKappa(
  data: { confusion: readonly (readonly number[])[] } | { pairs: readonly (readonly [Label, Label])[] },
  options: KappaOptions = {},
): CohensKappa | undefined {
  const { weights = 'none', level = 0.95 } = options;
  assertLevel(level);
  let confusion: number[][];
  let categories: Label[] | undefined;
  if ('confusion' in data) {
    confusion = data.confusion.map((row) => [...row]);
    categories = undefined;
    confusion.forEach((row, i) => {
      if (row.length !== confusion.length) throw new RangeError(`confusion must be square: row ${i} has ${row.length} entries`);
      row.forEach((count, j) => {
        if (!(count >= 0) || !Number.isFinite(count)) throw new RangeError(`confusion[${i}][${j}] must be a count ≥ 0, got ${count}`);
      });
    });
  } else {
    ({ confusion, categories } = confusionFromPairs(data.pairs, options.categories));
  }
  const k = confusion.length;
  const n = confusion.flat().reduce((total, count) => total + count, 0);
  if (k === 0 || n === 0) return undefined;
  const w = agreementWeights(k, weights);
  const p = confusion.map((row) => row.map((count) => count / n));
  const rows = p.map((row) => row.reduce((total, value) => total + value, 0));
  const columns = p[0].map((_, j) => p.reduce((total, row) => total + row[j], 0));
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      observed += w[i][j] * p[i][j];
      expected += w[i][j] * rows[i] * columns[j];
    }
  }
  if (expected >= 1 - 1e-15) return undefined;
  const kappa = (observed - expected) / (1 - expected);
  // Fleiss, Cohen & Everitt (1969), non-null variance:
  // Var = [Σ p_ij (w_ij − (w̄_i· + w̄_·j)(1 − κ))² − (κ − p_e(1 − κ))²] / (n (1 − p_e)²),
  // where w̄_i· = Σ_j c_j w_ij and w̄_·j = Σ_i r_i w_ij.
  const rowWeightMeans = w.map((row) => row.reduce((total, value, j) => total + value * columns[j], 0));
  const columnWeightMeans = columns.map((_, j) => w.reduce((total, row, i) => total + row[j] * rows[i], 0));
  let sum = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      sum += p[i][j] * (w[i][j] - (rowWeightMeans[i] + columnWeightMeans[j]) * (1 - kappa)) ** 2;
    }
  }
  const variance = Math.max(0, (sum - (kappa - expected * (1 - kappa)) ** 2) / (n * (1 - expected) ** 2));
  const se = Math.sqrt(variance);
  const z = normalQuantile((1 + level) / 2);
  return {
    kappa,
    observedAgreement: observed,
    expectedAgreement: expected,
    n,
    weights,
    confusion,
    categories,
    se,
    interval: { method: 'fleiss-cohen-everitt', level, low: Math.max(-1, kappa - z * se), high: Math.min(1, kappa + z * se) },
  };
}

export type AlphaMetric = 'nominal' | 'interval';

export interface KrippendorffAlphaOptions {
  /** 'nominal' (labels, default) or 'interval' (numeric scores, squared-difference disagreement). */
  metric?: AlphaMetric;
  /** Bootstrap over units for an interval; omitted → no interval. Needs an explicit seed. */
  bootstrap?: { seed: number; resamples?: number; level?: number };
}

export interface KrippendorffAlpha {
  alpha: number;
  /** Observed disagreement D_o. */
  observedDisagreement: number;
  /** Disagreement expected by chance D_e. */
  expectedDisagreement: number;
  /** Units with at least two ratings (the only ones that count). */
  units: number;
  /** Pairable ratings (n in Krippendorff's notation). */
  values: number;
  metric: AlphaMetric;
  /** Percentile bootstrap over units, method "bootstrap-percentile"; only when requested. */
  interval: Interval | undefined;
}

type Ratings = readonly (Label | null | undefined)[];

/** D_o and D_e sums for a set of units (each unit: its present ratings). */
function disagreementParts(units: readonly Label[][], metric: AlphaMetric) {
  let observedSum = 0;
  let values = 0;
  const counts = new Map<Label, number>();
  let total = 0;
  let totalSquares = 0;
  for (const unit of units) {
    const m = unit.length;
    values += m;
    // Σ over ordered pairs i ≠ j in the unit of δ², divided by m − 1.
    if (metric === 'nominal') {
      const unitCounts = new Map<Label, number>();
      for (const value of unit) unitCounts.set(value, (unitCounts.get(value) ?? 0) + 1);
      let sameSquares = 0;
      for (const count of unitCounts.values()) sameSquares += count * count;
      observedSum += (m * m - sameSquares) / (m - 1);
    } else {
      const numbers = unit as number[];
      const s = numbers.reduce((acc, v) => acc + v, 0);
      const s2 = numbers.reduce((acc, v) => acc + v * v, 0);
      observedSum += (2 * m * s2 - 2 * s * s) / (m - 1);
    }
    for (const value of unit) {
      if (metric === 'nominal') {
        counts.set(value, (counts.get(value) ?? 0) + 1);
      } else {
        total += value as number;
        totalSquares += (value as number) ** 2;
      }
    }
  }
  let expectedPairSum: number;
  if (metric === 'nominal') {
    let sameSquares = 0;
    for (const count of counts.values()) sameSquares += count * count;
    expectedPairSum = values * values - sameSquares;
  } else {
    expectedPairSum = 2 * values * totalSquares - 2 * total * total;
  }
  return { observed: observedSum / values, expected: expectedPairSum / (values * (values - 1)), values };
}

/**
 * Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): 1 − D_o/D_e from
 * the coincidence of ratings within units. Any number of graders, missing ratings allowed (null/undefined),
 * units with fewer than two ratings ignored. Input: one row per unit (case), one column per grader.
 * Undefined when fewer than two units are rateable or chance disagreement is 0 (everyone used one label).
 */
export function krippendorffAlpha(ratings: readonly Ratings[], options: KrippendorffAlphaOptions = {}): KrippendorffAlpha | undefined {
  const { metric = 'nominal', bootstrap } = options;
  const units = ratings.map((unit) => unit.filter((value): value is Label => value !== null && value !== undefined)).filter((unit) => unit.length >= 2);
  if (metric === 'interval') {
    for (const unit of units) {
      for (const value of unit) {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new RangeError(`interval metric needs finite numbers, got ${String(value)}`);
      }
    }
  }
  if (units.length < 2) return undefined;
  const parts = disagreementParts(units, metric);
  if (!(parts.expected > 0)) return undefined;
  let interval: Interval | undefined;
  if (bootstrap !== undefined) {
    const { seed, resamples = 2000, level = 0.95 } = bootstrap;
    assertLevel(level);
    const random = mulberry32(seed);
    const replicates: number[] = [];
    for (let r = 0; r < resamples; r++) {
      const sample = units.map(() => units[randomIndex(random, units.length)]);
      const resampled = disagreementParts(sample, metric);
      // A resample where everyone used one label has no defined alpha; skip it rather than invent one.
      if (resampled.expected > 0) replicates.push(1 - resampled.observed / resampled.expected);
    }
    if (replicates.length > 0) {
      replicates.sort((x, y) => x - y);
      const tail = (1 - level) / 2;
      interval = {
        method: 'bootstrap-percentile',
        level,
        low: quantileOfSorted(replicates, tail),
        high: quantileOfSorted(replicates, 1 - tail),
      };
    }
  }
  return {
    alpha: 1 - parts.observed / parts.expected,
    observedDisagreement: parts.observed,
    expectedDisagreement: parts.expected,
    units: units.length,
    values: parts.values,
    metric,
    interval,
  };
}
