// Comparing two variants (prompts, models) run on the same cases. Pairing is the single biggest gain in
// precision an eval can get: both variants see the same hard and easy questions, so the question-to-
// question spread cancels in the per-case difference (Miller 2024 §4, Eq. 7).
//
// Sign convention everywhere: difference = B − A, so a positive difference means B scored higher.
import type { Interval } from './interval.js';
import { hasNoSpread, largestMagnitude, mean, pearsonCorrelation, quantileOfSorted, sampleVariance, type Values } from './descriptive.js';
import { tTwoSidedPValue } from './distributions.js';
import { clusteredStandardErrors, tInterval, type ClusterId } from './means.js';
import { mulberry32, randomIndex } from './random.js';
import { multinomialDraw } from './multinomial.js';
import { assertFiniteValues, assertLevel, assertSameLength } from './validate.js';
import { withScratchColumn } from './scratch.js';

export interface PairedDifference {
  n: number;
  meanA: number;
  meanB: number;
  /** mean(B − A). */
  difference: number;
  /**
   * SE of the mean difference: √(Var(B − A)/n), or the CR1 clustered SE when clusters are given; 0 when every
   * case moved by the same amount up to rounding (then there is no t interval or p-value worth giving).
   */
  se: number | undefined;
  /** n − 1, or G − 1 with clusters. */
  df: number | undefined;
  /** difference ± t·SE, method "t" or "clustered-t". */
  interval: Interval | undefined;
  /** The test behind pValue. */
  test: 'paired-t' | 'clustered-paired-t';
  /** difference / se. */
  statistic: number | undefined;
  /**
   * Two-sided p-value from t with df degrees of freedom. Undefined when it cannot be computed: n < 2, fewer
   * than 2 clusters, or every case moved by exactly the same amount (no spread to test against).
   */
  pValue: number | undefined;
  clusters: number | undefined;
  /** Per-case score standard deviations and their correlation: the inputs of {@link pairedSampleSize}. */
  sdA: number | undefined;
  sdB: number | undefined;
  correlation: number | undefined;
  /** The SE you would get by ignoring the pairing (Miller Eq. 5), for showing what pairing bought. */
  seUnpaired: number | undefined;
}

/**
 * Paired difference of means with a Student-t interval and two-sided t-test on the per-case differences
 * (the paired t-test; Miller Eq. 7 with t instead of z). Pass `clusterIds` when cases come in groups; the
 * SE is then the CR1 clustered SE of the differences with G − 1 degrees of freedom (see clusteredMeanEstimate).
 * Undefined when there are no cases.
 */
/** b[i] − a[i] for every case, in a Float64Array (off the JavaScript heap), or in `out` (of a's length) when given. */
export function differencesOf(a: Values, b: Values, out: Float64Array = new Float64Array(a.length)): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = b[i] - a[i];
  return out;
}

export function pairedDifference(a: Values, b: Values, level = 0.95, clusterIds?: readonly ClusterId[]): PairedDifference | undefined {
  assertFiniteValues(a, 'a');
  assertFiniteValues(b, 'b');
  assertSameLength(a, b, 'a and b');
  assertLevel(level);
  const n = a.length;
  if (n === 0) return undefined;
  // The differences are needed only here: in the shared working column (scratch.ts), not a new array per call.
  return withScratchColumn(n, (column) => pairedFigures(a, b, level, clusterIds, differencesOf(a, b, column)));
}

function pairedFigures(a: Values, b: Values, level: number, clusterIds: readonly ClusterId[] | undefined, differences: Float64Array): PairedDifference {
  const n = a.length;
  const difference = mean(differences);
  // B = A + 0.1 on every case gives differences 0.09999999999999998, 0.10000000000000003, …: no spread.
  const flat = hasNoSpread(differences, largestMagnitude(a, b));
  let se: number | undefined;
  let df: number | undefined;
  let clusters: number | undefined;
  if (clusterIds === undefined) {
    const variance = sampleVariance(differences);
    se = variance === undefined ? undefined : flat ? 0 : Math.sqrt(variance / n);
    df = se === undefined ? undefined : n - 1;
  } else {
    const errors = clusteredStandardErrors(differences, clusterIds);
    clusters = errors?.clusters;
    if (errors !== undefined && errors.clusters >= 2 && errors.cr1 !== undefined) {
      se = flat ? 0 : errors.cr1;
      df = errors.clusters - 1;
    }
  }
  const informative = se !== undefined && se > 0 && df !== undefined;
  const statistic = informative ? difference / (se as number) : undefined;
  const varianceA = sampleVariance(a);
  const varianceB = sampleVariance(b);
  return {
    n,
    meanA: mean(a),
    meanB: mean(b),
    difference,
    se,
    df,
    interval: tInterval(difference, se, df, level, clusterIds === undefined ? 't' : 'clustered-t'),
    test: clusterIds === undefined ? 'paired-t' : 'clustered-paired-t',
    statistic,
    pValue: statistic === undefined ? undefined : tTwoSidedPValue(statistic, df as number),
    clusters,
    sdA: varianceA === undefined ? undefined : Math.sqrt(varianceA),
    sdB: varianceB === undefined ? undefined : Math.sqrt(varianceB),
    correlation: pearsonCorrelation(a, b),
    seUnpaired: varianceA === undefined || varianceB === undefined ? undefined : Math.sqrt((varianceA + varianceB) / n),
  };
}

export interface PairedBootstrapOptions {
  /** Required: the same seed gives the same interval. */
  seed: number;
  /** Number of resamples, default 10,000. */
  resamples?: number;
  level?: number;
  /** Resample whole clusters instead of single cases (cluster bootstrap). */
  clusterIds?: readonly ClusterId[];
}

export interface PairedBootstrap {
  n: number;
  /** mean(B − A) on the original data. */
  difference: number;
  /** Standard deviation of the resampled differences. */
  se: number;
  /** Percentile interval, method "bootstrap-percentile" (or "cluster-bootstrap-percentile"). */
  interval: Interval;
  resamples: number;
  seed: number;
}

/**
 * Up to this many resampling units every resample draws unit by unit (the draws, hence the interval, are the
 * same as in earlier versions); above it, units with few distinct values are resampled by multinomial counts.
 */
const PER_DRAW_UNITS = 10_000;
/** Most distinct (sum, size) units for the multinomial resampling: binary and repeat-share differences. */
const MAX_KINDS = 64;

/**
 * The distinct (sum, size) pairs of the units with their counts, or undefined when there are more than MAX_KINDS.
 * `sizes` null: every unit is one case.
 */
function distinctUnits(sums: Values, sizes: Values | null): { sums: number[]; sizes: number[]; weights: number[] } | undefined {
  const index = new Map<string, number>();
  const out = { sums: [] as number[], sizes: [] as number[], weights: [] as number[] };
  for (let i = 0; i < sums.length; i++) {
    const size = sizes === null ? 1 : sizes[i];
    const key = `${sums[i]}/${size}`;
    let k = index.get(key);
    if (k === undefined) {
      if (out.sums.length === MAX_KINDS) return undefined;
      index.set(key, (k = out.sums.length));
      out.sums.push(sums[i]);
      out.sizes.push(size);
      out.weights.push(0);
    }
    out.weights[k]++;
  }
  return out;
}

/**
 * Paired bootstrap of mean(B − A) (Efron & Tibshirani 1993, ch. 13 percentile interval): resample cases
 * (or whole clusters) with replacement, keeping each case's A and B together. No normality assumption;
 * prefer it for skewed scores with many cases. With few cases it is too narrow; use the t interval then.
 * Above 10,000 units taking at most 64 distinct values (binary outcomes, repeat shares), a resample is drawn
 * as multinomial counts of the distinct values (multinomial.ts): the same resampling distribution, from
 * another stream of the seeded generator, in time independent of the number of cases.
 * Undefined when there are no cases.
 */
export function pairedBootstrap(a: Values, b: Values, options: PairedBootstrapOptions): PairedBootstrap | undefined {
  const { seed, resamples = 10_000, level = 0.95, clusterIds } = options;
  assertFiniteValues(a, 'a');
  assertFiniteValues(b, 'b');
  assertSameLength(a, b, 'a and b');
  assertLevel(level);
  if (!Number.isInteger(resamples) || resamples < 2) throw new RangeError(`resamples must be ≥ 2, got ${resamples}`);
  const n = a.length;
  if (n === 0) return undefined;
  return withScratchColumn(n, (column) => bootstrapDifferences(differencesOf(a, b, column), { seed, resamples, level, clusterIds }));
}

function bootstrapDifferences(
  differences: Float64Array,
  options: Required<Omit<PairedBootstrapOptions, 'clusterIds'>> & Pick<PairedBootstrapOptions, 'clusterIds'>,
): PairedBootstrap {
  const { seed, resamples, level, clusterIds } = options;
  const n = differences.length;
  // Resampling units: single cases, or clusters given as (sum of differences, number of cases).
  let unitSums: Values = differences;
  // Null when every unit is one case (no column of a million ones: issue #22).
  let unitSizes: Values | null = null;
  if (clusterIds !== undefined) {
    assertSameLength(differences, clusterIds, 'a and clusterIds');
    const byCluster = new Map<ClusterId, { sum: number; size: number }>();
    differences.forEach((difference, i) => {
      const entry = byCluster.get(clusterIds[i]) ?? { sum: 0, size: 0 };
      entry.sum += difference;
      entry.size += 1;
      byCluster.set(clusterIds[i], entry);
    });
    unitSums = [...byCluster.values()].map((entry) => entry.sum);
    unitSizes = [...byCluster.values()].map((entry) => entry.size);
  }
  const units = unitSums.length;
  const random = mulberry32(seed);
  const replicates = new Float64Array(resamples);
  const kinds = units > PER_DRAW_UNITS ? distinctUnits(unitSums, unitSizes) : undefined;
  if (kinds) {
    // Few distinct units (binary outcomes): draw how many of each kind a resample holds (multinomial.ts).
    const counts = new Float64Array(kinds.sums.length);
    for (let r = 0; r < resamples; r++) {
      multinomialDraw(random, units, kinds.weights, counts);
      let total = 0;
      let size = 0;
      for (let j = 0; j < counts.length; j++) {
        total += counts[j] * kinds.sums[j];
        size += counts[j] * kinds.sizes[j];
      }
      replicates[r] = total / size;
    }
  } else {
    for (let r = 0; r < resamples; r++) {
      let total = 0;
      let size = 0;
      for (let draw = 0; draw < units; draw++) {
        const unit = randomIndex(random, units);
        total += unitSums[unit];
        size += unitSizes === null ? 1 : unitSizes[unit];
      }
      replicates[r] = total / size;
    }
  }
  const sorted = Array.from(replicates).sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  return {
    n,
    difference: mean(differences),
    se: Math.sqrt(sampleVariance(sorted) as number),
    interval: {
      method: clusterIds === undefined ? 'bootstrap-percentile' : 'cluster-bootstrap-percentile',
      level,
      low: quantileOfSorted(sorted, tail),
      high: quantileOfSorted(sorted, 1 - tail),
    },
    resamples,
    seed,
  };
}

export interface SignFlipPermutationTest {
  n: number;
  difference: number;
  pValue: number;
  /** "sign-flip-exact" (all 2^n sign patterns) or "sign-flip-monte-carlo". */
  method: 'sign-flip-exact' | 'sign-flip-monte-carlo';
  /** Sign patterns evaluated. */
  permutations: number;
}

/** Exact enumeration up to this many cases (2^20 ≈ 1M patterns, well under a second). */
const MAX_EXACT_CASES = 20;

/**
 * Paired permutation test (Fisher 1935): under "no difference", each case's B − A is as likely to have
 * either sign, so flip signs and count how often |mean| is at least the observed one (ties within 1e-12).
 * Exact for n ≤ 20 (Gray-code enumeration); beyond that a seeded Monte Carlo with p = (hits+1)/(draws+1)
 * (Phipson & Smyth 2010). Needs no normality; a good check on the t-test for small suites.
 */
export function signFlipPermutationTest(
  a: readonly number[],
  b: readonly number[],
  options: { seed?: number; resamples?: number } = {},
): SignFlipPermutationTest | undefined {
  assertFiniteValues(a, 'a');
  assertFiniteValues(b, 'b');
  assertSameLength(a, b, 'a and b');
  const n = a.length;
  if (n === 0) return undefined;
  const differences = b.map((value, i) => value - a[i]);
  let observedSum = 0;
  for (const difference of differences) observedSum += difference;
  const threshold = Math.abs(observedSum) - 1e-12 * n;
  if (n <= MAX_EXACT_CASES) {
    // Gray code: consecutive patterns differ in one sign, so each step updates the sum in O(1).
    const signs = new Int8Array(n).fill(1);
    let sum = observedSum;
    let hits = Math.abs(sum) >= threshold ? 1 : 0;
    const patterns = 2 ** n;
    for (let step = 1; step < patterns; step++) {
      const flip = 31 - Math.clz32(step & -step);
      sum -= 2 * signs[flip] * differences[flip];
      signs[flip] = -signs[flip];
      if (Math.abs(sum) >= threshold) hits++;
    }
    return { n, difference: observedSum / n, pValue: hits / patterns, method: 'sign-flip-exact', permutations: patterns };
  }
  const { seed, resamples = 100_000 } = options;
  if (seed === undefined) throw new RangeError(`signFlipPermutationTest needs a seed for more than ${MAX_EXACT_CASES} cases`);
  const random = mulberry32(seed);
  let hits = 0;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    for (const difference of differences) sum += random() < 0.5 ? -difference : difference;
    if (Math.abs(sum) >= threshold) hits++;
  }
  return {
    n,
    difference: observedSum / n,
    pValue: (hits + 1) / (resamples + 1),
    method: 'sign-flip-monte-carlo',
    permutations: resamples,
  };
}
