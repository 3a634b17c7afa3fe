// Turning a comparison into one sentence a product manager can act on (stats/ computes the figures, this
// file writes the words: the JSON report's comparisons[].sentence). The decision rule is the interval:
// a difference is "detected" when the interval excludes 0; the p-value is shown, not used to decide.
import { formatPValue, minimumDetectableDifference, type Comparison, type Interval } from '../stats/index.js';

/** What describeComparison needs: a pairedDifference or pairedBootstrap result fits. */
export interface ComparisonSummary {
  /** B − A. */
  difference: number;
  interval: Interval | undefined;
  pValue?: number | undefined;
  /** Standard error of the difference; used to state what the suite could have detected. */
  se?: number | undefined;
  /** Degrees of freedom behind the interval; with it, "could detect" uses t instead of z quantiles. */
  df?: number | undefined;
}

export interface DescribeOptions {
  nameA?: string;
  nameB?: string;
  /** Word after the numbers, default "points". */
  unit?: string;
  /** Multiply differences by this before printing; default 100 (0–1 scores shown as points out of 100). */
  scale?: number;
  /** Decimals for differences, default 1. */
  decimals?: number;
  /** Power used for "this suite could detect …", default 0.8. */
  power?: number;
}

const MINUS = '\u2212';

function formatNumber(value: number, decimals: number): string {
  const text = Math.abs(value).toFixed(decimals);
  // No "−0.0": a value that rounds to zero is printed as zero.
  return value < 0 && Number(text) !== 0 ? `${MINUS}${text}` : text;
}

function formatLevel(level: number): string {
  return `${Number((level * 100).toFixed(1))}%`;
}

/**
 * One plain sentence for a comparison of B against A, e.g.
 * "B is better than A by 4.1 points (95% CI 1.2 to 7.0, p = 0.006)." or
 * "No detectable difference between A and B (B − A = 0.8 points, 95% CI −1.0 to 2.5, p = 0.41); this suite
 * could detect 6.0 points."
 */
export function describeComparison(result: ComparisonSummary, options: DescribeOptions = {}): string {
  const { nameA = 'A', nameB = 'B', unit = 'points', scale = 100, decimals = 1, power = 0.8 } = options;
  const scaled = (value: number) => value * scale;
  const unitSuffix = unit ? ` ${unit}` : '';
  const { difference, interval, pValue, se, df } = result;
  const pText = pValue === undefined ? '' : `, ${formatPValue(pValue)}`;

  if (interval === undefined) {
    if (difference === 0) return `${nameA} and ${nameB} scored the same, and there is not enough data for a confidence interval.`;
    const direction = difference > 0 ? 'higher' : 'lower';
    return (
      `${nameB} scored ${formatNumber(Math.abs(scaled(difference)), decimals)}${unitSuffix} ${direction} than ${nameA}, ` +
      'but there is not enough data for a confidence interval (it needs at least 2 cases whose differences vary).'
    );
  }

  const levelText = `${formatLevel(interval.level)} CI`;
  const detected = interval.low > 0 || interval.high < 0;
  if (detected) {
    const better = difference > 0;
    // State the size as a positive amount and the interval in the same direction, so the sentence reads naturally.
    const [from, to] = better ? [interval.low, interval.high] : [-interval.high, -interval.low];
    return (
      `${nameB} is ${better ? 'better' : 'worse'} than ${nameA} by ${formatNumber(Math.abs(scaled(difference)), decimals)}${unitSuffix} ` +
      `(${levelText} ${formatNumber(scaled(from), decimals)} to ${formatNumber(scaled(to), decimals)}${pText}).`
    );
  }
  let sentence =
    `No detectable difference between ${nameA} and ${nameB} ` +
    `(${nameB} ${MINUS} ${nameA} = ${formatNumber(scaled(difference), decimals)}${unitSuffix}, ` +
    `${levelText} ${formatNumber(scaled(interval.low), decimals)} to ${formatNumber(scaled(interval.high), decimals)}${pText})`;
  if (se !== undefined && se > 0) {
    const detectable = minimumDetectableDifference({ standardError: se, df, alpha: 1 - interval.level, power });
    sentence += `; this suite could detect ${formatNumber(scaled(detectable), decimals)}${unitSuffix}`;
  }
  return `${sentence}.`;
}

/** A comparison with the baseline, with its sentence: an entry of the JSON report's `comparisons`. */
export interface DescribedComparison extends Comparison {
  sentence: string;
}

/**
 * The run's comparisons with the baseline (stats/run-analysis.ts) in words: the pass-rate sentence, and with
 * more than one comparison the Holm-adjusted p-value.
 */
export function describeComparisons(comparisons: readonly Comparison[]): DescribedComparison[] {
  return comparisons.map((c) => {
    let sentence =
      c.difference === null
        ? `No case has results for both ${c.baseline} and ${c.variant}: nothing to compare.`
        : `Pass rate: ${describeComparison(
            { difference: c.difference, interval: c.interval ?? undefined, pValue: c.pValue ?? undefined, se: c.se ?? undefined, df: c.df ?? undefined },
            { nameA: c.baseline, nameB: c.variant },
          )}`;
    if (comparisons.length > 1 && c.pValueHolm !== null) sentence += ` Adjusted for ${comparisons.length} comparisons (Holm): ${formatPValue(c.pValueHolm)}.`;
    return { ...c, sentence };
  });
}
