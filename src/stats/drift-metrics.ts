// The monitor metrics of the suite's `monitors:` (pass_rate, critical_rate, …) as drift rules: which figure of a
// scored production call each reads, which shape of detector watches it and which way. stats/ imports nothing, so
// the observation is typed structurally (the fields of store/'s ProductionObservation that are used).
import type { DriftObservation, DriftRule, DriftSide, ExceedanceBaseline, SegmentBaseline } from './drift.js';
import type { RateBaseline } from './drift-baseline.js';

export type DriftMetric = 'pass_rate' | 'critical_rate' | 'cost_per_call' | 'p95_latency' | 'refusal_rate' | 'output_length' | 'segment_mix';

/** The fields of a scored production call the drift metrics read (store/'s ProductionObservation has them all). */
export interface MonitoredCall {
  startedAt: string;
  tags: readonly string[];
  passed: boolean | null;
  criticalFailed: boolean | null;
  costUsd: number | null;
  latencyMs: number | null;
  outputChars: number | null;
  metrics: Readonly<Record<string, number | null>>;
}

/** Per metric: the detector shape, the direction that is bad news, and (exceedance) the baseline quantile. */
export const DRIFT_METRICS: Record<DriftMetric, { kind: DriftRule['kind']; direction: DriftSide; quantile?: number }> = {
  pass_rate: { kind: 'rate', direction: 'decrease' },
  critical_rate: { kind: 'rate', direction: 'increase' },
  refusal_rate: { kind: 'rate', direction: 'increase' },
  cost_per_call: { kind: 'exceedance', direction: 'increase', quantile: 0.5 },
  // Longer and shorter answers are both news (truncation, rambling).
  output_length: { kind: 'exceedance', direction: 'both', quantile: 0.5 },
  // "p95 latency rose" as "more than 5% of calls are slower than the baseline's p95".
  p95_latency: { kind: 'exceedance', direction: 'increase', quantile: 0.95 },
  segment_mix: { kind: 'segments', direction: 'both' },
};

/** The figure of one call a metric reads; null when unknown (unscored, no cost, no output). */
export function metricValue(call: MonitoredCall, metric: Exclude<DriftMetric, 'segment_mix'>): number | boolean | null {
  switch (metric) {
    case 'pass_rate':
      return call.passed;
    case 'critical_rate':
      return call.criticalFailed;
    case 'refusal_rate':
      return call.metrics.refusal ?? null;
    case 'cost_per_call':
      return call.costUsd;
    case 'p95_latency':
      return call.latencyMs;
    case 'output_length':
      return call.outputChars;
  }
}

/** A call as the drift detectors read it for one metric. */
export function driftObservation(call: MonitoredCall, metric: DriftMetric): DriftObservation {
  return metric === 'segment_mix' ? { at: call.startedAt, tags: call.tags } : { at: call.startedAt, value: metricValue(call, metric) };
}

export type DriftMetricBaseline = RateBaseline | ExceedanceBaseline | SegmentBaseline;

/**
 * The baseline of a metric from a production reference window (calls before the monitored period): counts for
 * rates, the values for exceedance metrics, tag counts for the segment mix. Null values are left out.
 */
export function baselineFromCalls(calls: Iterable<MonitoredCall>, metric: DriftMetric): DriftMetricBaseline {
  const { kind } = DRIFT_METRICS[metric];
  if (metric === 'segment_mix') {
    const counts: Record<string, number> = {};
    let n = 0;
    for (const call of calls) {
      n++;
      for (const tag of new Set(call.tags)) counts[tag] = (counts[tag] ?? 0) + 1;
    }
    return { n, counts };
  }
  if (kind === 'rate') {
    let successes = 0;
    let n = 0;
    for (const call of calls) {
      const v = metricValue(call, metric);
      if (v === null) continue;
      n++;
      if (v === true || v === 1) successes++;
    }
    return { kind: 'sample', successes, n };
  }
  const values: number[] = [];
  for (const call of calls) {
    const v = metricValue(call, metric);
    if (typeof v === 'number') values.push(v);
  }
  return { kind: 'values', values };
}

export interface DriftAlertSettings {
  falseAlarmRate: number;
  samplesPerPeriod: number;
  periodMs?: number | null;
  minSamples?: number;
  baselineShare?: number;
}

/** The drift rule of a monitor metric: its detector shape and direction from DRIFT_METRICS, the baseline and the alert settings. */
export function driftRuleFor(metric: DriftMetric, baseline: DriftMetricBaseline, alert: DriftAlertSettings): DriftRule {
  const { kind, direction, quantile } = DRIFT_METRICS[metric];
  const base = { metric, ...alert };
  const mismatch = () => new RangeError(`metric ${metric} needs a ${kind} baseline, got ${JSON.stringify(Object.keys(baseline))}`);
  if (kind === 'segments') {
    if (!('counts' in baseline)) throw mismatch();
    return { ...base, kind, baseline };
  }
  if (kind === 'rate') {
    if (!('kind' in baseline) || (baseline.kind !== 'sample' && baseline.kind !== 'known') || !('n' in baseline || 'rate' in baseline)) throw mismatch();
    return { ...base, kind, direction, baseline: baseline as RateBaseline };
  }
  if (!('kind' in baseline) || !(baseline.kind === 'values' || (baseline.kind === 'known' && 'threshold' in baseline))) throw mismatch();
  return { ...base, kind: 'exceedance', direction, quantile: quantile!, baseline: baseline as ExceedanceBaseline };
}
