// What executeRun takes (RunOptions) and reports as it goes (RunEvent): in their own file so that run-record.ts,
// which reads the options, and execute.ts, which opens the run through it, do not import each other.
import type { ResultRow, RunStatus, Store, PlanSelection } from '../store/index.js';
import type { RateLimits } from './rate-limit/registry.js';
import type { BudgetSummary } from './budget.js';
import type { ProviderSlots } from './call-with-retries.js';
import type { EvalspecError } from '../errors.js';
import type { RateLimitFigures } from './rate-limit/controller.js';

/** Passed before an item is taken from a run's plan, and again once the item is stored or dropped (a Semaphore is one). */
export interface ItemGate {
  acquire(): Promise<void>;
  release(): void;
}

export type RunEvent =
  | { type: 'run-start'; runId: string; totalCalls: number; alreadyDone: number }
  | { type: 'call-end'; row: ResultRow; done: number; total: number; errors: number; spentUsd: number }
  /** A streamed call's new text (RunOptions.stream; issue #20): the playground and `try` show output as it arrives. */
  | { type: 'call-delta'; caseId: string; variantId: string; repeat: number; text: string }
  | { type: 'call-retry'; caseId: string; variantId: string; attempt: number; errorClass: string; delayMs: number }
  | { type: 'run-end'; runId: string; status: RunStatus }
  /** Every second while a provider throttles the run: its pace and the attempts it rejected in the last minute. */
  | { type: 'rate-limited'; model: string; perSecond: number; rejectedLastMinute: number };

export interface RunOptions {
  store: Store;
  /** e.g. "main": lets CI compare with the latest run labelled main. */
  label?: string;
  /** Serve identical earlier calls from the cache (default true). */
  cache?: boolean;
  /** Finish this stored run instead of starting a new one. */
  resumeRunId?: string;
  signal?: AbortSignal;
  /** Take no new item once aborted; those in flight finish and are stored (a distributed job near its lease's end). */
  drain?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Overrides the suite's concurrency. */
  concurrency?: number;
  /** Stop before a call would take this invocation's spend past this many USD (see budget.ts). */
  maxCostUsd?: number;
  /** Output tokens assumed per call when reserving budget (default 256). */
  expectedOutputTokens?: number;
  /** Run javascript checks isolated: no environment, no module checks (docs/checks.md, "Where user code runs"). */
  isolateChecks?: boolean;
  /** The selection flags that shaped the plan, stored with a new run so --resume plans the same (pipeline.ts). */
  selection?: PlanSelection;
  /**
   * The rate limits learned so far, to go on from (a worker's jobs of one run share one: each job would otherwise
   * start with the cautious probe of a model never answered). Default: new ones for this call.
   */
  rateLimits?: RateLimits;
  /** This process's part in a distributed run (distribute/); absent: the run executes here, in one process. */
  distributed?: DistributedRole;
  /** Provider connections' concurrency slots shared with other runs of this process (a worker's jobs); default: this run's own. */
  slots?: ProviderSlots;
  /**
   * Items in flight across every run of this process (a worker's jobs share its --concurrency: one job's last items
   * and the next job's first fill the same slots). Default: this run's own `concurrency`.
   */
  itemSlots?: ItemGate;
  /**
   * Call network models streaming (the AI SDK's doStream): each call's time to first token is stored (ResultRow.ttftMs)
   * and its text is reported as it arrives (`call-delta` events). Default: the suite's `stream:` (off). Issue #20.
   */
  stream?: boolean;
  /**
   * A stored run whose results answer this run's unchanged work items (same case content, model, prompt messages,
   * params and repeat) with no call: `run --against`, the playground's stored side. Issue #20.
   */
  reuseFrom?: string;
}

/**
 * `part`: a worker executes one job of a stored run: repeat `repeat` of the cases [caseFrom, caseTo) of the plan, each
 * item not stored yet; no lease (many workers share the run), no pairwise phase, no final status.
 * `coordinate`: the run is created (or reopened) and leased here as usual, but its items are executed by
 * `execute` (enqueue them, work, wait until every job has settled); then the pairwise phase and the status, as usual.
 */
export type DistributedRole =
  | { role: 'part'; runId: string; repeat: number; caseFrom: number; caseTo: number }
  | { role: 'coordinate'; execute(runId: string, signal: AbortSignal): Promise<BudgetSummary | undefined> };

export interface RunOutcome {
  runId: string;
  status: RunStatus;
  /** Why the run stopped early (a provider refused the key, a store failure). */
  fatal?: EvalspecError;
  warnings: string[];
  /** `reused`: answered by RunOptions.reuseFrom's stored results (no call, nothing paid). */
  counts: { skipped: number; called: number; cached: number; reused: number; errors: number };
  /** Set when --max-cost was given. */
  budget?: BudgetSummary;
  /** Per provider:model that met a limit (declared, learned, waited for or rejected); [] when none did. */
  rateLimits: RateLimitFigures[];
}
