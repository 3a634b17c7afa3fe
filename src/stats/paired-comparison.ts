// The one paired comparison of two variants on the same cases that every report shows: `evalspec run`'s
// comparisons and segments, `evalspec select`, and the viewer's Compare page all call comparePaired, so a
// pair of variants gets one difference, one interval and one p-value everywhere.
//
//   binary outcomes (one result per case, no clusters): Newcombe's paired interval (method 10, corrected φ)
//     with McNemar's mid-p test, the pair Fagerland, Lydersen & Laake (BMC Med Res Methodol 2013) recommend;
//     McNemar's exact p is kept beside it;
//   otherwise (pass shares over repeats, scores, clusters): the paired t interval and test (clustered with
//     CR1 and G − 1 df), and when every case moved by the same amount up to rounding, the exact no-spread
//     interval of outcomes.ts instead of a zero-width one.
//
// Sign convention as everywhere: difference = B − A.
import type { Interval } from './interval.js';
import type { ClusterId } from './means.js';
import { mcnemarExact, type McNemarResult } from './mcnemar.js';
import { differencesOf, pairedDifference, type PairedDifference } from './paired-difference.js';
import type { Values } from './descriptive.js';
import { pairedProportionDifferenceFromTable, type PairedTable } from './paired-proportions.js';
import { minimumDetectableDifference } from './power.js';
import { meanFigure } from './outcomes.js';

export interface PairedComparison {
  n: number;
  /** Distinct clusters when cluster ids were given, else null. */
  clusters: number | null;
  meanA: number;
  meanB: number;
  /** meanB − meanA. */
  difference: number;
  /** SE of the mean difference (paired t / CR1); null when it cannot be estimated. */
  se: number | null;
  df: number | null;
  /** Two-sided interval; method "newcombe-paired", "t", "clustered-t", or the no-spread bound's. */
  interval: Interval | null;
  test: 'newcombe-paired' | 'paired-t' | 'clustered-paired-t';
  /** McNemar mid-p (binary) or the paired t p-value; null when there is no spread to test against. */
  pValue: number | null;
  /** Pass/fail outcomes (one result per case): McNemar's test on the discordant cases (exact p and mid-p). */
  mcnemar: McNemarResult | null;
  /** The interval excludes 0. */
  detected: boolean;
  /** Smallest true difference this comparison detects with 80% power, from its own SE. */
  minimumDetectableDifference: number | null;
  /** The paired t figures behind se, df and the correlation inputs of power planning. */
  paired: PairedDifference;
}

export interface ComparePairedOptions {
  level?: number;
  clusterIds?: readonly ClusterId[];
  /**
   * The values are single pass/fail outcomes (one result per case). Binary methods are used only when this is
   * set, every value is 0 or 1, and there are no cluster ids.
   */
  binary?: boolean;
}

/**
 * Paired difference (B − A) with the t interval, or, when every case moved by the same amount up to rounding,
 * the exact no-spread interval (values in [0, 1], so differences in [−1, 1]) instead of a zero-width one.
 */
export function pairedWithInterval(a: Values, b: Values, level: number, clusterIds: readonly ClusterId[] | undefined) {
  const pd = pairedDifference(a, b, level, clusterIds);
  if (!pd) return undefined;
  let interval = pd.interval;
  if (!(pd.se !== undefined && pd.se > 0)) {
    const bounded = everyValue(a, (x) => x >= 0 && x <= 1) && everyValue(b, (x) => x >= 0 && x <= 1);
    interval = meanFigure(differencesOf(a, b), clusterIds, level, bounded ? [-1, 1] : undefined)?.interval;
  }
  return { pd, interval };
}

function everyValue(values: Values, test: (x: number) => boolean): boolean {
  for (let i = 0; i < values.length; i++) if (!test(values[i])) return false;
  return true;
}

/** The 2×2 table of paired pass (1) / fail (0) outcomes. */
function pairedTable(a: Values, b: Values): PairedTable {
  const table: PairedTable = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === 1 && b[i] === 1) table.both++;
    else if (a[i] === 1) table.onlyA++;
    else if (b[i] === 1) table.onlyB++;
    else table.neither++;
  }
  return table;
}

/** Compare B with A on the same cases (a[i] and b[i] belong to case i); undefined for no cases. */
export function comparePaired(a: Values, b: Values, options: ComparePairedOptions = {}): PairedComparison | undefined {
  const level = options.level ?? 0.95;
  const paired = pairedWithInterval(a, b, level, options.clusterIds);
  if (!paired) return undefined;
  const { pd } = paired;
  const isBinary = (x: number) => x === 0 || x === 1;
  const outcomes = options.binary === true && everyValue(a, isBinary) && everyValue(b, isBinary);
  // Clustered cases are not independent pairs, which Newcombe and McNemar assume: the clustered t is the
  // headline then, and McNemar's counts are shown beside it only as a description.
  const binary = outcomes && options.clusterIds === undefined;
  let interval = paired.interval ?? null;
  let pValue = pd.pValue ?? null;
  // Pass/fail outcomes: the 2×2 table is all McNemar and Newcombe read (counted, not a boolean array per side).
  const table = outcomes ? pairedTable(a, b) : null;
  const mcnemar: McNemarResult | null = table ? mcnemarExact(table.onlyB, table.onlyA) : null;
  if (binary) {
    interval = pairedProportionDifferenceFromTable(table!, level)!.interval;
    pValue = mcnemar!.midPValue;
  }
  return {
    n: pd.n,
    clusters: pd.clusters ?? null,
    meanA: pd.meanA,
    meanB: pd.meanB,
    difference: pd.difference,
    se: pd.se ?? null,
    df: pd.df ?? null,
    interval,
    test: binary ? 'newcombe-paired' : pd.test,
    pValue,
    mcnemar,
    detected: interval !== null && (interval.low > 0 || interval.high < 0),
    minimumDetectableDifference: pd.se !== undefined && pd.se > 0 ? minimumDetectableDifference({ standardError: pd.se, df: pd.df, alpha: 1 - level }) : null,
    paired: pd,
  };
}
