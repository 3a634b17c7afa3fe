// The rule hosted observability tools alert with (Langfuse, Braintrust, LangSmith…): at the end of each time window,
// alert when the window's mean is past a fixed threshold. Kept for comparison with the e-detectors (drift.ts): it
// states no false-alarm rate; with little traffic per window it pages on noise, with a threshold far from the
// baseline it misses slow slides. bench/workloads/w5-drift.mjs runs both on the same streams.
import type { DriftDirection } from './rate-change-detector.js';
import { observationTime, type DriftObservation } from './drift.js';

export const WINDOW_MEAN_METHOD = 'fixed-threshold-window-mean';

export interface WindowMeanRuleOptions {
  /** Tumbling windows of this length, aligned to the Unix epoch (1d windows are UTC days). */
  windowMs: number;
  /** Alert when a window's mean is below (decrease) or above (increase) this. */
  threshold: number;
  direction: DriftDirection;
  /** Windows with fewer values are not judged. Default 1: what peers do. */
  minSamples?: number;
}

export interface WindowMeanAlarm {
  /** ISO start and end (exclusive) of the window that crossed. */
  windowStart: string;
  windowEnd: string;
  n: number;
  mean: number;
  threshold: number;
  direction: DriftDirection;
  /** Non-null values seen up to the end of that window. */
  samples: number;
}

export interface WindowMeanResult {
  method: typeof WINDOW_MEAN_METHOD;
  /** The rule states no false-alarm rate. */
  guarantee: null;
  windowsJudged: number;
  samples: number;
  alarm: WindowMeanAlarm | null;
}

/** Streaming form: observe() returns an alarm when an observation closes a window that crossed; finish() judges the last one. */
export class WindowMeanRule {
  readonly options: Required<WindowMeanRuleOptions>;
  private windowIndex: number | null = null;
  private sum = 0;
  private n = 0;
  private samples = 0;
  private judged = 0;
  private alarm: WindowMeanAlarm | null = null;

  constructor(options: WindowMeanRuleOptions) {
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be > 0, got ${options.windowMs}`);
    this.options = { minSamples: 1, ...options };
  }

  observe(observation: DriftObservation): WindowMeanAlarm | null {
    if (this.alarm) return null;
    const time = observationTime(observation);
    const window = Math.floor(time / this.options.windowMs);
    if (this.windowIndex !== null && window < this.windowIndex) throw new RangeError(`observations must be in time order: ${observation.at}`);
    if (this.windowIndex !== null && window > this.windowIndex) this.judge();
    if (this.alarm) return this.alarm;
    if (this.windowIndex === null || window > this.windowIndex) {
      this.windowIndex = window;
      this.sum = 0;
      this.n = 0;
    }
    const v = observation.value;
    if (v !== null && v !== undefined) {
      this.sum += typeof v === 'boolean' ? (v ? 1 : 0) : v;
      this.n++;
      this.samples++;
    }
    return null;
  }

  /** Judge the window in progress (the end of the stream). */
  finish(): WindowMeanAlarm | null {
    if (!this.alarm && this.windowIndex !== null) this.judge();
    this.windowIndex = null;
    return this.alarm;
  }

  private judge(): void {
    const { windowMs, threshold, direction, minSamples } = this.options;
    if (this.windowIndex === null || this.n < minSamples) return;
    this.judged++;
    const mean = this.sum / this.n;
    if (direction === 'decrease' ? mean < threshold : mean > threshold) {
      this.alarm = {
        windowStart: new Date(this.windowIndex * windowMs).toISOString(),
        windowEnd: new Date((this.windowIndex + 1) * windowMs).toISOString(),
        n: this.n,
        mean,
        threshold,
        direction,
        samples: this.samples,
      };
    }
  }

  result(): WindowMeanResult {
    return { method: WINDOW_MEAN_METHOD, guarantee: null, windowsJudged: this.judged, samples: this.samples, alarm: this.alarm };
  }
}

/** Run the window-mean rule over a whole stream (stops at the first alarm). */
export function detectWindowMean(stream: Iterable<DriftObservation>, options: WindowMeanRuleOptions): WindowMeanResult {
  const rule = new WindowMeanRule(options);
  for (const observation of stream) if (rule.observe(observation)) break;
  rule.finish();
  return rule.result();
}
