// What `analyzeExperiment` produces, as data: one shape for the terminal scorecard, `--json` (formatVersion), the
// Markdown report and the viewer's Experiment page. Figures come from analyze.ts; render.ts only words them.
// Unknown is null, never 0. Every interval names its method.

import type { ArmEffect, EffectEstimate } from '../stats/index.js';

export type { ArmEffect, EffectEstimate };

export type MetricType = 'proportion' | 'mean' | 'ratio';

/** One data-quality rule: how many rows/units it touched, and the first few places (file:row) with the fix. */
export interface DataQualityIssue {
  /** Stable id, e.g. 'units-in-both-arms', 'unknown-arm', 'non-numeric', 'outcome-before-exposure'. */
  kind: string;
  /** Rows (or units, see `unit`) affected. */
  count: number;
  unit: 'rows' | 'units' | 'arms' | 'comparisons';
  /** What happened to them: 'excluded', 'ignored', 'counted as 0', 'analysed without CUPED', … */
  action: string;
  /** What to fix, for people. */
  hint: string;
  /** Up to 5 examples: where (file:row) and what was found there. */
  examples: { file: string; row: number | null; detail: string }[];
}

export interface SrmCheck {
  /** Units per arm (in `arms` order) after exclusions. */
  counts: number[];
  /** Planned allocation (normalised weights). */
  plannedShares: number[];
  chi2: number | null;
  df: number | null;
  p: number | null;
  /** p < 0.001: assignment or logging is broken; the verdict is blocked and effects are "do not read". */
  fired: boolean;
  method: string;
  /** The sentence a PM needs, e.g. "treatment has 2.1% fewer users than planned, p = 3e-6: …". null when fine. */
  message: string | null;
}

/** Per arm summary of one metric. */
export interface ArmMetricSummary {
  arm: string;
  /** Units whose value counts for this metric (mean metrics exclude units without outcome rows). */
  n: number;
  /** Mean of unit values (proportion: share of units; ratio: sum numerator / sum denominator). null when n = 0. */
  mean: number | null;
  sd: number | null;
}

/** Which interval decides: the sequential one when analysis.sequential (valid at every look), else fixed-horizon. */
export type DecidingInterval = 'sequential' | 'fixed-horizon';

/** One treatment arm versus control on one metric. */
export interface ArmComparison {
  arm: string;
  control: string;
  /** The effect used for decisions: CUPED-adjusted when the metric has a covariate, else raw. */
  effect: ArmEffect;
  /** Raw (unadjusted) effect, shown beside the CUPED one; equals `effect` when no covariate. */
  raw: ArmEffect;
  /** CUPED details when a covariate is given: theta, variance reduction, units with/without the covariate. */
  cuped: { theta: number | null; varianceReduction: number | null; unitsWithCovariate: number; unitsWithoutCovariate: number } | null;
  /** Always-valid confidence sequence on the absolute (and relative) effect; null when the effect is null. */
  sequential: { absolute: EffectEstimate | null; relative: EffectEstimate | null } | null;
  deciding: DecidingInterval;
  /** p-value adjusted across metrics × arms (guardrails apart); null when the effect is null. */
  adjustedP: number | null;
  /** 'better' | 'worse' | 'no detectable change' by the deciding interval; 'blocked' when SRM fired; null when unknown. */
  conclusion: 'better' | 'worse' | 'no detectable change' | 'blocked' | null;
}

export interface SegmentResult {
  /** e.g. "plan=pro". */
  segment: string;
  units: number[];
  /** The too-small rule (stats/segment-size.ts): below min units per arm, figures are shown but not judged. */
  tooSmall: boolean;
  comparisons: ArmComparison[];
}

export interface NoveltyCheck {
  days: number;
  arm: string;
  /** Effect among units first exposed in the first `days` days vs later. */
  early: ArmEffect;
  late: ArmEffect;
  /** Difference later − early of the absolute effects (normal test on two disjoint cohorts). */
  difference: EffectEstimate | null;
  /** True when the early effect is significantly larger in magnitude than the late one at the level. */
  detected: boolean | null;
}

/** One day of the cumulative series: what a PM would have seen that day. */
export interface DailyPoint {
  /** ISO date (UTC) of the day's end. */
  day: string;
  units: number[];
  /** Absolute effect (deciding estimator) with fixed-horizon and sequential intervals; null when not computable yet. */
  estimate: number | null;
  fixedLow: number | null;
  fixedHigh: number | null;
  sequentialLow: number | null;
  sequentialHigh: number | null;
}

export interface MetricResult {
  id: string;
  type: MetricType;
  higherIsBetter: boolean;
  /** Metric definition summary for people ("any(accepted > 0) per user", "accepted / shown (delta method)"). */
  definition: string;
  covariate: string | null;
  arms: ArmMetricSummary[];
  comparisons: ArmComparison[];
  segments: SegmentResult[];
  novelty: NoveltyCheck[];
  /** Per treatment arm: daily cumulative series. */
  series: { arm: string; points: DailyPoint[] }[];
}

export type GuardrailVerdictValue = 'met' | 'not-met' | 'inconclusive';

export interface GuardrailResult {
  metric: string;
  type: MetricType;
  higherIsBetter: boolean;
  /** Not worse by more than maxWorse (relative when `relative`). */
  maxWorse: number;
  relative: boolean;
  arms: ArmMetricSummary[];
  /** Intervals here are two-sided at 2·level − 1, so each bound is a one-sided bound at the level. */
  comparisons: (ArmComparison & { verdict: GuardrailVerdictValue | null })[];
  /** Worst verdict across treatment arms; null when no effect could be computed. */
  verdict: GuardrailVerdictValue | null;
}

/** Offline ↔ online link (experiment/offline-link.ts, helper exl). */
export interface OfflineComparison {
  arm: string;
  control: string;
  /** Stored runs used. */
  runIds: { control: string; treatment: string };
  variants: { control: string; treatment: string };
  /** Paired offline pass-rate difference treatment − control. */
  difference: EffectEstimate | null;
  /** Online primary metric's absolute effect (the deciding one). */
  online: EffectEstimate | null;
  agree: 'yes' | 'no' | 'unclear';
  segments: { segment: string; difference: EffectEstimate | null; online: EffectEstimate | null; agree: 'yes' | 'no' | 'unclear' }[];
}

export interface OfflineLink {
  suite: string | null;
  comparisons: OfflineComparison[];
  /** Why the link is missing or partial (no suite, no stored run holding both variants, …); null when complete. */
  note: string | null;
}

export interface Scorecard {
  formatVersion: 1;
  name: string;
  /** The exp.yaml path, or null when a config object was given. */
  file: string | null;
  unit: string;
  control: string;
  arms: { id: string; weight: number; variant: string | null; units: number }[];
  analysis: {
    level: number;
    correction: 'holm' | 'bh';
    sequential: boolean;
    tuning: number;
    minSegmentUnits: number;
    noveltyDays: number;
    start: string | null;
    end: string | null;
  };
  /** First and last exposure timestamps seen (ISO), null when none. */
  period: { start: string | null; end: string | null; days: number | null };
  srm: SrmCheck;
  metrics: MetricResult[];
  guardrails: GuardrailResult[];
  offline: OfflineLink | null;
  dataQuality: {
    exposureRows: number;
    outcomeRows: number;
    preRows: number;
    issues: DataQualityIssue[];
  };
  /**
   * The overall reading: 'blocked' (SRM fired), 'guardrail-failed' (a guardrail not met), 'ship' (primary metric
   * better and guardrails met), 'no-ship' (primary worse), 'inconclusive' otherwise. Primary = first metric.
   */
  verdict: 'blocked' | 'guardrail-failed' | 'ship' | 'no-ship' | 'inconclusive';
  /** Sentences for people explaining the verdict (first: the SRM message when fired). */
  messages: string[];
}
