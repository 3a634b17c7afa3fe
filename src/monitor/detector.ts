// The sequential rule of one monitor metric over the stream since the baseline (stats/'s DriftMonitor), with two
// things the monitor adds:
// - N (samplesPerPeriod, the calls the guarantee "≤ α per period" is stated for) comes from the observed traffic: the
//   monitor's observations between the first one since the detector's start and now (store.production
//   .observationCount, an index-only count read before the stream), per period, × 1.5, rounded up to a ladder ×4
//   apart. The choice depends on how many calls arrived, never on their values, so the rule keeps its guarantee; a
//   larger N only raises the threshold (log A = log(N/α)): erring upward is the safe side. One rule runs per metric.
// - After an alarm the rule restarts from the following calls (a spent rule would otherwise be silent for good); the
//   latest alarm is the one reported.
import {
  DriftMonitor,
  driftRuleFor,
  metricValue,
  type DriftAlarm,
  type DriftMetricBaseline,
  type DriftObservation,
  type DriftResult,
  type DriftRule,
} from '../stats/index.js';
import type { WindowCall, WindowMetric } from './window-figures.js';

type RuleSettings = { falseAlarmRate: number; samplesPerPeriod: number; periodMs: number; minSamples: number };

/**
 * A monitor metric's drift rule. Prompt length and the language mix are not stats/'s monitor metrics: prompt length
 * is watched like output length (calls above or below the baseline's median, both ways), the language mix like the
 * segment mix (a share per language, both ways, plus "(new)": a language the baseline never had).
 */
function ruleFor(metric: WindowMetric, baseline: DriftMetricBaseline, settings: RuleSettings): DriftRule {
  // The language mix is the segment mix's detector with each call's language as its one tag.
  if (metric === 'language_mix') {
    if (!('counts' in baseline)) throw new RangeError('language_mix needs a baseline of language counts');
    return { ...settings, metric, kind: 'segments', baseline };
  }
  // The rule is re-made after every alarm and sorts its baseline values each time: sorted once here, each later
  // sort is a single linear pass (the same values, so the same thresholds).
  if ('kind' in baseline && baseline.kind === 'values') baseline = { kind: 'values', values: [...baseline.values].sort((a, b) => a - b) };
  if (metric !== 'prompt_length') return driftRuleFor(metric, baseline, settings);
  if (!('kind' in baseline) || baseline.kind !== 'values') throw new RangeError('prompt_length needs a baseline of values');
  return { ...settings, metric, kind: 'exceedance', baseline, quantile: 0.5, direction: 'both' };
}

/**
 * A call as the drift rule of a metric reads it, its time as epoch ms (parsed once per call, not once per rule; an
 * alarm's time is then written back as ISO 8601, the form startedAt is stored in). One object per call and metric.
 */
function observationOf(call: WindowCall, metric: WindowMetric, time: number): DriftObservation {
  if (metric === 'segment_mix') return { at: time, tags: call.tags };
  // A call of unknown language has no tags: skipped by the rule, as a null value is.
  if (metric === 'language_mix') return { at: time, tags: call.language ? [call.language] : undefined };
  return { at: time, value: metric === 'prompt_length' ? (call.inputTokens ?? null) : metricValue(call, metric) };
}

export const SAMPLES_PER_PERIOD_LADDER = [1_000, 4_000, 16_000, 64_000, 256_000, 1_024_000, 4_096_000, 16_384_000] as const;
/** Observed calls per period are multiplied by this before the ladder is read. */
export const TRAFFIC_HEADROOM = 1.5;

/** The traffic behind N: how many observations since the detector's start, the first one's time, and the evaluation time. */
export interface TrafficCount {
  count: number;
  /** Epoch ms of the first observation; null when there is none. */
  first: number | null;
  now: number;
}

/**
 * N for a traffic count: calls per period (over at least a day between the first call and now: a burst is not a
 * rate) × TRAFFIC_HEADROOM, rounded up to the ladder (its last rung when past it).
 */
export function samplesPerPeriodFor(traffic: TrafficCount, periodMs: number): { samplesPerPeriod: number; observedPerPeriod: number | null } {
  if (traffic.first === null) return { samplesPerPeriod: SAMPLES_PER_PERIOD_LADDER[0], observedPerPeriod: null };
  const span = Math.max(traffic.now - traffic.first, 86_400_000);
  const observedPerPeriod = (traffic.count / span) * periodMs;
  const wanted = observedPerPeriod * TRAFFIC_HEADROOM;
  const rung = SAMPLES_PER_PERIOD_LADDER.find((n) => n >= wanted) ?? SAMPLES_PER_PERIOD_LADDER[SAMPLES_PER_PERIOD_LADDER.length - 1];
  return { samplesPerPeriod: rung, observedPerPeriod };
}

export interface MetricDetectorResult {
  samplesPerPeriod: number;
  /** Calls with a known figure the rule read, and the observed calls per period behind N. */
  samples: number;
  observedPerPeriod: number | null;
  result: DriftResult;
  /** The latest alarm (after it the rule restarted), and how many alarms in all. */
  latest: DriftAlarm | null;
  alarms: number;
}

export class MetricDetector {
  private readonly rule: DriftRule;
  private monitor: DriftMonitor;
  private latest: DriftAlarm | null = null;
  private alarms = 0;
  private count = 0;
  private readonly samplesPerPeriod: number;
  private readonly observedPerPeriod: number | null;

  constructor(
    readonly metric: WindowMetric,
    baseline: DriftMetricBaseline,
    alert: { falseAlarmRate: number; periodMs: number; minSamples: number },
    /** The monitor's traffic since the detector's start (observationCount): it sets N before the first call. */
    traffic: TrafficCount,
  ) {
    ({ samplesPerPeriod: this.samplesPerPeriod, observedPerPeriod: this.observedPerPeriod } = samplesPerPeriodFor(traffic, alert.periodMs));
    this.rule = ruleFor(metric, baseline, {
      falseAlarmRate: alert.falseAlarmRate,
      samplesPerPeriod: this.samplesPerPeriod,
      periodMs: alert.periodMs,
      minSamples: alert.minSamples,
    });
    this.monitor = new DriftMonitor(this.rule);
  }

  /** The next call, with its startedAt as epoch ms. */
  observe(call: WindowCall, time: number): void {
    const o = observationOf(call, this.metric, time);
    if (this.metric === 'segment_mix' || o.tags !== undefined || (o.value !== null && o.value !== undefined)) this.count++;
    const alarm = this.monitor.observe(o);
    if (alarm) {
      this.latest = alarm;
      this.alarms++;
      this.monitor = new DriftMonitor(this.rule);
    }
  }

  finish(): MetricDetectorResult {
    return {
      samplesPerPeriod: this.samplesPerPeriod,
      samples: this.count,
      observedPerPeriod: this.observedPerPeriod,
      result: this.monitor.result(),
      latest: this.latest,
      alarms: this.alarms,
    };
  }
}
