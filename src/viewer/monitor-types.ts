// The viewer's production-monitoring API (#15): the Monitor page, production records and their human labels.
// Import-free, like types.ts, because the browser bundle (viewer-ui/) imports it; copies of store/production-types.ts
// and monitor/status-types.ts, kept equal by test/viewer/api-types-mirror.test.ts.

export type MonitorMetric = 'pass_rate' | 'critical_rate' | 'cost_per_call' | 'p95_latency' | 'refusal_rate' | 'output_length' | 'segment_mix';
export type DeploymentStage = 'observe' | 'assist' | 'act';
export interface ProductionMessage {
  role: string;
  content: string;
}
export interface ProductionToolCall {
  name: string;
  arguments: string | null;
  result: string | null;
}
export interface ProductionRecordView {
  id: string;
  suite: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  conversationId: string | null;
  startedAt: string;
  endedAt: string | null;
  ingestedAt: string;
  source: 'otlp' | 'jsonl' | 'middleware';
  provider: string | null;
  model: string | null;
  responseModel: string | null;
  input: ProductionMessage[] | null;
  /** ISO 639-1 code of the input's language; null when unknown. */
  language: string | null;
  output: string | null;
  toolCalls: ProductionToolCall[];
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  latencyMs: number | null;
  ttftMs: number | null;
  finishReason: string | null;
  attributes: Record<string, string | number | boolean>;
  tags: string[];
  contentHash: string;
  flagged: boolean;
}
export interface ProductionCheckOutcome {
  name: string;
  type: string;
  passed: boolean | null;
  score: number | null;
  severity: 'normal' | 'critical';
  reason: string | null;
}
export interface ProductionScoreView {
  recordId: string;
  monitor: string;
  scoredAt: string;
  status: 'scored' | 'unscored' | 'error';
  reason: string | null;
  passed: boolean | null;
  criticalFailed: boolean | null;
  checks: ProductionCheckOutcome[];
  judgeCostUsd: number | null;
  metrics: Record<string, number | null>;
}
export interface MonitorAlertView {
  id: string;
  suite: string;
  monitor: string;
  metric: string;
  state: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  evidence: Record<string, unknown>;
}
export interface MetricWindow {
  start: string;
  end: string;
  n: number;
  estimate: number | null;
  low: number | null;
  high: number | null;
  method: string | null;
  level: number;
}
export interface MetricBaseline {
  value: number | null;
  n: number | null;
  source: string;
}
export interface DetectorVerdict {
  method: string;
  falseAlarmRate: number;
  periodDays: number;
  samplesPerPeriod?: number;
  alarm: { at: string; afterSamples: number } | null;
  statistic: number | null;
  threshold: number | null;
}
export interface BarVerdict {
  value: number;
  bound: number | null;
  level: number;
  passed: boolean | null;
}
export type MetricState = 'ok' | 'alert' | 'insufficient-data' | 'no-baseline';
export interface SegmentShare {
  segment: string;
  share: number;
  baselineShare: number | null;
  moved: boolean;
}
export interface MetricStatus {
  metric: MonitorMetric;
  worse: 'decrease' | 'increase' | 'change';
  window: MetricWindow;
  baseline: MetricBaseline;
  detector: DetectorVerdict | null;
  bar: BarVerdict | null;
  state: MetricState;
  segments?: SegmentShare[];
}
export type InputMetric = 'prompt_length' | 'language_mix';
export interface PromptLengthStatus extends Omit<MetricStatus, 'metric' | 'segments'> {
  metric: 'prompt_length';
}
export interface LanguageShare {
  /** ISO 639-1 code, e.g. "fr". */
  language: string;
  /** English name ("French"), or the code. */
  name: string;
  share: number;
  baselineShare: number | null;
  moved: boolean;
}
/** Shares of the calls whose input language is known; `unknown` counts the rest. */
export interface LanguageMixStatus extends Omit<MetricStatus, 'metric' | 'segments'> {
  metric: 'language_mix';
  languages: LanguageShare[];
  unknown: number;
}
export interface StageAdvice {
  current: DeploymentStage | null;
  advice: 'advance' | 'hold' | 'kill-switch' | null;
  next: DeploymentStage | null;
  reasons: { metric: MonitorMetric; bar: number; bound: number | null; passed: boolean | null }[];
}
export interface MonitorStatus {
  suite: string;
  monitor: string;
  evaluatedAt: string;
  samples: { scored: number; unscored: number; errors: number; queued: number };
  metrics: MetricStatus[];
  inputDrift: MetricStatus[];
  promptLength?: PromptLengthStatus | null;
  languageMix?: LanguageMixStatus | null;
  stage: StageAdvice | null;
  openAlerts: MonitorAlertView[];
}
export interface MonitorSeries {
  suite: string;
  monitor: string;
  metric: MonitorMetric;
  points: MetricWindow[];
  baseline: MetricBaseline;
  alerts: { at: string; alertId: string }[];
}

// The Monitor page's API (viewer/monitor-routes.ts).
export interface MonitorListItem {
  name: string;
  description: string | null;
  window: string;
  stage: DeploymentStage | null;
  /** The worst state over the monitor's metrics now; null when its evaluation failed (`error` says why). */
  state: MetricState | null;
  openAlerts: number;
  scored: number | null;
  error: string | null;
}
export interface MonitorSuiteItem {
  suite: string;
  monitors: MonitorListItem[];
}
export interface MonitorListResponse {
  suites: MonitorSuiteItem[];
  /** Suites with production records but no suite file to read their monitors from (give `view --suite FILE`). */
  withoutSuiteFile: string[];
}
export interface MonitorDetailResponse {
  status: MonitorStatus;
  series: MonitorSeries[];
  /** The server's words: the status line and, per metric, the evidence sentence (report/ wording, never recomputed here). */
  words: { statusLine: string; stage: string | null; metrics: Record<string, string>; alerts: Record<string, string> };
}
export interface ProductionRecordItem {
  id: string;
  startedAt: string;
  model: string | null;
  tags: string[];
  flagged: boolean;
  latencyMs: number | null;
  costUsd: number | null;
  /** The first characters of the output (untrusted text). */
  outputPreview: string | null;
  /** The monitor's score when one was asked for (failed first in the list). */
  score: Pick<ProductionScoreView, 'status' | 'passed' | 'criticalFailed' | 'reason'> | null;
}
export interface ProductionRecordsResponse {
  records: ProductionRecordItem[];
  /** More records matched than `limit`. */
  truncated: boolean;
}
export interface ProductionRecordResponse {
  record: ProductionRecordView;
  scores: ProductionScoreView[];
}

// Human labels on production records (viewer/production-labels.ts): the record page's label buttons and the
// Monitor page's review queue; `calibrate --monitor` reads them.
export interface ProductionLabelView {
  recordId: string;
  suite: string;
  labeller: string;
  verdict: 'pass' | 'fail';
  errorTags: string[];
  note: string | null;
  createdAt: string;
}
export interface ProductionReviewItemView {
  recordId: string;
  startedAt: string;
  status: 'scored' | 'unscored' | 'error';
  passed: boolean | null;
  /** A judge ran on it (failed and judged records come first). */
  judged: boolean;
}
/** GET /api/production/records/:id/labels: everyone's labels on the record, who you label as, the error taxonomy. */
export interface ProductionLabelsResponse {
  labels: ProductionLabelView[];
  labeller: string;
  /** The suite's `error_tags`, else the default list. */
  errorTags: string[];
  errorTagsFromSuite: boolean;
}
/** GET /api/monitor/:suite/:monitor/review: the records of the monitor you have not labelled yet, in review order. */
export interface ReviewQueueResponse {
  items: ProductionReviewItemView[];
  labeller: string;
}
