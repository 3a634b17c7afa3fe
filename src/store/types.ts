// The Store interface: entity-grouped, async so a PostgreSQL backend can implement it as well as SQLite.
// Unknown values are null, never 0.
import type { ResultPageQuery, ResultPage, RunFigureRows, CaseTally, PairedSides, PairedTally } from './result-page-types.js';

// The viewer's result pages (issue #22): in a file of their own, part of this interface.
export type { ResultPageQuery, ResultPage, ResultGroup, RunFigureRows, CaseTally, PairedSides, PairedTally } from './result-page-types.js';
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

/** A human label on one result (review in the viewer, judge calibration). */
export interface LabelRow {
  runId: string;
  caseId: string;
  variantId: string;
  repeat: number;
  /** 'pass' or 'fail'; null when the labeller gave none (only scores, a preference, a tag or a comment). */
  label: string | null;
  /** Per-dimension scores (judge calibration), or null. */
  scores: Record<string, number> | null;
  /**
   * Pairwise: 'win' / 'loss' / 'tie' for this result's variant against the other output. Stored apart from
   * `label`, so one labeller's pass/fail, scores and preference on a result never replace each other.
   * Writing a row with `preference` undefined keeps the stored one (the viewer does not edit it).
   */
  preference?: string | null;
  /** An error tag from the suite's taxonomy. */
  tag: string | null;
  comment: string | null;
  labeller: string;
  createdAt: string;
}

export interface LabelQuery {
  caseId?: string;
  variantId?: string;
  labeller?: string;
}

/** How far a judge agrees with human labels on one metric of one run (`evalspec calibrate`). */
export interface CalibrationRecord {
  /** run \u0000 judge \u0000 metric: calibrating the same run again replaces the row. */
  id: string;
  runId: string;
  suiteName: string;
  /** The judge's name, or "ensemble(a, b)" for an ensemble's combined verdict. */
  judge: string;
  /** The check's metric (a rubric dimension's name). */
  metric: string;
  checkType: string;
  /** Results compared with a human label. */
  labels: number;
  agreement: number | null;
  kappa: number | null;
  /** 'none' | 'linear' | 'quadratic'. */
  kappaWeights: string | null;
  /** The whole calibration (confusion matrix, false-pass / false-fail rates, threshold, …). */
  figures: Record<string, unknown>;
  createdAt: string;
}

export interface CalibrationQuery {
  runId?: string;
  judge?: string;
  metric?: string;
  suiteName?: string;
  limit?: number;
}

/**
 * A named access token of the shared viewer (`evalspec tokens create --name alice`). Only the token's SHA-256 is
 * stored: the token itself is 256 random bits, shown once at creation and never kept.
 */
export interface AccessTokenRecord {
  /** Who holds it; labels written with it record this name as the labeller. */
  name: string;
  /** SHA-256 of the token, lowercase hex. */
  hash: string;
  createdAt: string;
  /** When the viewer last accepted it (updated at most once a minute); null when never used. */
  lastUsedAt: string | null;
  /** When it was revoked; null while active. A revoked token stays listed (audit) and is refused with 403. */
  revokedAt: string | null;
}

/**
 * A provider:model's rate-limit figures in one process (run/rate-limit/ controller), stored with the run per process
 * (`store.rateLimits`) and summed over the processes (a resume, a distributed run's workers) for the report's
 * `rateLimits`: the limits declared in the suite and learned from the provider's headers (per minute; null when
 * unknown), the attempts the provider rejected (429) and the time calls spent waiting for the limit.
 */
export interface RateLimitFigures {
  /** provider:model as the suite names it. */
  model: string;
  declared: { rpm: number | null; tpm: number | null };
  /** Per minute, from the provider's headers; null when it sent none. */
  learned: { rpm: number | null; tpm: number | null; inputTpm: number | null; outputTpm: number | null };
  attempts: number;
  rejected: number;
  /** Summed over calls: time spent waiting for the limit (paced, or after a 429). */
  waitedS: number;
  /** The window of attempts in flight AIMD settled on (summed over processes); null when it never had to limit it. */
  concurrencyWindow: number | null;
}

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
