// Shared pieces of bar evaluation (gates.ts, bar-compare.ts): how figures and bars read in words, the
// verdict rule, the "cases needed" sentence, and the result skeleton of a bar.
import type { Interval } from './interval.js';
import type { ClusterId } from './means.js';
import { isNegligible } from './descriptive.js';
import { boundValue, clusterKey, type RunOutcomes } from './outcomes.js';
import type { BarDefinition, BarKind, BarResult, BarVerdict } from './gates.js';

export const pctText = (x: number, digits = 1) => `${(x * 100).toFixed(digits)}%`;
export const shortPct = (x: number) => `${Number((x * 100).toFixed(3))}%`;
export const points = (x: number) => `${Number((Math.abs(x) * 100).toFixed(1))} point${Number((Math.abs(x) * 100).toFixed(1)) === 1 ? '' : 's'}`;
export const plainNumber = (x: number) => String(Number(x.toPrecision(4)));

export function metricName(metric: string): string {
  if (metric === 'pass_rate') return 'pass rate';
  if (metric === 'score') return 'mean score';
  return `mean ${metric}`;
}

/** Rates and bounded scores print as percentages; check metrics as plain numbers. */
export function valueText(metric: string | null, x: number): string {
  if (metric === null || metric === 'pass_rate') return pctText(x);
  return plainNumber(x);
}

export function thresholdText(metric: string | null, x: number): string {
  if (metric === null || metric === 'pass_rate') return shortPct(x);
  return plainNumber(x);
}

export function failureName(bar: BarDefinition): string {
  if (bar.metric && bar.severity) return `${bar.severity} ${bar.metric} failure rate`;
  if (bar.metric) return `${bar.metric} failure rate`;
  return `${bar.severity} failure rate`;
}

export function barKind(bar: BarDefinition): BarKind {
  if (bar.compare !== undefined) return 'compare';
  if (bar.max_rate !== undefined) return 'max_rate';
  if (bar.min !== undefined) return 'min';
  return 'max';
}

export interface Scope {
  indices: number[];
  clustered: boolean;
}

export function clusterIds(outcomes: RunOutcomes, indices: readonly number[], clustered: boolean): ClusterId[] | undefined {
  return clustered ? indices.map((i) => clusterKey(outcomes.cases[i])) : undefined;
}

export function distinct(ids: readonly ClusterId[] | undefined): number | null {
  return ids ? new Set(ids).size : null;
}

/**
 * The verdict from the point and the bound. A point within rounding of the bar (a mean of 0.8s that came out
 * 0.7999999999999999) counts as on the bar, so it is inconclusive, never not met for a last-digit reason;
 * the bound gets no such allowance.
 */
export function verdictFor(point: number, bound: number | undefined, clears: (x: number) => boolean, threshold: number, scale: number): BarVerdict {
  if (!clears(point) && !isNegligible(point - threshold, scale)) return 'not_met';
  return bound !== undefined && clears(bound) ? 'met' : 'inconclusive';
}


export const NORMAL_NOTE = 'for an 80% chance of proving it if the true value is the observed one (normal approximation)';
export const OUT_OF_REACH_NOTE = 'the observed value is within rounding of the bar: no practical number of cases proves it';

/** " (N if the observed … holds exactly)" for sentences; empty without a figure. */
export function ifHoldsText(n: number | null, units: string, what: string): string {
  return n === null ? '' : `; ${n.toLocaleString('en-US')} ${units} if the observed ${what} holds exactly`;
}

export function base(bar: BarDefinition, index: number, variant: string, level: number): Omit<BarResult, 'verdict' | 'point' | 'bound' | 'n' | 'clusters' | 'failures' | 'errored' | 'casesNeeded' | 'casesNeededNote' | 'casesNeededIfObservedHolds' | 'explanation' | 'baseline' | 'text'> {
  const kind = barKind(bar);
  return {
    index,
    description: bar.description ?? null,
    kind,
    metric: kind === 'max_rate' ? (bar.metric ?? null) : (bar.metric ?? 'pass_rate'),
    severity: bar.severity ?? null,
    segment: bar.segment ?? null,
    variant,
    threshold: kind === 'compare' ? -(bar.max_drop ?? 0) : kind === 'max_rate' ? bar.max_rate! : kind === 'min' ? bar.min! : bar.max!,
    level,
  };
}

export function noData(partial: ReturnType<typeof base>, text: string, why: string, baseline: string | null = null): BarResult {
  return {
    ...partial,
    text,
    baseline,
    verdict: 'not_met',
    point: null,
    bound: null,
    n: 0,
    clusters: null,
    failures: null,
    errored: 0,
    casesNeeded: null,
    casesNeededNote: null,
    casesNeededIfObservedHolds: null,
    explanation: `${why}: the bar cannot be shown.`,
  };
}

export function boundText(bound: Interval | null, side: 'lower' | 'upper', metric: string | null): string {
  if (!bound) return 'no confidence bound (too little data or no spread)';
  const value = boundValue(bound, side);
  const unit = metric === 'pass_rate' || metric === null ? valueText(metric, value) : plainNumber(value);
  return `the one-sided ${Number((bound.level * 100).toFixed(1))}% ${side} bound is ${unit} (${bound.method.replace(/-one-sided$/, '')})`;
}

export function unitsWord(clustered: boolean): string {
  return clustered ? 'clusters' : 'cases';
}


/**
 * The "cases needed" sentence: a power figure says it is one (80% chance, normal approximation) and adds the
 * figure if the observed value held exactly; an exact figure says under which condition it holds.
 */
export function casesNeededSentence(casesNeeded: number | null, note: string | null, ifHolds: number | null, units: string, what: string): string {
  if (note === OUT_OF_REACH_NOTE) return ` The observed ${what} is within rounding of the bar: no practical number of ${units} proves it.`;
  if (casesNeeded === null) return '';
  const count = casesNeeded.toLocaleString('en-US');
  if (note !== null && note.includes('80%')) {
    return ` About ${count} ${units} would give an 80% chance of proving it if the true ${what} is the observed one${ifHoldsText(ifHolds, units, what)}.`;
  }
  // Exact figures: the note says under which condition ("… needed if every one passes (exact)").
  const condition = note === null ? null : /\b(if .*?) \(exact\)$/.exec(note)?.[1] ?? null;
  return ` ${count} ${units} would prove it${condition ? ` ${condition}` : ''}.`;
}


/** The bar in words, without the variant. */
export function barText(bar: BarDefinition, baselineId?: string): string {
  const kind = barKind(bar);
  let text: string;
  if (kind === 'compare') {
    const metric = bar.metric ?? 'pass_rate';
    const drop = metric === 'pass_rate' ? points(bar.max_drop ?? 0) : plainNumber(bar.max_drop ?? 0);
    const against = bar.compare === 'baseline' ? `the baseline${baselineId ? ` (${baselineId})` : ''}` : bar.compare;
    text = `${metricName(metric)} at most ${drop} below ${against}`;
  } else if (kind === 'max_rate') {
    text = `${failureName(bar)} ≤ ${shortPct(bar.max_rate!)}`;
  } else {
    const metric = bar.metric ?? 'pass_rate';
    text = `${metricName(metric)} ${kind === 'min' ? '≥' : '≤'} ${thresholdText(metric, kind === 'min' ? bar.min! : bar.max!)}`;
  }
  if (bar.segment) text += ` in ${bar.segment}`;
  return text;
}
