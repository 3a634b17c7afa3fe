// Production monitoring (issue #15): what the store keeps of live traffic. Ingest writes records and, in the same
// transaction, one queue entry per monitor that sampled the record; the online scorer claims queue entries, scores
// them and completes them (score stored and entry removed in one transaction: each record is scored exactly once per
// monitor, also after a crash). Unknown values are null, never 0.

/** One chat message as ingested (OTel GenAI messages, the AI SDK's prompt messages, or JSONL), content as text. */
export interface ProductionMessage {
  role: string;
  content: string;
}

/** One tool call the model made in this record's span (or its child tool spans). */
export interface ProductionToolCall {
  name: string;
  /** The arguments as JSON text, as the model sent them (null when the span did not carry them). */
  arguments: string | null;
  result: string | null;
}

export type ProductionSource = 'otlp' | 'jsonl' | 'middleware';

/** One model call seen in production (an OTel GenAI span, a JSONL line, or a call recorded by the middleware). */
export interface ProductionRecord {
  /** Stable: derived from (suite, traceId, spanId), so ingesting the same span twice stores it once. */
  id: string;
  /** The suite (its `name`) whose monitors watch this traffic. */
  suite: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  conversationId: string | null;
  /** ISO 8601, when the call started (the span's start time). */
  startedAt: string;
  endedAt: string | null;
  /** When the store received it (ISO 8601). */
  ingestedAt: string;
  source: ProductionSource;
  /** gen_ai.provider.name (or the older gen_ai.system), e.g. "openai". */
  provider: string | null;
  /** gen_ai.request.model. */
  model: string | null;
  /** gen_ai.response.model. */
  responseModel: string | null;
  /** The prompt messages (system and user turns), redacted; null when the span carried no input. */
  input: ProductionMessage[] | null;
  /**
   * ISO 639-1 code of the input's language (the last user message, after redaction; ingest/language.ts), e.g. "fr";
   * null when unknown: too short, ambiguous, no user message, or a record stored before the language was detected.
   */
  language: string | null;
  /** The model's final text, redacted; null when the span carried no output. */
  output: string | null;
  toolCalls: ProductionToolCall[];
  inputTokens: number | null;
  outputTokens: number | null;
  /** List-price cost in USD from @pydantic/genai-prices; null when the model or its tokens are unknown. */
  costUsd: number | null;
  latencyMs: number | null;
  /** Time to first token, when the span carried it (AI SDK streaming: ai.response.msToFirstChunk). */
  ttftMs: number | null;
  /** gen_ai.response.finish_reasons[0] when present. */
  finishReason: string | null;
  /** User-provided attributes kept after `redact:` rules (strings, numbers, booleans). */
  attributes: Record<string, string | number | boolean>;
  /** Segment tags from the suite's attribute mapping (the same tags cases carry). */
  tags: string[];
  /** SHA-256 of the redacted input and output: `promote` de-duplicates cases by it. */
  contentHash: string;
  /** Flagged by a person in the viewer (a candidate for `promote --flagged`). */
  flagged: boolean;
}

/** A record waiting to be scored by one monitor. */
export interface ProductionQueueEntry {
  recordId: string;
  monitor: string;
}

export type ProductionScoreStatus = 'scored' | 'unscored' | 'error';

/** One check's verdict on a production record (the suite's own check, by its name). */
export interface ProductionCheckOutcome {
  name: string;
  type: string;
  passed: boolean | null;
  score: number | null;
  /** The check's severity as the suite declares it (`normal` unless marked `critical`). */
  severity: 'normal' | 'critical';
  reason: string | null;
}

/** What one monitor's scorer concluded about one record. */
export interface ProductionScore {
  recordId: string;
  monitor: string;
  scoredAt: string;
  /** `unscored`: the checks could not apply (no output, judge spend cap reached…) with `reason`; `error`: a check failed to run. */
  status: ProductionScoreStatus;
  reason: string | null;
  /** Every applied check passed; null unless `scored`. */
  passed: boolean | null;
  /** A check of severity critical failed; null unless `scored`. */
  criticalFailed: boolean | null;
  checks: ProductionCheckOutcome[];
  /** What the judges of this score cost (counts against the monitor's `max_cost_per_day`); null when no judge ran. */
  judgeCostUsd: number | null;
  /** Per-record figures a monitor may watch beside pass rate (e.g. `refusal`: 0/1), null when unknown. */
  metrics: Record<string, number | null>;
}

/**
 * One scored record as the monitor's statistics read it: the score joined with the record's time, model, segment
 * tags and the per-call figures (cost, latency, tokens, output length). Streamed in `startedAt` order.
 */
export interface ProductionObservation {
  recordId: string;
  monitor: string;
  startedAt: string;
  model: string | null;
  tags: string[];
  status: ProductionScoreStatus;
  passed: boolean | null;
  criticalFailed: boolean | null;
  costUsd: number | null;
  latencyMs: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** The record's input language (ISO 639-1), null when unknown. */
  language: string | null;
  /** Characters of the output text; null when there was no output. */
  outputChars: number | null;
  metrics: Record<string, number | null>;
}

export interface ProductionRecordQuery {
  suite: string;
  /** ISO 8601 bounds on startedAt: since inclusive, until exclusive. */
  since?: string;
  until?: string;
  /** Only records this monitor scored (with `failed`: whose score did not pass). */
  monitor?: string;
  failed?: boolean;
  flagged?: boolean;
  /** Records carrying every one of these tags. */
  tags?: string[];
  limit?: number;
}

export interface ProductionObservationQuery {
  suite: string;
  monitor: string;
  since?: string;
  until?: string;
}

export type AlertState = 'open' | 'closed';

/** An alert a monitor raised: what was detected, on which metric, with the evidence as data (report/ words it). */
export interface MonitorAlert {
  id: string;
  suite: string;
  monitor: string;
  metric: string;
  state: AlertState;
  openedAt: string;
  closedAt: string | null;
  /** The figures behind it (estimate, interval, baseline, samples, the rule and its false-alarm bound), as JSON. */
  evidence: Record<string, unknown>;
}

/** A person's verdict on one production record (viewer: record page, review queue); `calibrate --monitor` reads them. */
export interface ProductionLabel {
  recordId: string;
  /** The record's suite (copied from the record when the label is written). */
  suite: string;
  /** Who labelled it (the viewer's labeller name, as on run labels). */
  labeller: string;
  verdict: 'pass' | 'fail';
  /** Error tags from the suite's `error_tags`, possibly none. */
  errorTags: string[];
  note: string | null;
  createdAt: string;
}

export interface ProductionLabelQuery {
  suite: string;
  /** Only labels of records this monitor scored. */
  monitor?: string;
  recordId?: string;
  labeller?: string;
}

/** One record of a monitor's review queue (scored by it, not labelled yet). */
export interface ProductionReviewItem {
  recordId: string;
  startedAt: string;
  status: ProductionScoreStatus;
  passed: boolean | null;
  /** A judge ran on it (its score has a judge cost). */
  judged: boolean;
}

/** The production half of the store (`store.production`). */
export interface ProductionStore {
  /**
   * Insert records and their queue entries in one transaction (committed when the promise resolves: the collector
   * acknowledges a batch only then). A record whose id is already stored is skipped with its queue entries.
   */
  putRecords(records: ProductionRecord[], queue: ProductionQueueEntry[]): Promise<{ inserted: number; duplicates: number }>;
  get(recordId: string): Promise<ProductionRecord | undefined>;
  /** The stored records among these ids, in no particular order (one query, not one per id: the scorer reads a batch). */
  getMany(recordIds: string[]): Promise<ProductionRecord[]>;
  /** The suites that have production records, by name (`store copy` walks them; a viewer lists them). */
  suites(): Promise<string[]>;
  /** Newest first unless `since` is given (then oldest first), streamed. */
  records(query: ProductionRecordQuery): AsyncIterable<ProductionRecord>;
  /**
   * Claim up to `limit` queue entries (of `suite`, optionally one monitor) that nobody holds or whose claim expired
   * (`now` past the claim's `leaseUntil`), oldest record first, for `holder` until `leaseUntil` (epoch ms).
   */
  claim(options: { suite: string; monitor?: string; limit: number; holder: string; now: number; leaseUntil: number }): Promise<ProductionQueueEntry[]>;
  /** Store the scores and remove their queue entries in one transaction; a score already stored is kept (exactly once). */
  complete(scores: ProductionScore[]): Promise<void>;
  /** Queue entries not yet completed (claimed or not). */
  queueDepth(suite: string, monitor?: string): Promise<number>;
  scores(recordId: string): Promise<ProductionScore[]>;
  /** Scored records of one monitor, oldest first, one at a time (memory flat however long the stream). */
  observations(query: ProductionObservationQuery): AsyncIterable<ProductionObservation>;
  /**
   * How many observations `observations(query)` would yield (every status) and the earliest startedAt (null when
   * none): an index-only count, so a monitor knows its traffic rate before it reads the stream.
   */
  observationCount(query: ProductionObservationQuery): Promise<{ count: number; first: string | null }>;
  /** What the judges of this monitor cost on scores stored at or after `since` (ISO): the daily spend cap's figure. */
  judgeSpend(suite: string, monitor: string, since: string): Promise<number>;
  setFlagged(recordId: string, flagged: boolean): Promise<void>;
  labels: {
    /** Insert or replace by (record, labeller); the suite is the record's. A record the store does not hold is refused. */
    put(label: Omit<ProductionLabel, 'suite'>): Promise<void>;
    delete(recordId: string, labeller: string): Promise<void>;
    /** Ordered by record, then labeller. */
    list(query: ProductionLabelQuery): Promise<ProductionLabel[]>;
    /**
     * The records `monitor` scored that nobody (with `labeller`: that labeller) has labelled yet, failed ones first,
     * then those a judge scored, then newest first; at most `limit` (default 200).
     */
    reviewQueue(query: { suite: string; monitor: string; labeller?: string; limit?: number }): Promise<ProductionReviewItem[]>;
  };
  alerts: {
    /** Insert or replace by id. */
    put(alert: MonitorAlert): Promise<void>;
    /** Newest first. */
    list(query: { suite: string; monitor?: string; state?: AlertState; limit?: number }): Promise<MonitorAlert[]>;
  };
}
