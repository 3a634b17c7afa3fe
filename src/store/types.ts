// The Store interface: entity-grouped, async so a PostgreSQL backend can implement it as well as SQLite.
// Unknown values are null, never 0.

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
}

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
}

export interface CachedResponse {
  text: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number | null;
  /** What the original call cost (the re-run pays nothing). */
  costUsd: number | null;
  finishReason: string | null;
}

export interface VariantAggregate {
  variantId: string;
  results: number;
  passed: number;
  failed: number;
  errors: number;
  cached: number;
  scoreSum: number;
  scored: number;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  /** Results whose cost is unknown (unpriced), among non-cached successful calls. */
  unpriced: number;
}

export interface ResultQuery {
  variantId?: string;
  caseId?: string;
  /** Leave out output and messages (for statistics over large runs). */
  slim?: boolean;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Where it is (a file path or a redacted URL), for messages. */
  readonly location: string;
  runs: {
    create(run: RunRecord): Promise<void>;
    get(id: string): Promise<RunRecord | undefined>;
    list(filter?: { suite?: string; label?: string; limit?: number }): Promise<RunRecord[]>;
    setStatus(id: string, status: RunStatus, endedAt: string | null): Promise<void>;
  };
  cases: {
    putMany(runId: string, cases: CaseRow[]): Promise<void>;
    list(runId: string): Promise<CaseRow[]>;
  };
  results: {
    /** Insert or replace by (run, case, variant, repeat); one transaction per call. */
    putMany(rows: ResultRow[]): Promise<void>;
    /** Keys (case \0 variant \0 repeat) of results that finished without error. */
    completedKeys(runId: string): Promise<Set<string>>;
    list(runId: string, query?: ResultQuery): AsyncIterable<ResultRow>;
    aggregate(runId: string): Promise<VariantAggregate[]>;
    latencies(runId: string, variantId: string): Promise<number[]>;
  };
  cache: {
    get(key: string): Promise<CachedResponse | undefined>;
    putMany(entries: { key: string; response: CachedResponse }[]): Promise<void>;
  };
  close(): Promise<void>;
}
