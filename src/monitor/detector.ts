// The sequential rule of one monitor metric over the stream since the baseline (stats/'s DriftMonitor), with two
// things the monitor adds:
// - N (samplesPerPeriod, the calls the guarantee "≤ α per period" is stated for) comes from the observed traffic, but
//   the stream is read once and N is needed before the first call. So one rule runs per candidate N (a ladder ×4
//   apart) and, at the end, the rule whose N is the first candidate ≥ 1.5 × the calls observed per period is kept:
//   "rounded up generously". The choice depends on how many calls arrived, not on their values, so each kept rule
//   keeps its guarantee. A larger N only raises the threshold (log A = log(N/α)): erring upward is the safe side.
// - After an alarm the rule restarts from the following calls (a spent rule would otherwise be silent for good); the
//   latest alarm is the one reported.
import { DriftMonitor, driftObservation, type DriftAlarm, type DriftMetricBaseline, type DriftResult, type DriftMetric, driftRuleFor } from '../stats/index.js';
import type { ProductionObservation } from '../store/index.js';

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
  observe(call: ProductionObservation, metric: DriftMetric): void {
    const alarm = this.monitor.observe(driftObservation(call, metric));
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

  constructor(
    readonly metric: DriftMetric,
    baseline: DriftMetricBaseline,
    private readonly alert: { falseAlarmRate: number; periodMs: number; minSamples: number },
  ) {
    this.rules = SAMPLES_PER_PERIOD_LADDER.map(
      (n) =>
        new RestartingRule(
          () =>
            new DriftMonitor(
              driftRuleFor(metric, baseline, {
                falseAlarmRate: alert.falseAlarmRate,
                samplesPerPeriod: n,
                periodMs: alert.periodMs,
                minSamples: alert.minSamples,
              }),
            ),
        ),
    );
  }

  observe(call: ProductionObservation): void {
    if (this.first === null) this.first = Date.parse(call.startedAt);
    const o = driftObservation(call, this.metric);
    if (this.metric === 'segment_mix' || (o.value !== null && o.value !== undefined)) this.count++;
    for (const rule of this.rules) rule.observe(call, this.metric);
  }

  /** The kept rule: N from the traffic between the first call and `now`. */
  finish(now: number): MetricDetectorResult {
    // At least a day of span, so a burst of calls in the first minutes does not read as a huge rate.
    const span = this.first === null ? null : Math.max(now - this.first, 86_400_000);
    const observedPerPeriod = span === null ? null : (this.count / span) * this.alert.periodMs;
    const wanted = (observedPerPeriod ?? 0) * TRAFFIC_HEADROOM;
    let k = SAMPLES_PER_PERIOD_LADDER.findIndex((n) => n >= wanted);
    if (k < 0) k = SAMPLES_PER_PERIOD_LADDER.length - 1;
    const rule = this.rules[k];
    const result = rule.result();
    return {
      samplesPerPeriod: SAMPLES_PER_PERIOD_LADDER[k],
      samples: this.count,
      observedPerPeriod,
      result,
      latest: rule.latest,
      alarms: rule.alarms,
    };
  }
}
