// The playground's API (issue #20): the JSON shapes the `view --playground` process sends and the browser reads,
// and the service the viewer's routes call. Import-free like types.ts: viewer-ui/ imports this file, playground/
// implements PlaygroundService, cli/ hands the implementation to startViewer. Keys, base URLs and headers never
// appear in any of these shapes: the browser names a model by its suite label or `provider:model` ref only.

export type PlaygroundRole = 'system' | 'user' | 'assistant';
export interface PlaygroundMessage {
  role: PlaygroundRole;
  /** With `{{var}}` placeholders, rendered per case by the plan stage (the UI highlights them). */
  content: string;
}

/** Generation parameters the playground may change (the suite's own names). */
export interface PlaygroundParams {
  temperature?: number;
  max_tokens?: number;
  top_p?: number;
  seed?: number;
}

/** Per session (a signed-in browser, or the loopback viewer's one session): the cap and what was paid so far. */
export interface PlaygroundSpend {
  capUsd: number;
  spentUsd: number;
}

/** GET /api/playground → 200 this; 404 `{ error }` when `view` runs without --playground. */
export interface PlaygroundInfo {
  spend: PlaygroundSpend;
  /** The largest slice a trial may run (cases × repeats). */
  maxTrialCases: number;
}

/** GET /api/playground/runs/:runId: what can be tried on a stored run, read from its suite file as it is now. */
export interface PlaygroundRunInfo {
  runId: string;
  suiteName: string;
  suiteFile: string;
  /** The suite file's models. */
  models: { label: string; ref: string }[];
  /** The suite file's prompts as written (with `{{var}}`). */
  prompts: { id: string; messages: PlaygroundMessage[] }[];
  /** Provider ids of the suite a `provider:model` ref may name for a model the suite does not list. */
  providers: string[];
  /** The suite's generation params; null when it sets none. */
  params: PlaygroundParams | null;
  /** The stored run's variants; `comparable`: its model and prompt still exist in the suite file. */
  variants: { id: string; label: string; promptId: string; comparable: boolean }[];
  /** The run's case tags (segments), for the slice picker. */
  tags: string[];
  /** Why nothing can be tried on this run (its suite file is gone or no longer loads), else null. */
  problem: string | null;
}

export type SliceKind = 'failed' | 'tag' | 'search' | 'sample' | 'all';

/** GET /api/playground/runs/:runId/slice?variant=V&kind=K&value=…&n=…&seed=… */
export interface SliceQuery {
  variant: string;
  kind: SliceKind;
  /** The tag (kind tag) or the search text (kind search: case id, vars and output). */
  value?: string;
  /** At most this many cases (default 20); kind sample draws n at random with `seed`. */
  n?: number;
  seed?: number;
}

export interface PlaygroundSliceCase {
  caseId: string;
  vars: Record<string, unknown>;
  tags: string[];
  /** The stored variant's pass value on this case (repeats reduced as the run reduces them); null: errored. */
  pass: boolean | null;
  /** The stored output (first repeat); null when the call errored. */
  output: string | null;
}

export interface PlaygroundSlice {
  runId: string;
  variantId: string;
  kind: SliceKind;
  /** Cases of the run matching the slice, before the n limit. */
  matched: number;
  cases: PlaygroundSliceCase[];
}

/**
 * POST /api/playground/estimate and /api/playground/trials: run `model` with `messages` (or the suite's prompt
 * `promptId`) on `caseIds` of the stored run, and compare with its variant `variantId` on those cases.
 */
export interface TrialRequest {
  runId: string;
  variantId: string;
  caseIds: string[];
  /** The edited prompt; exactly one of messages and promptId. */
  messages?: PlaygroundMessage[];
  promptId?: string;
  /** A suite model label, or a `provider:model` ref on one of the suite's providers. */
  model: string;
  params?: PlaygroundParams;
}

export interface TrialEstimate {
  /** Calls the trial makes (cases × repeats of the new variant, less those the cache answers). */
  calls: number;
  /** Results of the stored variant reused from the stored run (no call). */
  reused: number;
  /** Expected cost (run/'s estimate); null when the model is unpriced. */
  costUsd: number | null;
  spend: PlaygroundSpend;
  /** False when the expected cost would pass the session's cap: the trial is refused. */
  withinCap: boolean;
}

export interface PlaygroundCheck {
  name: string;
  pass: boolean | null;
  score: number | null;
  reason: string | null;
  critical: boolean;
}

export interface TrialResult {
  caseId: string;
  repeat: number;
  /** Which side: the stored variant (reused) or the new one. */
  side: 'stored' | 'trial';
  output: string | null;
  pass: boolean | null;
  checks: PlaygroundCheck[];
  latencyMs: number | null;
  /** Time to first token of a streamed call; null when not streamed or reused. */
  ttftMs: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  errorClass: string | null;
  errorMessage: string | null;
}

/** The paired difference on the slice: the same function as the run report's comparisons. */
export interface TrialComparison {
  /** Cases with a result on both sides. */
  cases: number;
  stored: { runId: string; variantId: string; passRate: number | null };
  trial: { runId: string; variantId: string; passRate: number | null };
  /** trial − stored pass rate; null when nothing is paired. */
  difference: { estimate: number | null; low: number | null; high: number | null; level: number; method: string };
  /** Case ids whose pass value flipped: failed → passed (fixed), passed → failed (broken). */
  flipped: { fixed: string[]; broken: string[] };
  /** What the trial paid; what the stored variant's results on these cases cost when they were made. */
  costUsd: { trial: number | null; stored: number | null };
}

/** POST /api/playground/trials answers with NDJSON, one event per line, in this order. */
export type TrialEvent =
  | { type: 'start'; trialRunId: string; estimate: TrialEstimate }
  | { type: 'delta'; caseId: string; repeat: number; text: string }
  | { type: 'result'; result: TrialResult }
  | { type: 'end'; status: string; comparison: TrialComparison; spend: PlaygroundSpend }
  | { type: 'error'; code: string; message: string; hint: string | null };

/** POST /api/playground/prompts: write the prompt into the suite file as a new `prompts:` entry. */
export interface SavePromptRequest {
  runId: string;
  /** The new prompt's id; default: the next free `<base>-v<N>`. */
  id?: string;
  messages: PlaygroundMessage[];
}
export interface SavePromptResult {
  file: string;
  promptId: string;
  /** The entry's first line in the file. */
  line: number;
}

/** POST /api/playground/full-runs: a normal run of the suite file for model × prompt against the stored run. */
export interface FullRunRequest {
  runId: string;
  model: string;
  promptId: string;
}
export type FullRunEvent =
  | { type: 'start'; runId: string; totalCalls: number }
  | { type: 'progress'; done: number; total: number; errors: number; spentUsd: number }
  | { type: 'end'; runId: string; status: string; exitCode: number; spend: PlaygroundSpend }
  | { type: 'error'; code: string; message: string; hint: string | null };

/** What the viewer's playground routes call; `session` is the signed-in session's id ("local" on loopback). */
export interface PlaygroundService {
  info(session: string): PlaygroundInfo;
  runInfo(runId: string): Promise<PlaygroundRunInfo>;
  slice(runId: string, query: SliceQuery): Promise<PlaygroundSlice>;
  estimate(session: string, request: TrialRequest): Promise<TrialEstimate>;
  trial(session: string, request: TrialRequest, emit: (event: TrialEvent) => void, signal: AbortSignal): Promise<void>;
  savePrompt(request: SavePromptRequest): Promise<SavePromptResult>;
  fullRun(session: string, request: FullRunRequest, emit: (event: FullRunEvent) => void, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
