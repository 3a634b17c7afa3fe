// The viewer's JSON API: the shapes the server sends and the front end (viewer-ui/) reads. Self-contained (no
// imports), so the browser bundle's type check does not pull in the Node stages. That makes the first part of
// this file a copy, kept on purpose, of server-side types (store/types.ts rows, report/run-report-types.ts,
// stats Interval, score JudgeDetail): test/viewer/api-types-mirror.test.ts, type-checked by `npm run
// typecheck`, fails when a copy drifts from the type it mirrors.

export interface Interval {
  method: string;
  level: number;
  low: number;
  high: number;
}

export type RunStatus = 'started' | 'completed' | 'incomplete' | 'cancelled' | 'failed';

/**
 * What a run is now (src/store run-state.ts): its stored status, except that a `started` run is `running` while
 * its process holds a live lease and `interrupted` once that process is gone (finish it with `resume`).
 */
export type RunState = Exclude<RunStatus, 'started'> | 'running' | 'interrupted';

export interface StoredVariant {
  id: string;
  label: string;
  model: string;
  providerType: string;
  modelId: string;
  prompt: string;
}

/** What a judge check stores next to its verdict (src/score judge-types.ts JudgeDetail). */
export interface JudgeView {
  models: string[];
  ensemble?: 'majority' | 'mean';
  reasoning?: string;
  raw?: number;
  scale?: [number, number];
  threshold?: number;
  votes?: { model: string; pass?: boolean; raw?: number; label?: string; reasoning?: string }[];
  against?: string;
  outcome?: 'win' | 'tie' | 'loss';
  orders?: { model: string; thisAt: 'A' | 'B'; picked: 'this' | 'other' | 'tie' }[];
  cached?: boolean;
}

export interface StoredCheck {
  type: string;
  metric: string;
  severity: 'normal' | 'critical';
  weight: number;
  pass: boolean;
  score: number;
  reason: string;
  indeterminate?: boolean;
  error?: string;
  judge?: JudgeView;
  judgeCostUsd?: number | null;
}

export interface ResultRow {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
  output: string | null;
  pass: boolean | null;
  score: number | null;
  cached: boolean;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  attempts: number;
  checks: StoredCheck[];
  messages: { role: string; content: string }[] | null;
  finishedAt: string;
  /** An agent's steps, a RAG target's context, a replayed log's metadata (issue #16); only on the case endpoint. */
  transcript?: Transcript;
}

// A result's transcript: copies of src/score/transcript.ts (mirrored, see the top).
export type ToolErrorClass = 'unknown-tool' | 'invalid-args' | 'tool-error' | 'tool-timeout' | 'no-result' | 'dangling-call' | 'orphan-result';
export interface TranscriptToolCall {
  id: string;
  name: string;
  args: unknown;
  invalid?: { class: 'unknown-tool' | 'invalid-args'; message: string };
}
export interface TranscriptUsage {
  inputTokens: number | null;
  outputTokens: number | null;
}
export type TranscriptMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string; turn?: number; simulated?: boolean }
  | {
      role: 'assistant';
      content: string;
      toolCalls?: TranscriptToolCall[];
      step?: number;
      turn?: number;
      usage?: TranscriptUsage;
      latencyMs?: number | null;
      finishReason?: string | null;
    }
  | {
      role: 'tool';
      toolCallId: string;
      name: string;
      content: string;
      step?: number;
      error?: { class: ToolErrorClass; message: string };
      latencyMs?: number | null;
    };
export type TranscriptStop = 'final' | 'max-steps' | 'user-stop' | 'max-turns' | 'logged';
export interface RetrievedDocument {
  id: string;
  text: string;
  score?: number;
}
export interface Transcript {
  messages: TranscriptMessage[];
  steps: number;
  stop: TranscriptStop;
  maxSteps: number | null;
  context?: RetrievedDocument[];
  metadata?: Record<string, unknown>;
  problems?: { step: number | null; class: ToolErrorClass; message: string }[];
  /** A `function:` chain's steps in order (docs/playground.md "Chains"). */
  chain?: ChainStep[];
}
export interface ChainStep {
  name: string;
  /** provider:model; null for a step that called no model. */
  model: string | null;
  messages?: { role: string; content: string }[];
  output: string;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  error?: string;
}

export interface CaseRow {
  caseId: string;
  contentHash: string;
  tags: string[];
  vars: Record<string, unknown>;
  cluster: string | null;
  description: string | null;
}

export interface VariantSummary {
  id: string;
  model: string;
  prompt: string;
  cases: number;
  passed: number;
  failed: number;
  errors: number;
  cached: number;
  passRate: number | null;
  passRateCi: Interval | null;
  meanScore: number | null;
  tokens: { input: number | null; output: number | null };
  /** What the run paid (cache hits 0); null when unknown (analysis/cost-figures.ts). */
  costUsd: number | null;
  /** The same calls at list price (cache hits priced from their tokens); null when unknown. */
  listCostUsd: number | null;
  unpriced: number;
  /** Over streamed calls (issue #20): time to first token and decode tokens/s; null (streamed 0) when none was. */
  latencyMs: {
    p50: number | null;
    p95: number | null;
    method: string;
    streamed: number;
    ttftP50: number | null;
    ttftP95: number | null;
    decodeTokensPerSecond: number | null;
  };
  /** With repeats: pass^1 … pass^n and pass@1 … pass@n (src/analysis/pass-k-curve.ts); absent with one repeat. */
  passHatK?: PassKPoint[];
  passAtK?: PassKPoint[];
}

/** One k of a run's pass^k or pass@k curve: the mean over cases of the per-case estimate, with its interval. */
export interface PassKPoint {
  k: number;
  value: number;
  ci: Interval | null;
  /** Cases with fewer than k results (their estimate uses k = their result count). */
  shortCases: number;
}

/** The run report (src/report RunReport) with the sections newer versions add (bars, comparisons, segments, costs) left open. */
export interface ReportView {
  formatVersion: number;
  runId: string;
  status: RunStatus;
  label: string | null;
  suite: { name: string; hash: string; file: string };
  startedAt: string;
  endedAt: string | null;
  repeat: number;
  totalCalls: number;
  variants: VariantSummary[];
  warnings: string[];
  [section: string]: unknown;
}

/** A human label on one result, as stored (store.labels). */
export interface LabelRecord {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
  /** 'pass' or 'fail' (null when only a tag or comment was given). */
  label: string | null;
  scores: Record<string, number> | null;
  tag: string | null;
  comment: string | null;
  labeller: string;
  createdAt: string;
}

export interface VariantHeadline {
  id: string;
  model: string;
  cases: number;
  passRate: number | null;
  passRateCi: Interval | null;
  costUsd: number | null;
  listCostUsd: number | null;
}

/** What the runs list and the run page both say of a run. */
export interface RunHead {
  id: string;
  suiteName: string;
  label: string | null;
  /** As stored; `state` says whether a `started` run is running or interrupted. */
  status: RunStatus;
  state: RunState;
  /** The command that finishes an interrupted run; null otherwise. */
  resume: string | null;
  startedAt: string;
  endedAt: string | null;
  repeat: number;
}

export interface RunListItem extends RunHead {
  totalCalls: number;
  variants: VariantHeadline[];
  /** What the run paid in total; null when any variant's cost is unknown. */
  costUsd: number | null;
  /** The run's calls at list price; null when any variant's is unknown. */
  listCostUsd: number | null;
}

export interface RunsResponse {
  suites: string[];
  runs: RunListItem[];
}

/** One cell of the segment heatmap: one variant on the cases carrying one tag. */
export interface SegmentCell {
  variantId: string;
  cases: number;
  passRate: number | null;
  ci: Interval | null;
  /** The interval is wider than {@link WIDE_INTERVAL} (or the report says the segment is too small): the colour is not to be trusted. */
  wide: boolean;
  /** The report's reason the segment is too small to say anything, if any. */
  warning: string | null;
}

export interface SegmentRow {
  segment: string;
  cases: number;
  cells: SegmentCell[];
}

export interface Facets {
  variants: { id: string; label: string; model: string; prompt: string }[];
  /** Check metrics that failed at least once. */
  checks: string[];
  /** Case tags (segments), most frequent first. */
  segments: string[];
  errorClasses: string[];
}

export interface RunResponse {
  run: RunHead & {
    suiteFile: string;
    variants: StoredVariant[];
    gitCommit: string | null;
    gitBranch: string | null;
  };
  /** Each variant's figures, as the run report's `variants` (computed from the viewer's index: fast). */
  summary: VariantSummary[];
  /** Variant × tag pass rates with intervals, computed by the viewer from case tags. */
  heatmap: SegmentRow[];
  facets: Facets;
  /** The error taxonomy for review labels: the suite's `error_tags`, else a default list. */
  errorTags: string[];
  errorTagsFromSuite: boolean;
  results: number;
  labels: number;
}

/** GET /api/runs/:id/report: the full run report, and the heatmap from its own segments when it has them. */
export interface ReportResponse {
  report: ReportView;
  heatmap: SegmentRow[] | undefined;
}

export interface ResultListItem {
  caseId: string;
  variantId: string;
  repeat: number;
  pass: boolean | null;
  score: number | null;
  errorClass: string | null;
  latencyMs: number | null;
  costUsd: number | null;
  failedChecks: string[];
  critical: boolean;
  tags: string[];
  /** The first characters of the output (plain text, shown as text). */
  preview: string | null;
  /** A human label on this result, if any (the latest). */
  label: string | null;
  labelTag: string | null;
}

export interface ResultsResponse {
  total: number;
  offset: number;
  rows: ResultListItem[];
}

export interface CaseResponse {
  runId: string;
  case: CaseRow | null;
  variants: StoredVariant[];
  results: ResultRow[];
  labels: LabelRecord[];
}

export interface PairedSummary {
  n: number;
  meanA: number;
  meanB: number;
  /** B − A. */
  difference: number;
  interval: Interval | null;
  pValue: number | null;
  test: string;
}

export interface CompareRow {
  caseId: string;
  /** Share of repeats passed (0/1 with one repeat); null when the side has no result. */
  passA: number | null;
  passB: number | null;
  scoreA: number | null;
  scoreB: number | null;
  /** 'b-better' | 'a-better' when the pass verdict flipped between the sides, else 'same'. */
  flip: 'a-better' | 'b-better' | 'same';
  tags: string[];
  /** The case's content differs between the two runs (cross-run comparisons). */
  contentChanged: boolean;
}

export interface CompareSide {
  runId: string;
  variantId: string;
  suiteName: string;
  runLabel: string | null;
}

export interface CompareResponse {
  a: CompareSide;
  b: CompareSide;
  commonCases: number;
  onlyA: number;
  onlyB: number;
  pass: PairedSummary | null;
  score: PairedSummary | null;
  flips: { aBetter: number; bBetter: number };
  mcnemarPValue: number | null;
  total: number;
  offset: number;
  rows: CompareRow[];
}

export const WIDE_INTERVAL = 0.25;

export const DEFAULT_ERROR_TAGS = ['wrong-answer', 'hallucination', 'incomplete', 'ignored-instruction', 'wrong-format', 'refusal', 'tone', 'unsafe', 'other'];
