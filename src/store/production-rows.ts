// The production tables (issue #15; SQLite migration 10, PostgreSQL migration 5) and their rows, for both dialects:
// the schema, the column lists and value arrays the writers bind, the mapping of stored rows back to the
// ProductionStore types, and the SQL of the filtered record listing. The SQL types are plain enough for both
// (SQLite gives DOUBLE PRECISION real affinity and BIGINT integer affinity), so one schema serves both, as
// access-tokens.ts. JSON is stored as text and booleans as 0/1, as in the rest of the store (rows.ts).
import type { Row } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type {
  MonitorAlert,
  ProductionObservation,
  ProductionQueueEntry,
  ProductionRecord,
  ProductionRecordQuery,
  ProductionScore,
  ProductionScoreStatus,
} from './production-types.js';

/**
 * production_tags holds one row per (record, tag), so a `tags` filter is an index lookup (suite, tag, started_at)
 * rather than a scan of tags_json. The queue and the scores carry the record's suite and started_at: claims take
 * the oldest record first and observations stream in started_at order straight off an index, without a join to
 * sort. output_chars is the output's JavaScript length (UTF-16 code units), computed at insert: the same figure
 * on both dialects (SQL length() counts differently and stops at a NUL in SQLite).
 * Record ids are hashes, so every index on them is written at random places: one page per record and index once
 * the store is large (W5-store). Hence no index on trace_id nor on production_tags.record_id (nothing reads by
 * them yet: add one in a new migration with its first reader), and production_tags is WITHOUT ROWID in SQLite
 * (its primary key is the table: one B-tree instead of two).
 */
export const productionSql = (dialect: 'sqlite' | 'postgres'): string => `
CREATE TABLE production_records (
  id TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  trace_id TEXT NOT NULL,
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  conversation_id TEXT,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  ingested_at TEXT NOT NULL,
  source TEXT NOT NULL,
  provider TEXT,
  model TEXT,
  response_model TEXT,
  input_json TEXT,
  output TEXT,
  output_chars INTEGER,
  tool_calls_json TEXT NOT NULL,
  input_tokens INTEGER,
  output_tokens INTEGER,
  cost_usd DOUBLE PRECISION,
  latency_ms DOUBLE PRECISION,
  ttft_ms DOUBLE PRECISION,
  finish_reason TEXT,
  attributes_json TEXT NOT NULL,
  tags_json TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  flagged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX production_records_suite_time ON production_records (suite, started_at, id);
CREATE INDEX production_records_flagged ON production_records (suite, started_at) WHERE flagged = 1;
CREATE TABLE production_tags (
  record_id TEXT NOT NULL REFERENCES production_records (id) ON DELETE CASCADE,
  suite TEXT NOT NULL,
  tag TEXT NOT NULL,
  started_at TEXT NOT NULL,
  PRIMARY KEY (suite, tag, started_at, record_id)
)${dialect === 'sqlite' ? ' WITHOUT ROWID' : ''};
CREATE TABLE production_queue (
  record_id TEXT NOT NULL REFERENCES production_records (id) ON DELETE CASCADE,
  monitor TEXT NOT NULL,
  suite TEXT NOT NULL,
  started_at TEXT NOT NULL,
  holder TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (record_id, monitor)
);
CREATE INDEX production_queue_claim ON production_queue (suite, started_at, record_id);
CREATE TABLE production_scores (
  record_id TEXT NOT NULL REFERENCES production_records (id) ON DELETE CASCADE,
  monitor TEXT NOT NULL,
  suite TEXT NOT NULL,
  started_at TEXT NOT NULL,
  scored_at TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  passed INTEGER,
  critical_failed INTEGER,
  checks_json TEXT NOT NULL,
  judge_cost_usd DOUBLE PRECISION,
  metrics_json TEXT NOT NULL,
  PRIMARY KEY (record_id, monitor)
);
CREATE INDEX production_scores_stream ON production_scores (suite, monitor, started_at, record_id);
CREATE INDEX production_scores_spend ON production_scores (suite, monitor, scored_at);
CREATE TABLE monitor_alerts (
  id TEXT PRIMARY KEY,
  suite TEXT NOT NULL,
  monitor TEXT NOT NULL,
  metric TEXT NOT NULL,
  state TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  closed_at TEXT,
  evidence_json TEXT NOT NULL
);
CREATE INDEX monitor_alerts_suite ON monitor_alerts (suite, opened_at);
`;

/** production_records columns in the order recordValues gives them. */
export const RECORD_COLUMNS = [
  'id',
  'suite',
  'trace_id',
  'span_id',
  'parent_span_id',
  'conversation_id',
  'started_at',
  'ended_at',
  'ingested_at',
  'source',
  'provider',
  'model',
  'response_model',
  'input_json',
  'output',
  'output_chars',
  'tool_calls_json',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'latency_ms',
  'ttft_ms',
  'finish_reason',
  'attributes_json',
  'tags_json',
  'content_hash',
  'flagged',
  'language',
];

export function recordValues(r: ProductionRecord): unknown[] {
  return [
    r.id,
    r.suite,
    r.traceId,
    r.spanId,
    r.parentSpanId,
    r.conversationId,
    r.startedAt,
    r.endedAt,
    r.ingestedAt,
    r.source,
    r.provider,
    r.model,
    r.responseModel,
    r.input === null ? null : JSON.stringify(r.input),
    r.output,
    r.output === null ? null : r.output.length,
    JSON.stringify(r.toolCalls),
    r.inputTokens,
    r.outputTokens,
    r.costUsd,
    r.latencyMs,
    r.ttftMs,
    r.finishReason,
    JSON.stringify(r.attributes),
    JSON.stringify(r.tags),
    r.contentHash,
    r.flagged ? 1 : 0,
    // A caller written before the field (a script building records by hand) stores unknown, not undefined.
    r.language ?? null,
  ];
}

/**
 * The queue rows of a batch: only entries whose record was inserted now (an entry of a record already stored was
 * queued when it was first stored), each as [record_id, monitor, suite, started_at]. An entry naming a record that
 * is not in the batch is a caller's mistake, refused before anything is written.
 */
export function queueValues(records: ProductionRecord[], queue: ProductionQueueEntry[], inserted: Set<string>): unknown[][] {
  const byId = new Map(records.map((r) => [r.id, r]));
  const rows: unknown[][] = [];
  for (const e of queue) {
    const record = byId.get(e.recordId);
    if (!record) throw new Error(`putRecords: the queue entry for monitor "${e.monitor}" names record ${e.recordId}, which is not in the batch`);
    if (inserted.has(e.recordId)) rows.push([e.recordId, e.monitor, record.suite, record.startedAt]);
  }
  return rows;
}

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === 1 || v === true || v === '1');
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : (v as string));

export function recordFromRow(r: Row): ProductionRecord {
  return {
    id: r.id as string,
    suite: r.suite as string,
    traceId: r.trace_id as string,
    spanId: r.span_id as string,
    parentSpanId: str(r.parent_span_id),
    conversationId: str(r.conversation_id),
    startedAt: r.started_at as string,
    endedAt: str(r.ended_at),
    ingestedAt: r.ingested_at as string,
    source: r.source as ProductionRecord['source'],
    provider: str(r.provider),
    model: str(r.model),
    responseModel: str(r.response_model),
    input: r.input_json === null || r.input_json === undefined ? null : JSON.parse(r.input_json as string),
    language: str(r.language),
    output: str(r.output),
    toolCalls: JSON.parse(r.tool_calls_json as string),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    costUsd: num(r.cost_usd),
    latencyMs: num(r.latency_ms),
    ttftMs: num(r.ttft_ms),
    finishReason: str(r.finish_reason),
    attributes: JSON.parse(r.attributes_json as string),
    tags: JSON.parse(r.tags_json as string),
    contentHash: r.content_hash as string,
    flagged: Number(r.flagged) === 1,
  };
}

/** production_scores columns written from a score (the record's suite and started_at are copied from the record). */
export const SCORE_COLUMNS = [
  'record_id',
  'monitor',
  'scored_at',
  'status',
  'reason',
  'passed',
  'critical_failed',
  'checks_json',
  'judge_cost_usd',
  'metrics_json',
];

const flag = (v: boolean | null): number | null => (v === null ? null : v ? 1 : 0);

export function scoreValues(s: ProductionScore): unknown[] {
  return [
    s.recordId,
    s.monitor,
    s.scoredAt,
    s.status,
    s.reason,
    flag(s.passed),
    flag(s.criticalFailed),
    JSON.stringify(s.checks),
    s.judgeCostUsd,
    JSON.stringify(s.metrics),
  ];
}

export function scoreFromRow(r: Row): ProductionScore {
  return {
    recordId: r.record_id as string,
    monitor: r.monitor as string,
    scoredAt: r.scored_at as string,
    status: r.status as ProductionScoreStatus,
    reason: str(r.reason),
    passed: bool(r.passed),
    criticalFailed: bool(r.critical_failed),
    checks: JSON.parse(r.checks_json as string),
    judgeCostUsd: num(r.judge_cost_usd),
    metrics: JSON.parse(r.metrics_json as string),
  };
}

/** The observation listing's columns, in the order observationFromRaw reads them (raw array rows). */
export const OBSERVATION_COLUMNS = [
  's.record_id',
  's.monitor',
  's.started_at',
  'r.model',
  'r.tags_json',
  's.status',
  's.passed',
  's.critical_failed',
  'r.cost_usd',
  'r.latency_ms',
  'r.input_tokens',
  'r.output_tokens',
  'r.output_chars',
  's.metrics_json',
  'r.language',
];

export function observationFromRaw(v: unknown[], tagLists: Map<string, string[]>): ProductionObservation {
  // Equal tag lists are parsed once (traffic carries a handful of segment combinations).
  const json = v[4] as string;
  let tags = tagLists.get(json);
  if (!tags) {
    if (tagLists.size > 1000) tagLists.clear();
    tagLists.set(json, (tags = JSON.parse(json) as string[]));
  }
  return {
    recordId: v[0] as string,
    monitor: v[1] as string,
    startedAt: v[2] as string,
    model: str(v[3]),
    tags,
    status: v[5] as ProductionScoreStatus,
    passed: bool(v[6]),
    criticalFailed: bool(v[7]),
    costUsd: num(v[8]),
    latencyMs: num(v[9]),
    inputTokens: num(v[10]),
    outputTokens: num(v[11]),
    outputChars: num(v[12]),
    metrics: JSON.parse(v[13] as string),
    language: str(v[14]),
  };
}

export const ALERT_COLUMNS = ['id', 'suite', 'monitor', 'metric', 'state', 'opened_at', 'closed_at', 'evidence_json'];

export const alertValues = (a: MonitorAlert): unknown[] => [a.id, a.suite, a.monitor, a.metric, a.state, a.openedAt, a.closedAt, JSON.stringify(a.evidence)];

export function alertFromRow(r: Row): MonitorAlert {
  return {
    id: r.id as string,
    suite: r.suite as string,
    monitor: r.monitor as string,
    metric: r.metric as string,
    state: r.state as MonitorAlert['state'],
    openedAt: r.opened_at as string,
    closedAt: str(r.closed_at),
    evidence: JSON.parse(r.evidence_json as string),
  };
}

/** records(): oldest first when `since` is given, else newest first (documented on ProductionStore). */
export const recordsAscending = (query: ProductionRecordQuery): boolean => query.since !== undefined;

/**
 * A record listing's FROM and WHERE clauses (`r` = production_records) and their values, parameters numbered from 1,
 * and the columns that order it. With tags, the listing is driven by the first tag's rows of production_tags
 * (primary key suite, tag, started_at, record_id: the tag's records in time order, no scan of the suite's records
 * nor of tags_json; CROSS JOIN keeps SQLite's planner from turning it around) and ordered by that key; each further
 * tag is a lookup in the same key, bounded by the same time range. `failed` looks for a score that did not pass
 * (of `monitor` when given): true keeps records with one, false records without one.
 */
export function recordSelect(dialect: SqlDialect, query: ProductionRecordQuery): { from: string; where: string; values: unknown[]; order: [string, string] } {
  const values: unknown[] = [];
  const p = (value: unknown) => (values.push(value), dialect.param(values.length));
  const [first, ...others] = query.tags ?? [];
  const where: string[] = [];
  // Parameters numbered in the order they appear (SQLite's are positional).
  const range = (alias: string) =>
    (query.since !== undefined ? ` AND ${alias}.started_at >= ${p(query.since)}` : '') +
    (query.until !== undefined ? ` AND ${alias}.started_at < ${p(query.until)}` : '');
  if (first !== undefined) where.push(`t0.suite = ${p(query.suite)} AND t0.tag = ${p(first)}${range('t0')} AND r.id = t0.record_id`);
  else where.push(`r.suite = ${p(query.suite)}${range('r')}`);
  if (query.flagged !== undefined) where.push(`r.flagged = ${query.flagged ? 1 : 0}`);
  for (const tag of others) {
    where.push(`r.id IN (SELECT t.record_id FROM production_tags t WHERE t.suite = ${p(query.suite)} AND t.tag = ${p(tag)}${range('t')})`);
  }
  // A record's scores by its own suite, started_at and id: the key of SQLite's clustered table (production-lean-writes.ts).
  const ofRecord = (alias: string) => `${alias}.suite = r.suite AND ${alias}.started_at = r.started_at AND ${alias}.record_id = r.id`;
  if (query.monitor !== undefined) where.push(`EXISTS (SELECT 1 FROM production_scores s WHERE ${ofRecord('s')} AND s.monitor = ${p(query.monitor)})`);
  if (query.failed !== undefined) {
    const ofMonitor = query.monitor !== undefined ? ` AND f.monitor = ${p(query.monitor)}` : '';
    where.push(`${query.failed ? '' : 'NOT '}EXISTS (SELECT 1 FROM production_scores f WHERE ${ofRecord('f')} AND f.passed = 0${ofMonitor})`);
  }
  return first !== undefined
    ? { from: 'production_tags t0 CROSS JOIN production_records r', where: where.join(' AND '), values, order: ['t0.started_at', 't0.record_id'] }
    : { from: 'production_records r', where: where.join(' AND '), values, order: ['r.started_at', 'r.id'] };
}
