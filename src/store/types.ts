// The Store interface: entity-grouped, async so a PostgreSQL backend can implement it as well as SQLite.
// Unknown values are null, never 0.
import type { LabelRow, LabelQuery, CalibrationRecord, CalibrationQuery, AccessTokenRecord, RateLimitFigures } from './record-types.js';

// Labels, calibrations, access tokens and rate-limit figures: in a file of their own, part of this interface.
export type { LabelRow, LabelQuery, CalibrationRecord, CalibrationQuery, AccessTokenRecord, RateLimitFigures } from './record-types.js';
import type { JudgeDetail, Transcript } from '../score/index.js';
import type { ProductionStore } from './production-types.js';

export type RunStatus = 'started' | 'completed' | 'incomplete' | 'cancelled' | 'failed';

export interface StoredVariant {
  id: string;
  label: string;
  model: string;
  providerType: string;
  modelId: string;
  prompt: string;
}

export interface RunRecord {
  id: string;
  suiteName: string;
  suiteHash: string;
  suiteFile: string;
  label: string | null;
  status: RunStatus;
  formatVersion: number;
  /** The suite config without secrets (placeholders kept, keys redacted). */
  config: Record<string, unknown>;
  variants: StoredVariant[];
  repeat: number;
  gitCommit: string | null;
  gitBranch: string | null;
  totalCalls: number;
  startedAt: string;
  endedAt: string | null;
  warnings: string[];
  /** The CLI flags that shaped the plan (--model, --repeat), re-applied by --resume; null for runs stored before they were kept. */
  selection?: PlanSelection | null;
}

/** What shaped a run's plan besides the suite file: `--resume` plans exactly this again. */
export interface PlanSelection {
  /** --model: only these model labels or refs; null = every model of the suite. */
  models: string[] | null;
  /** The repeat count used (--repeat, else the suite's). */
  repeat: number;
  /** --prompt: only these prompt ids; null or absent = every prompt of the suite (issue #20). */
  prompts?: string[] | null;
  /** --against: the stored run compared with (its id, `latest` resolved): its cases and variants were planned too. */
  against?: string | null;
  /** --suite-part: which cases (the suite's, the red-team cases, or all); absent = the suite's `cases:` (issue #18). */
  part?: 'cases' | 'redteam' | 'all';
}

/**
 * Who is executing a run right now. A process takes the lease before it makes a call and heartbeats it;
 * a second process (a concurrent --resume) is refused while the lease is live.
 */
export interface RunLease {
  runId: string;
  /** Random per process: only the holder renews or releases. */
  token: string;
  pid: number;
  host: string;
  acquiredAt: string;
  heartbeatAt: string;
  /** Epoch ms after which the lease is void (the holder stopped heartbeating). */
  expiresAt: number;
}

/** A stored case without its variables and description (Store.cases.keys). */
export type CaseKey = Pick<CaseRow, 'caseId' | 'contentHash' | 'tags' | 'cluster'>;

export interface CaseRow {
  caseId: string;
  contentHash: string;
  tags: string[];
  vars: Record<string, unknown>;
  cluster: string | null;
  description: string | null;
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
  /** 'judge-error': the judge's answer was unusable (the result is then an error of that class). */
  error?: string;
  /** Judge checks: models, reasoning, raw score, votes, pairwise orders. */
  judge?: JudgeDetail;
  /** Judge checks: what this run paid the judge (0 when cached; null when unpriced). Not part of costUsd. */
  judgeCostUsd?: number | null;
}

export interface ResultRow {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
  output: string | null;
  /** null when the call errored (no output to judge). */
  pass: boolean | null;
  score: number | null;
  cached: boolean;
  latencyMs: number | null;
  /** A streamed call's time to first token (issue #20); null when not streamed, served from the cache, or reused. */
  ttftMs?: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** What this run paid: 0 for a cache hit, null when the model is unpriced. */
  costUsd: number | null;
  errorClass: string | null;
  errorMessage: string | null;
  attempts: number;
  checks: StoredCheck[];
  /** The messages as the model saw them (stored once per distinct content). */
  messages: { role: string; content: string }[] | null;
  finishedAt: string;
  /**
   * What an agent did (steps, tool calls, results; issue #16), a RAG target's context, a replayed log's metadata.
   * Absent for a plain single call (and in slim reads and result pages: it is long).
   */
  transcript?: Transcript;
}

export interface CachedResponse {
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  /** What the original call cost (the re-run pays nothing). */
  costUsd: number | null;
  finishReason: string | null;
  /** An agent's whole conversation (issue #16), so a cached agent run is scored on the same steps. */
  transcript?: Transcript;
  /** One model step of an agent (run/agent/step-model.ts): the provider's content, finish reason and usage, as JSON. */
  step?: unknown;
}

/** Counts over a set of one variant's results (VariantAggregate's whole run, ResultGroup's cases with one tag set). */
export interface ResultCounts {
  variantId: string;
  results: number;
  passed: number;
  failed: number;
  errors: number;
  cached: number;
  scoreSum: number;
  scored: number;
  /** Answered, not cached, cost unknown. */
  unpriced: number;
}

export interface VariantAggregate extends ResultCounts {
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
}

/** A result as per-case outcomes read it (analysis/case-outcomes.ts): no costs, times or texts. */
export type OutcomeRow = Pick<ResultRow, 'caseId' | 'variantId' | 'repeat' | 'pass' | 'score' | 'errorClass' | 'checks'>;

export interface ResultQuery {
  variantId?: string;
  caseId?: string;
  /** Leave out output and messages (for statistics over large runs). */
  slim?: boolean;
  /** Leave out the transcript (an agent's can be long): for readers that need the output and checks, not the steps. */
  omitTranscript?: boolean;
}

// --- viewer result pages (issue #22) ---
/** A page of a run's results: filters, the run's variant order, offset and limit (result-pages.ts). */
export interface ResultPageQuery {
  /** The run's variant ids in suite order: results sort by case, then this order, then repeat. */
  variantOrder: string[];
  variantId?: string;
  outcome?: 'pass' | 'fail' | 'error';
  /** A case tag the result's case must carry. */
  segment?: string;
  /** The name (metric, else type) of a check the result failed. */
  failedCheck?: string;
  /** critical: a failed check is critical; normal: checks failed, none critical. */
  severity?: 'critical' | 'normal';
  /** yes: some labeller labelled the result; no: none did. */
  labelled?: 'yes' | 'no';
  /**
   * Text the result's output, error message or a check's reason contains, or its stored case's id, ignoring case
   * (JavaScript's toLowerCase on SQLite; PostgreSQL's lower()). Give it already lower-cased.
   */
  text?: string;
  offset: number;
  limit: number;
}

/** Rows without messages, each with its case's tags (empty when the case is not stored), and how many match in all. */
export interface ResultPage {
  total: number;
  rows: (ResultRow & { tags: string[] })[];
}

/** The sums of a run's results of one variant whose cases carry the same tags (run-figures.ts). */
export interface ResultGroup extends ResultCounts {
  /** The case's tags as stored (a JSON array); null for results whose case is not stored. */
  tagsJson: string | null;
  /** Sums over results with known input tokens (output tokens of those results, unknown as 0). */
  inputTokens: number;
  outputTokens: number;
  tokensKnown: number;
  /** The sum of the known costs (see unpriced). */
  costSum: number;
  /** Distinct cases. */
  cases: number;
  errorClasses: string[];
  /** Streamed answered calls with latency, tokens and ttft known: output tokens and ms after the first token. */
  decodeTokens: number;
  decodeMs: number;
}

/** The run page's figures from the store (results.figures): no row per result. */
export interface RunFigureRows {
  groups: ResultGroup[];
  /** The stored cases grouped by their tags (JSON array as stored): how many, how many with a cluster. */
  caseTags: { tagsJson: string; cases: number; clustered: number }[];
  /** Names (metric, else type) of every check some result failed. */
  failedChecks: string[];
  /** Per variant, sorted ascending: latencies and times to first token of answered calls. */
  timings: { variantId: string; latencies: Float64Array; ttfts: Float64Array }[];
}

/** One case × variant of a run: its results and passes, its case's tags and cluster (results.caseTallies). */
export interface CaseTally {
  caseId: string;
  variantId: string;
  total: number;
  passed: number;
  /** Whether the case is stored (a result can outlive its case row). */
  stored: boolean;
  tags: string[];
  cluster: string | null;
}
/** Two sides of a paired comparison: a variant of run A, a variant of run B (the same run or another). */
export interface PairedSides {
  runA: string;
  variantA: string;
  runB: string;
  variantB: string;
}

/** One case both sides have (results.pairedTallies): each side's results, passes and score sum, run A's case. */
export interface PairedTally {
  caseId: string;
  a: { total: number; passed: number; scoreSum: number; scored: number };
  b: { total: number; passed: number; scoreSum: number; scored: number };
  /** Run A's case, null when it is not stored. */
  tagsJson: string | null;
  cluster: string | null;
  contentHashA: string | null;
  /** Run B's case's content hash, null when it is not stored. */
  contentHashB: string | null;
  /** Where run A's case was written (its cases order: rowid, seq); null when it is not stored. */
  caseOrder: number | null;
}
// --- end viewer result pages ---

/** What a store's dialect can do, for callers that adapt to it (instead of checking `kind`). */
export interface StoreCapabilities {
  /** Processes on several machines can share it (a database server), not only processes of one host. */
  sharedAcrossHosts: boolean;
  /** Another thread or process can open the same store from `location` (a file path; a redacted URL cannot). */
  reopenByLocation: boolean;
}

/** One applied schema migration (`evalspec store migrate` lists them). */
export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is (a file path or a URL with its password redacted), for messages. */
  readonly location: string;
  readonly capabilities: StoreCapabilities;
  /** The migrations applied to this store, oldest first (opening a writable store applies the pending ones). */
  migrations(): Promise<AppliedMigration[]>;
  runs: {
    create(run: RunRecord): Promise<void>;
    get(id: string): Promise<RunRecord | undefined>;
    /** Newest first; `status` keeps only runs with that status (e.g. the latest completed run labelled main). */
    list(filter?: { suite?: string; label?: string; status?: RunStatus; limit?: number }): Promise<RunRecord[]>;
    setStatus(id: string, status: RunStatus, endedAt: string | null): Promise<void>;
    /** Adds warnings that arose during the run to the stored ones, each text once, in order of arrival. */
    addWarnings(id: string, warnings: string[]): Promise<void>;
  };
  cases: {
    putMany(runId: string, cases: CaseRow[]): Promise<void>;
    list(runId: string): Promise<CaseRow[]>;
    /** One stored case (the viewer's case page), or undefined. */
    get(runId: string, caseId: string): Promise<CaseRow | undefined>;
    /**
     * The cases of a run without their variables and description, streamed in stored order: what per-case
     * statistics need (ids, hashes, tags, clusters), in memory one row at a time however many cases there are.
     */
    keys(runId: string): AsyncIterable<CaseKey>;
    /**
     * Ids of the run's cases that run `other` has too, with other content (diff, issue #22: the store compares the
     * content hashes in one join; two runs' 64-character hashes in memory were ~80 MB at 500,000 cases).
     */
    contentChanged(runId: string, other: string): Promise<string[]>;
    /** Whether any case of the run has a cluster (one query: the runs list asks it of every run). */
    hasClusters(runId: string): Promise<boolean>;
  };
  results: {
    /** Insert or replace by (run, case, variant, repeat); one transaction per call. */
    putMany(rows: ResultRow[]): Promise<void>;
    /** Keys (case \0 variant \0 repeat) of results that finished without error. */
    completedKeys(runId: string): Promise<Set<string>>;
    /** Keys of every stored result of these cases, errors included (what a redelivered distributed job skips). */
    storedKeys(runId: string, caseIds: string[]): Promise<Set<string>>;
    list(runId: string, query?: ResultQuery): AsyncIterable<ResultRow>;
    /**
     * Every result of a run (filtered as in list) handed to `onRow` in stored order, a chunk of rows at a time:
     * the fast path for one-pass statistics over a million results (no promise per row). Resolves when done.
     */
    scan(runId: string, query: ResultQuery, onRow: (row: ResultRow) => void): Promise<void>;
    /**
     * scan with only what per-case outcomes need (OutcomeRow): 7 of the slim scan's 16 columns, ~40% less time
     * per row on SQLite at a million results (issue #22).
     */
    scanOutcomes(runId: string, onRow: (row: OutcomeRow) => void): Promise<void>;
    aggregate(runId: string): Promise<VariantAggregate[]>;
    /** How many results a run has stored, and how many of them are errors (no grouping: cheap at a million). */
    count(runId: string): Promise<{ results: number; errors: number }>;
    latencies(runId: string, variantId: string): Promise<number[]>;
    /** One page of a run's results for the viewer's table, filtered and ordered by SQL (result-pages.ts, issue #22). */
    page(runId: string, query: ResultPageQuery): Promise<ResultPage>;
    /** The viewer's run page figures by SQL aggregates (run-figures.ts): sums per variant × case tags, no row per result. */
    figures(runId: string): Promise<RunFigureRows>;
    /** Per case × variant tallies in the run's case order, handed to `onRow` (run-figures.ts). */
    caseTallies(runId: string, onRow: (tally: CaseTally) => void): Promise<void>;
    /**
     * The cases both sides have, in no particular order (each carries its place in run A's case order), handed to
     * `onRow`; and how many cases each side has (compare-tallies.ts).
     */
    pairedTallies(sides: PairedSides, onRow: (tally: PairedTally) => void): Promise<{ casesA: number; casesB: number }>;
  };
  /**
   * The fold of a run's results kept with the run (issue #22; analysis/stored-fold.ts): named sections of byte
   * parts, each kept under a key the reader must match exactly, so a fold of other rows is never read.
   */
  folds: {
    /** Where the run's results and cases stand (counts and last write positions): any write to them changes it. */
    stamp(runId: string): Promise<string>;
    /** The parts of the section kept under exactly `key`; undefined when none is (or it was kept under another key). */
    get(runId: string, section: string, key: string): Promise<Uint8Array[] | undefined>;
    /** Keep the section's parts under `key`, replacing what the section held (one transaction). */
    put(runId: string, section: string, key: string, parts: readonly Uint8Array[]): Promise<void>;
  };
  labels: {
    /** Insert or replace by (run, case, variant, repeat, labeller); an undefined `preference` keeps the stored one. */
    putMany(rows: LabelRow[]): Promise<void>;
    list(runId: string, query?: LabelQuery): Promise<LabelRow[]>;
    delete(key: { runId: string; caseId: string; variantId: string; repeat: number; labeller: string }): Promise<void>;
  };
  calibrations: {
    /** Insert or replace by id. */
    putMany(rows: CalibrationRecord[]): Promise<void>;
    /** Newest first. */
    list(query?: CalibrationQuery): Promise<CalibrationRecord[]>;
  };
  leases: {
    /**
     * Take the run's lease atomically when nobody holds it, its holder's lease expired, or its holder's token is
     * `takeOver` (a holder known to be dead). Returns the current holder when refused.
     */
    acquire(lease: RunLease, now: number, takeOver?: string): Promise<{ acquired: true } | { acquired: false; holder: RunLease }>;
    /** Extend the lease; false when this token no longer holds it. */
    renew(runId: string, token: string, expiresAt: number, now: number): Promise<boolean>;
    release(runId: string, token: string): Promise<void>;
    get(runId: string): Promise<RunLease | undefined>;
  };
  tokens: {
    /** Store a new token; a STORE error when `name` already holds an active token (revoke it first). */
    create(token: { name: string; hash: string; createdAt: string }): Promise<void>;
    /** Every token, active and revoked, oldest first. Empty on a store written before tokens existed. */
    list(): Promise<AccessTokenRecord[]>;
    /** The token with this hash (active or revoked), if any. */
    findByHash(hash: string): Promise<AccessTokenRecord | undefined>;
    /** Revoke the active token named `name`; false when there is none. */
    revoke(name: string, at: string): Promise<boolean>;
    /** Record a use of the token with this hash. */
    touch(hash: string, at: string): Promise<void>;
  };
  rateLimits: {
    /** Store (replace) one process's figures for the run; `source` names the process (its RateLimits). */
    put(runId: string, source: string, figures: RateLimitFigures[]): Promise<void>;
    /** The run's figures per provider:model, summed over the processes that stored some; [] when none did. */
    list(runId: string): Promise<RateLimitFigures[]>;
  };
  /** Production monitoring (issue #15): live traffic's records, the score queue, scores and alerts (production-types.ts). */
  production: ProductionStore;
  cache: {
    get(key: string): Promise<CachedResponse | undefined>;
    putMany(entries: { key: string; response: CachedResponse }[]): Promise<void>;
    /** Up to `limit` entries with a key after `after` (null: from the first), in key order: `store copy` pages with it. */
    page(after: string | null, limit: number): Promise<{ key: string; response: CachedResponse }[]>;
  };
  close(): Promise<void>;
}
