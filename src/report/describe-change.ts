// A run-to-run change in words, e.g. "tone got worse by 6.2 points (95% CI 2.1 to 10.3, p = 0.003, Holm 0.009)".
// stats/run-diff.ts returns the figures of each change (paired difference, interval, p, Holm across its family);
// this file writes the `sentence` of every metric and segment change of the diff JSON (formatVersion 1) and the
// point figures every diff rendering prints.
import { formatPValue, type MetricChange, type SegmentChange, type VariantDiff } from '../stats/index.js';
import { segmentWarningText } from './segment-warning.js';

const MINUS = '\u2212';

/** A metric change with its sentence: an entry of the diff JSON's perVariant[].metrics. */
export type DescribedMetricChange = MetricChange & { sentence: string };
/** A segment change with its sentence and its warning in words: an entry of the diff JSON's perVariant[].segments. */
export type DescribedSegmentChange = Omit<SegmentChange, 'warning'> & { sentence: string; warning: string | null };

/** "pass rate", "mean score", or the check metric's own name. */
export function metricLabel(metric: string): string {
  if (metric === 'pass_rate') return 'pass rate';
  if (metric === 'score') return 'mean score';
  return metric;
}

/** Points on a 0–100 scale, signed when asked: "6.2", "+4.0", "−6.2". */
export function pointsText(x: number, signed = false, decimals = 1): string {
  const text = Math.abs(x * 100).toFixed(decimals);
  const zero = Number(text) === 0;
  if (x < 0 && !zero) return `${MINUS}${text}`;
  return signed && !zero ? `+${text}` : text;
}

/** "Holm 0.009", "Holm < 0.001". */
export function holmText(p: number): string {
  return formatPValue(p).replace(/^p/, 'Holm').replace('Holm =', 'Holm');
}

function levelText(level: number): string {
  return `${Number((level * 100).toFixed(1))}% CI`;
}

/**
 * The change in words, e.g. "tone got worse by 6.2 points (95% CI 2.1 to 10.3, p = 0.003, Holm 0.009)".
 * `adjustedOver` names what Holm adjusted across ("4 metrics"); without it no Holm figure is printed.
 */
export function describeChange(c: MetricChange, name: string, adjustedOver?: string): string {
  const { difference, interval, pValue, pValueHolm } = c;
  const p = pValue === null ? '' : `, ${formatPValue(pValue)}`;
  const holm = adjustedOver && pValueHolm !== null ? `, ${holmText(pValueHolm)}` : '';
  if (c.n === 0) return `${name}: no unchanged case has a value in both runs; nothing to compare.`;
  if (!interval) {
    if (difference === 0) return `${name}: unchanged on the ${c.n} paired case${c.n === 1 ? '' : 's'}, too few for a confidence interval.`;
    return `${name} moved by ${pointsText(difference, true)} points, but there is not enough data for a confidence interval (it needs at least 2 cases whose changes vary).`;
  }
  const ci = levelText(interval.level);
  if (c.detected) {
    const better = difference > 0;
    const [from, to] = better ? [interval.low, interval.high] : [-interval.high, -interval.low];
    const core = `${name} got ${better ? 'better' : 'worse'} by ${pointsText(Math.abs(difference))} points (${ci} ${pointsText(from)} to ${pointsText(to)}${p}${holm})`;
    if (c.significant || !adjustedOver) return `${core}.`;
    return `${core}, but not significant after adjusting for ${adjustedOver} (Holm).`;
  }
  let sentence = `${name}: no significant change (${pointsText(difference, true)} points, ${ci} ${pointsText(interval.low)} to ${pointsText(interval.high)}${p}${holm})`;
  if (c.minimumDetectableDifference !== null) sentence += `; this comparison could detect ${pointsText(c.minimumDetectableDifference)} points`;
  return `${sentence}.`;
}

/**
 * A variant's changes with their sentences, the object otherwise unchanged (same keys, same order; a segment's
 * sentence sits before its warning). The Holm families are the ones run-diff.ts adjusted across: the metrics of
 * the variant, and the segments of each metric; a family of one prints no Holm figure.
 */
export function describeVariantDiff<V extends Pick<VariantDiff, 'metrics' | 'segments'>>(
  v: V,
): Omit<V, 'metrics' | 'segments'> & { metrics: DescribedMetricChange[]; segments: DescribedSegmentChange[] } {
  const family = (n: number, what: string) => (n > 1 ? `${n} ${what}` : undefined);
  const metrics = v.metrics.map((c) => ({ ...c, sentence: describeChange(c, metricLabel(c.metric), family(v.metrics.length, 'metrics')) }));
  const segmentsOf = new Map<string, number>();
  for (const s of v.segments) segmentsOf.set(s.metric, (segmentsOf.get(s.metric) ?? 0) + 1);
  const segments = v.segments.map(({ warning, ...s }) => ({
    ...s,
    sentence: describeChange(s, `${metricLabel(s.metric)} in ${s.tag}`, family(segmentsOf.get(s.metric)!, 'segments')),
    warning: warning && segmentWarningText(warning),
  }));
  return { ...v, metrics, segments };
}
