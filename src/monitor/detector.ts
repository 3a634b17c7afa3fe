// The sequential rule of one monitor metric over the stream since the baseline (stats/'s DriftMonitor), with two
// things the monitor adds:
// - N (samplesPerPeriod, the calls the guarantee "≤ α per period" is stated for) comes from the observed traffic, but
//   the stream is read once and N is needed before the first call. So one rule runs per candidate N (a ladder ×4
//   apart) and, at the end, the rule whose N is the first candidate ≥ 1.5 × the calls observed per period is kept:
//   "rounded up generously". The choice depends on how many calls arrived, not on their values, so each kept rule
//   keeps its guarantee. A larger N only raises the threshold (log A = log(N/α)): erring upward is the safe side.
//   The rate is calls ÷ (now − first call), so the rung can only climb as calls arrive: rungs below it stop reading.
// - After an alarm the rule restarts from the following calls (a spent rule would otherwise be silent for good); the
//   latest alarm is the one reported.
import {
  DriftMonitor,
  driftObservation,
  driftRuleFor,
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
  if (metric !== 'prompt_length') return driftRuleFor(metric, baseline, settings);
  if (!('kind' in baseline) || baseline.kind !== 'values') throw new RangeError('prompt_length needs a baseline of values');
  return { ...settings, metric, kind: 'exceedance', baseline, quantile: 0.5, direction: 'both' };
}

/**
 * A call as the drift rule of a metric reads it, its time as epoch ms (parsed once per call, not once per rule; an
 * alarm's time is then written back as ISO 8601, the form startedAt is stored in).
 */
function observationOf(call: WindowCall, metric: WindowMetric, time: number): DriftObservation {
  // A call of unknown language has no tags: skipped by the rule, as a null value is.
  const o =
    metric === 'prompt_length'
      ? { at: call.startedAt, value: call.inputTokens ?? null }
      : metric === 'language_mix'
        ? { at: call.startedAt, tags: call.language ? [call.language] : undefined }
        : driftObservation(call, metric);
  return { ...o, at: time };
}

export const SAMPLES_PER_PERIOD_LADDER = [1_000, 4_000, 16_000, 64_000, 256_000, 1_024_000, 4_096_000, 16_384_000] as const;
/** Observed calls per period are multiplied by this before the ladder is read. */
export const TRAFFIC_HEADROOM = 1.5;

class RestartingRule {
  private monitor: DriftMonitor;
  latest: DriftAlarm | null = null;
  alarms = 0;
  constructor(private readonly make: () => DriftMonitor) {
    this.monitor = make();
  }
  observe(observation: DriftObservation): void {
    const alarm = this.monitor.observe(observation);
    if (alarm) {
      this.latest = alarm;
      this.alarms++;
      this.monitor = this.make();
    }
  }
  /** The running rule's state (its statistic since the last restart). */
  result(): DriftResult {
    return this.monitor.result();
  }
}

export interface MetricDetectorResult {
  samplesPerPeriod: number;
  /** Calls with a known figure the rules read, and the observed calls per period they imply. */
  samples: number;
  observedPerPeriod: number | null;
  result: DriftResult;
  /** The latest alarm (after it the rule restarted), and how many alarms in all. */
  latest: DriftAlarm | null;
  alarms: number;
}

export class MetricDetector {
  private readonly rules: RestartingRule[];
  private first: number | null = null;
  private count = 0;
  /** Rungs below this one can no longer be kept (the count only grows): they stop reading calls. */
  private lowest = 0;

  constructor(
    readonly metric: WindowMetric,
    baseline: DriftMetricBaseline,
    private readonly alert: { falseAlarmRate: number; periodMs: number; minSamples: number },
    /** The evaluation time: the traffic rate is the calls between the first one and now. */
    private readonly now: number,
  ) {
    this.rules = SAMPLES_PER_PERIOD_LADDER.map(
      (n) =>
        new RestartingRule(
          () =>
            new DriftMonitor(
              ruleFor(metric, baseline, {
                falseAlarmRate: alert.falseAlarmRate,
                samplesPerPeriod: n,
                periodMs: alert.periodMs,
                minSamples: alert.minSamples,
              }),
            ),
        ),
    );
  }

  /** The next call, with its startedAt as epoch ms. */
  observe(call: WindowCall, time: number): void {
    if (this.first === null) this.first = time;
    const o = observationOf(call, this.metric, time);
    if (this.metric === 'segment_mix' || o.tags !== undefined || (o.value !== null && o.value !== undefined)) this.count++;
    this.lowest = this.rung(this.count);
    for (let k = this.lowest; k < this.rules.length; k++) this.rules[k].observe(o);
  }

  /** The ladder rung for a count of calls between the first call and now (at least a day: a burst is not a rate). */
  private rung(count: number): number {
    const span = this.first === null ? 0 : Math.max(this.now - this.first, 86_400_000);
    const wanted = span === 0 ? 0 : (count / span) * this.alert.periodMs * TRAFFIC_HEADROOM;
    const k = SAMPLES_PER_PERIOD_LADDER.findIndex((n) => n >= wanted);
    return k < 0 ? SAMPLES_PER_PERIOD_LADDER.length - 1 : k;
  }

  /** The kept rule: N from the traffic between the first call and `now`. */
  finish(): MetricDetectorResult {
    const span = this.first === null ? null : Math.max(this.now - this.first, 86_400_000);
    const observedPerPeriod = span === null ? null : (this.count / span) * this.alert.periodMs;
    const k = this.rung(this.count);
    const rule = this.rules[k];
    return {
      samplesPerPeriod: SAMPLES_PER_PERIOD_LADDER[k],
      samples: this.count,
      observedPerPeriod,
      result: rule.result(),
      latest: rule.latest,
      alarms: rule.alarms,
    };
  }
}
