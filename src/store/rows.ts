// Stored rows as the Store interface returns them, for every dialect: runs, cases, results (raw-array mode),
// labels, calibrations, leases, variant aggregates (with the SQL that makes them), and the hash messages are
// stored under. Both dialects store the same logical columns (JSON as text, booleans as 0/1), so one mapping
// serves both; what differs is only how a driver returns numbers (PostgreSQL's COUNT and BIGINT arrive as
// strings), which is why every count goes through Number() here and never a truthiness test.
import { createHash } from 'node:crypto';
import type { Transcript } from '../score/index.js';
import type { SqlDialect } from './sql-dialect.js';
import type { CalibrationRecord, CaseRow, LabelRow, OutcomeRow, RunLease, RunRecord, RunStatus, ResultRow, VariantAggregate } from './types.js';

export type Row = Record<string, unknown>;

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : v === 1 || v === true);
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function runFromRow(r: Row): RunRecord {
  return {
    id: r.id as string,
    suiteName: r.suite_name as string,
    suiteHash: r.suite_hash as string,
    suiteFile: r.suite_file as string,
    label: (r.label as string) ?? null,
    status: r.status as RunStatus,
    formatVersion: Number(r.format_version),
    config: JSON.parse(r.config_json as string),
    variants: JSON.parse(r.variants_json as string),
    repeat: Number(r.repeat_count),
    gitCommit: (r.git_commit as string) ?? null,
    gitBranch: (r.git_branch as string) ?? null,
    totalCalls: Number(r.total_calls),
    startedAt: r.started_at as string,
    endedAt: (r.ended_at as string) ?? null,
    warnings: JSON.parse(r.warnings_json as string),
    selection: r.selection_json ? JSON.parse(r.selection_json as string) : null,
  };
}

// Result columns in the order resultFromRaw reads them. Listing results in raw (array) mode halves SQLite's
// cost per row compared with one object per row; every report reads each result several times.
export const RESULT_COLUMNS = [
  'r.run_id',
  'r.case_id',
  'r.variant_id',
  'r.repeat_index',
  'r.output',
  'r.pass',
  'r.score',
  'r.cached',
  'r.latency_ms',
  'r.input_tokens',
  'r.output_tokens',
  'r.cost_usd',
  'r.error_class',
  'r.error_message',
  'r.attempts',
  'r.checks_json',
  'm.messages_json',
  'r.finished_at',
  'r.transcript_json',
  'r.ttft_ms',
];
/**
 * The columns without the long texts (output, messages, transcript): for figures that read only the numbers.
 * The run id is not read either (the caller knows it): a string per row is a fifth of a million-row scan.
 */
const SLIM_DROPPED = new Set(['r.run_id', 'r.output', 'm.messages_json', 'r.transcript_json']);
export const SLIM_COLUMNS = RESULT_COLUMNS.map((c) => (SLIM_DROPPED.has(c) ? `NULL AS ${c.slice(2)}` : c));

/** The columns of an OutcomeRow, in outcomeFromRaw's order. */
export const OUTCOME_COLUMNS = ['r.case_id', 'r.variant_id', 'r.repeat_index', 'r.pass', 'r.score', 'r.error_class', 'r.checks_json'];

/** An OutcomeRow from a raw row of OUTCOME_COLUMNS (read as resultFromRaw reads the same columns). */
export function outcomeFromRaw(a: unknown[]): OutcomeRow {
  return {
    caseId: a[0] as string,
    variantId: a[1] as string,
    repeat: Number(a[2]),
    pass: bool(a[3]),
    score: num(a[4]),
    errorClass: (a[5] as string) ?? null,
    checks: JSON.parse((a[6] as string) ?? '[]'),
  };
}

/** The full columns without the transcript (ResultQuery.omitTranscript): its JSON is neither read nor parsed. */
export const NO_TRANSCRIPT_COLUMNS = RESULT_COLUMNS.map((c) => (c === 'r.transcript_json' ? 'NULL AS transcript_json' : c));

/** resultFromRow for a raw row of RESULT_COLUMNS (or SLIM_COLUMNS, given the run id they leave out). */
export function resultFromRaw(a: unknown[], runId?: string): ResultRow {
  return {
    runId: (a[0] as string | null) ?? (runId as string),
    caseId: a[1] as string,
    variantId: a[2] as string,
    repeat: Number(a[3]),
    output: (a[4] as string) ?? null,
    pass: bool(a[5]),
    score: num(a[6]),
    cached: a[7] === 1 || a[7] === true,
    latencyMs: num(a[8]),
    inputTokens: num(a[9]),
    outputTokens: num(a[10]),
    costUsd: num(a[11]),
    errorClass: (a[12] as string) ?? null,
    errorMessage: (a[13] as string) ?? null,
    attempts: Number(a[14]),
    checks: JSON.parse((a[15] as string) ?? '[]'),
    messages: a[16] ? JSON.parse(a[16] as string) : null,
    finishedAt: a[17] as string,
    // undefined (not null) when absent: a plain single-call result has no transcript.
    transcript: a[18] ? (JSON.parse(a[18] as string) as Transcript) : undefined,
    // undefined (not null) when not streamed, like the transcript: rows written before migration 15 read the same.
    ttftMs: a[19] === null || a[19] === undefined ? undefined : Number(a[19]),
  };
}

// Results of one case share their messages array (one per prompt): hash it once.
const hashedMessages = new WeakMap<object, string>();
export function messagesHash(messages: unknown): string {
  const known = typeof messages === 'object' && messages !== null ? hashedMessages.get(messages) : undefined;
  if (known !== undefined) return known;
  const hash = createHash('sha256').update(JSON.stringify(messages)).digest('hex').slice(0, 32);
  if (typeof messages === 'object' && messages !== null) hashedMessages.set(messages, hash);
  return hash;
}

export function aggregateFromRow(r: Row): VariantAggregate {
  const unpriced = Number(r.unpriced);
  return {
    variantId: r.variant_id as string,
    results: Number(r.results),
    passed: Number(r.passed),
    failed: Number(r.failed),
    errors: Number(r.errors),
    cached: Number(r.cached),
    scoreSum: Number(r.score_sum ?? 0),
    scored: Number(r.scored),
    inputTokens: Number(r.tokens_known) > 0 ? Number(r.input_tokens) : null,
    outputTokens: Number(r.tokens_known) > 0 ? Number(r.output_tokens) : null,
    // A total is only known when every call is priced; a partial sum would read as a real figure.
    costUsd: unpriced > 0 ? null : Number(r.cost_usd ?? 0),
    unpriced,
  };
}

/** Per-variant sums of one run (one parameter: the run id), variants in the order of their first result. */
export const aggregateSql = (dialect: SqlDialect) => `
SELECT variant_id,
  COUNT(*) AS results,
  SUM(CASE WHEN pass = 1 THEN 1 ELSE 0 END) AS passed,
  SUM(CASE WHEN pass = 0 THEN 1 ELSE 0 END) AS failed,
  SUM(CASE WHEN error_class IS NOT NULL THEN 1 ELSE 0 END) AS errors,
  SUM(CASE WHEN cached = 1 THEN 1 ELSE 0 END) AS cached,
  SUM(score) AS score_sum,
  COUNT(score) AS scored,
  SUM(input_tokens) AS input_tokens,
  SUM(output_tokens) AS output_tokens,
  COUNT(input_tokens) AS tokens_known,
  SUM(cost_usd) AS cost_usd,
  SUM(CASE WHEN error_class IS NULL AND cached = 0 THEN 1 ELSE 0 END) AS priced_candidates,
  SUM(CASE WHEN error_class IS NULL AND cached = 0 AND cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced
FROM results WHERE run_id = ${dialect.param(1)} GROUP BY variant_id ORDER BY MIN(${dialect.insertionOrder})`;

/** A page of the response cache in key order (parameters: the last key seen, or '' for the first page; the page size). */
export const cachePageSql = (dialect: SqlDialect) =>
  `SELECT key, response_json FROM cache WHERE key > ${dialect.param(1)} ORDER BY key LIMIT ${dialect.param(2)}`;

/** A run's stored results and errors (one parameter: the run id): `results.count`. */
export const countSql = (dialect: SqlDialect) => `SELECT COUNT(*) AS results, COUNT(error_class) AS errors FROM results WHERE run_id = ${dialect.param(1)}`;

/** The row of countSql as numbers (PostgreSQL's COUNT arrives as a string). */
export const countFromRow = (r: Row): { results: number; errors: number } => ({ results: Number(r.results), errors: Number(r.errors) });

export function caseFromRow(r: Row): CaseRow {
  return {
    caseId: r.case_id as string,
    contentHash: r.content_hash as string,
    tags: JSON.parse(r.tags_json as string),
    vars: JSON.parse(r.vars_json as string),
    cluster: (r.cluster as string) ?? null,
    description: (r.description as string) ?? null,
  };
}

export function labelFromRow(r: Row): LabelRow {
  return {
    runId: r.run_id as string,
    caseId: r.case_id as string,
    variantId: r.variant_id as string,
    repeat: Number(r.repeat_index),
    label: (r.label as string) ?? null,
    scores: r.scores_json ? JSON.parse(r.scores_json as string) : null,
    preference: (r.preference as string) ?? null,
    tag: (r.tag as string) ?? null,
    comment: (r.comment as string) ?? null,
    labeller: r.labeller as string,
    createdAt: r.created_at as string,
  };
}

export function calibrationFromRow(r: Row): CalibrationRecord {
  return {
    id: r.id as string,
    runId: r.run_id as string,
    suiteName: r.suite_name as string,
    judge: r.judge as string,
    metric: r.metric as string,
    checkType: r.check_type as string,
    labels: Number(r.n),
    agreement: num(r.agreement),
    kappa: num(r.kappa),
    kappaWeights: (r.kappa_weights as string) ?? null,
    figures: JSON.parse(r.figures_json as string),
    createdAt: r.created_at as string,
  };
}

export function leaseFromRow(r: Row): RunLease {
  return {
    runId: r.run_id as string,
    token: r.token as string,
    pid: Number(r.pid),
    host: r.host as string,
    acquiredAt: r.acquired_at as string,
    heartbeatAt: r.heartbeat_at as string,
    expiresAt: Number(r.expires_at),
  };
}

/** A run's columns as written (JSON as text), in the order of RUN_COLUMNS. */
export const RUN_COLUMNS = [
  'id',
  'suite_name',
  'suite_hash',
  'suite_file',
  'label',
  'status',
  'format_version',
  'config_json',
  'variants_json',
  'repeat_count',
  'git_commit',
  'git_branch',
  'total_calls',
  'started_at',
  'ended_at',
  'warnings_json',
  'selection_json',
];
export function runValues(run: RunRecord): unknown[] {
  return [
    run.id,
    run.suiteName,
    run.suiteHash,
    run.suiteFile,
    run.label,
    run.status,
    run.formatVersion,
    JSON.stringify(run.config),
    JSON.stringify(run.variants),
    run.repeat,
    run.gitCommit,
    run.gitBranch,
    run.totalCalls,
    run.startedAt,
    run.endedAt,
    JSON.stringify(run.warnings),
    run.selection ? JSON.stringify(run.selection) : null,
  ];
}

/** A result's columns as written, in the order of RESULT_WRITE_COLUMNS; `hash` is its messages' hash (or null). */
export const RESULT_WRITE_COLUMNS = [
  'run_id',
  'case_id',
  'variant_id',
  'repeat_index',
  'output',
  'pass',
  'score',
  'cached',
  'latency_ms',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'error_class',
  'error_message',
  'attempts',
  'checks_json',
  'messages_hash',
  'finished_at',
  'transcript_json',
  'ttft_ms',
];
export function resultValues(r: ResultRow, hash: string | null): unknown[] {
  return [
    r.runId,
    r.caseId,
    r.variantId,
    r.repeat,
    r.output,
    r.pass === null ? null : r.pass ? 1 : 0,
    r.score,
    r.cached ? 1 : 0,
    r.latencyMs,
    r.inputTokens,
    r.outputTokens,
    r.costUsd,
    r.errorClass,
    r.errorMessage,
    r.attempts,
    JSON.stringify(r.checks),
    hash,
    r.finishedAt,
    r.transcript ? JSON.stringify(r.transcript) : null,
    r.ttftMs ?? null,
  ];
}

export const CALIBRATION_COLUMNS = [
  'id',
  'run_id',
  'suite_name',
  'judge',
  'metric',
  'check_type',
  'n',
  'agreement',
  'kappa',
  'kappa_weights',
  'figures_json',
  'created_at',
];
export function calibrationValues(c: CalibrationRecord): unknown[] {
  return [c.id, c.runId, c.suiteName, c.judge, c.metric, c.checkType, c.labels, c.agreement, c.kappa, c.kappaWeights, JSON.stringify(c.figures), c.createdAt];
}
