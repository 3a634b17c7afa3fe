// What a monitor's evaluation produces, as data: one shape for `monitor status` (terminal and --json), `monitor check`,
// the webhook, the alert evidence and the viewer's Monitor page (viewer/types.ts mirrors it). Figures come from one
// function (evaluateMonitor); every renderer only words them. Unknown is null.
import type { DeploymentStage, MonitorMetric } from '../suite/index.js';
import type { MonitorAlert } from '../store/index.js';

/** A metric over one time window: the estimate with its two-sided interval (method named), over `n` scored samples. */
export interface MetricWindow {
  /** ISO 8601 bounds: start inclusive, end exclusive. */
  start: string;
  end: string;
  n: number;
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** e.g. "wilson", "bootstrap-percentile", "order-statistic"; null when there is no estimate. */
  method: string | null;
  level: number;
}

/** Where "no change" comes from. */
export interface MetricBaseline {
  value: number | null;
  /** Samples behind it (cases of a stored run, records of a reference window); null when unknown. */
  n: number | null;
  /** What it is, for people: `run 20261201-… (label main)`, `production 2026-11-01..2026-11-15`. */
  source: string;
}

export interface DetectorVerdict {
  /** The sequential rule, named: e.g. "Shiryaev-Roberts e-detector (mixture over drops 1-20 points)". */
  method: string;
  /** The guarantee in data: P(any false alarm within `periodDays` days) ≤ falseAlarmRate, under the stated assumptions. */
  falseAlarmRate: number;
  periodDays: number;
  /** N: the scored calls per period the guarantee is stated for (from the observed traffic, rounded up; monitor/detector.ts). Always set by evaluateMonitor; optional so shapes written before it still type-check. */
  samplesPerPeriod?: number;
  /** When the change was detected, or null. */
  alarm: { at: string; afterSamples: number } | null;
  /** The detector's statistic and threshold now (for the curious and for tests). */
  statistic: number | null;
  threshold: number | null;
}

export interface BarVerdict {
  /** The bar from the monitor's `bars` / the current stage. */
  value: number;
  /** The one-sided bound of the current window tested against the bar (lower bound for pass rate, upper for critical rate). */
  bound: number | null;
  level: number;
  /** null when there are too few samples to tell. */
  passed: boolean | null;
}

export type MetricState = 'ok' | 'alert' | 'insufficient-data' | 'no-baseline';

export interface SegmentShare {
  segment: string;
  share: number;
  baselineShare: number | null;
  /** The detector flagged this segment's share as changed, and the window is not back (see `recovered` in evaluate.ts). */
  moved: boolean;
}

export interface MetricStatus {
  metric: MonitorMetric;
  /** Which way is worse: pass rate going down, cost going up; segment mix: any change. */
  worse: 'decrease' | 'increase' | 'change';
  window: MetricWindow;
  baseline: MetricBaseline;
  detector: DetectorVerdict | null;
  bar: BarVerdict | null;
  state: MetricState;
  /** segment_mix only: the shares now and in the baseline. */
  segments?: SegmentShare[];
}

/** Input drift figures that are not a suite metric: prompt length (input tokens per call) and the language mix. */
export type InputMetric = 'prompt_length' | 'language_mix';

/** Prompt length as input drift: the same figures as a metric's, in input tokens per call. */
export interface PromptLengthStatus extends Omit<MetricStatus, 'metric' | 'segments'> {
  metric: 'prompt_length';
}

/** One input language's share of the calls whose language is known, now and in the baseline. */
export interface LanguageShare {
  /** ISO 639-1 code (ingest/language.ts), e.g. "fr". */
  language: string;
  /** Its English name for people ("French"); the code when none is known. */
  name: string;
  share: number;
  baselineShare: number | null;
  /** The detector flagged this language's share as changed. */
  moved: boolean;
}

/**
 * The language mix as input drift: the segment-mix detector over each call's input language (one "segment" per
 * language). `window.n` counts calls whose language is known; `unknown` the window's calls whose language is not
 * (too short, ambiguous, stored before detection): they are left out of the shares, never guessed.
 */
export interface LanguageMixStatus extends Omit<MetricStatus, 'metric' | 'segments'> {
  metric: 'language_mix';
  languages: LanguageShare[];
  unknown: number;
}

export interface StageAdvice {
  current: DeploymentStage | null;
  /** `advance`: the evidence clears the next stage's bars; `hold`: it does not yet; `kill-switch`: the current stage's bars fail. */
  advice: 'advance' | 'hold' | 'kill-switch' | null;
  next: DeploymentStage | null;
  /** Short data-only reasons (metric, bar, bound), worded by report/. */
  reasons: { metric: MonitorMetric; bar: number; bound: number | null; passed: boolean | null }[];
}

export interface MonitorStatus {
  suite: string;
  monitor: string;
  evaluatedAt: string;
  samples: { scored: number; unscored: number; errors: number; queued: number };
  /** Quality metrics (pass rate, critical rate, cost, latency, refusals, output length). */
  metrics: MetricStatus[];
  /** Input drift beside quality (segment mix, prompt length), so "the traffic changed" is told from "the model got worse". */
  inputDrift: MetricStatus[];
  /** Input drift: prompt length (input tokens per call), when the monitor watches segment_mix; null otherwise. */
  promptLength?: PromptLengthStatus | null;
  /** Input drift: the input languages' shares, when the monitor watches segment_mix; null otherwise. */
  languageMix?: LanguageMixStatus | null;
  stage: StageAdvice | null;
  openAlerts: MonitorAlert[];
}

/** One metric over time for the viewer: a point per window, with the baseline line and alert markers. */
export interface MonitorSeries {
  suite: string;
  monitor: string;
  metric: MonitorMetric;
  points: MetricWindow[];
  baseline: MetricBaseline;
  alerts: { at: string; alertId: string }[];
}
