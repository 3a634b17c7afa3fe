// The figures of one metric over one time window: the single per-window function behind the status's current window
// and every point of the viewer's series (monitorSeries), so the two can never disagree. A window accumulates the
// calls that fall in it (counts for rates, the values for means and quantiles: a window is bounded by its duration)
// and `windowFigure` turns them into a MetricWindow with the interval method named, and the one-sided bound against a
// bar. The per-call figure is read by stats/'s metricValue, the same reading the drift detectors use.
import {
  metricValue,
  meanWindowEstimate,
  type DriftMetricBaseline,
  quantileWindowEstimate,
  rateWindowEstimate,
  type MonitoredCall,
  type WindowEstimate,
} from '../stats/index.js';
import type { MonitorMetric } from '../suite/index.js';
import type { BarVerdict, InputMetric, MetricWindow } from './status-types.js';

/** A suite metric, or prompt length (input drift: input tokens per call). */
export type WindowMetric = MonitorMetric | InputMetric;
/** A call as the window figures read it: stats/'s fields, plus input tokens (prompt length) and input language. */
export type WindowCall = MonitoredCall & { inputTokens?: number | null; language?: string | null };

/** Mixes: shares of calls per tag (segment_mix) or per input language (language_mix); no single estimate. */
export const MIX_METRICS = new Set<WindowMetric>(['segment_mix', 'language_mix']);

/** Two-sided level of window intervals, and the one-sided level of bar bounds. */
export const WINDOW_LEVEL = 0.95;
export const BAR_LEVEL = 0.95;

/** Metrics read as 0/1 per call (Wilson interval). */
const RATE_METRICS = new Set<WindowMetric>(['pass_rate', 'critical_rate', 'refusal_rate']);

export class WindowAccumulator {
  /** Calls seen (segment mix: every call; others: calls with a known figure). */
  n = 0;
  successes = 0;
  readonly values: number[] = [];
  readonly tagCounts = new Map<string, number>();
  /** language_mix: calls whose language is unknown (left out of n and the shares). */
  unknown = 0;

  constructor(
    readonly metric: WindowMetric,
    readonly start: number,
    readonly end: number,
  ) {}

  add(call: WindowCall): void {
    if (this.metric === 'segment_mix') {
      this.n++;
      for (const tag of new Set(call.tags)) this.tagCounts.set(tag, (this.tagCounts.get(tag) ?? 0) + 1);
      return;
    }
    if (this.metric === 'language_mix') {
      // The language is the call's one "segment"; unknown is counted apart, never a share.
      if (call.language === null || call.language === undefined) this.unknown++;
      else {
        this.n++;
        this.tagCounts.set(call.language, (this.tagCounts.get(call.language) ?? 0) + 1);
      }
      return;
    }
    const v = this.metric === 'prompt_length' ? (call.inputTokens ?? null) : metricValue(call, this.metric);
    if (v === null) return;
    this.n++;
    if (RATE_METRICS.has(this.metric)) {
      if (v === true || v === 1) this.successes++;
    } else this.values.push(Number(v));
  }
}

/**
 * The calls of an accumulator as a drift baseline (stats/'s shapes, what baselineFromCalls gives for the same calls):
 * counts for rates, tag counts for the segment mix, the values otherwise (prompt length included); null when empty.
 */
export function driftBaselineOf(acc: WindowAccumulator): DriftMetricBaseline | null {
  if (acc.n === 0) return null;
  // The language mix is read like the segment mix: calls per language (unknown ones are not in n).
  if (MIX_METRICS.has(acc.metric)) return { n: acc.n, counts: Object.fromEntries(acc.tagCounts) };
  if (RATE_METRICS.has(acc.metric)) return { kind: 'sample', successes: acc.successes, n: acc.n };
  return { kind: 'values', values: acc.values };
}

/** A bar on a window: pass rate and refusal rate are minimums, critical rate a maximum. */
export function barKind(metric: WindowMetric): 'min' | 'max' {
  return metric === 'pass_rate' ? 'min' : 'max';
}

export interface WindowFigure {
  window: MetricWindow;
  bar: BarVerdict | null;
}

/** The estimate of one window with its interval; against `bar` (when given), the one-sided bound and its verdict. */
export function windowFigure(acc: WindowAccumulator, options: { bar?: number; minSamples: number }): WindowFigure {
  const start = new Date(acc.start).toISOString();
  const end = new Date(acc.end).toISOString();
  const empty: MetricWindow = { start, end, n: acc.n, estimate: null, low: null, high: null, method: null, level: WINDOW_LEVEL };
  let estimate: WindowEstimate | undefined;
  if (MIX_METRICS.has(acc.metric)) return { window: empty, bar: null };
  const isRate = RATE_METRICS.has(acc.metric);
  if (isRate) {
    const kind = barKind(acc.metric);
    estimate = rateWindowEstimate(acc.successes, acc.n, {
      level: WINDOW_LEVEL,
      bar: options.bar === undefined ? undefined : { kind, value: options.bar, level: BAR_LEVEL },
      minSamples: options.minSamples,
    });
  } else if (acc.metric === 'p95_latency') estimate = quantileWindowEstimate(acc.values, 0.95, WINDOW_LEVEL);
  else estimate = meanWindowEstimate(acc.values, WINDOW_LEVEL);
  const bar: BarVerdict | null = options.bar === undefined || !isRate ? null : { value: options.bar, bound: null, level: BAR_LEVEL, passed: null };
  if (!estimate) return { window: empty, bar };
  const window: MetricWindow = {
    start,
    end,
    n: estimate.n,
    estimate: estimate.estimate,
    low: estimate.interval?.low ?? null,
    high: estimate.interval?.high ?? null,
    method: estimate.interval?.method ?? null,
    level: WINDOW_LEVEL,
  };
  if (bar && estimate.bar) {
    const check = estimate.bar;
    bar.bound = check.kind === 'min' ? check.lower.low : check.upper.high;
    bar.passed = check.verdict === 'met' ? true : check.verdict === 'breached' ? false : null;
  }
  return { window, bar };
}

/** Segment (or language) shares of a window (tag → share of the window's calls; languages: of those with a known language). */
export function segmentShares(acc: WindowAccumulator): Map<string, number> {
  const out = new Map<string, number>();
  if (acc.n === 0) return out;
  for (const [tag, count] of acc.tagCounts) out.set(tag, count / acc.n);
  return out;
}
