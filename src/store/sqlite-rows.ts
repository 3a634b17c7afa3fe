// The SQLite store's rows as the Store interface returns them: runs, results (object and raw-array modes),
// variant aggregates (with the SQL that makes them), and the hash messages are stored under. Apart from
// sqlite-store.ts so the store's methods and its row mapping each stay readable.
import { createHash } from 'node:crypto';
import type { RunRecord, RunStatus, ResultRow, VariantAggregate } from './types.js';

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

export function resultFromRow(r: Row): ResultRow {
  return {
    runId: r.run_id as string,
    caseId: r.case_id as string,
    variantId: r.variant_id as string,
    repeat: Number(r.repeat_index),
    output: (r.output as string) ?? null,
    pass: bool(r.pass),
    score: num(r.score),
    cached: r.cached === 1 || r.cached === true,
    latencyMs: num(r.latency_ms),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    costUsd: num(r.cost_usd),
    errorClass: (r.error_class as string) ?? null,
    errorMessage: (r.error_message as string) ?? null,
    attempts: Number(r.attempts),
    checks: JSON.parse((r.checks_json as string) ?? '[]'),
    messages: r.messages_json ? JSON.parse(r.messages_json as string) : null,
    finishedAt: r.finished_at as string,
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
];
export const SLIM_COLUMNS = RESULT_COLUMNS.map((c) => (c === 'r.output' || c === 'm.messages_json' ? `NULL AS ${c.slice(2)}` : c));

/** resultFromRow for a raw row of RESULT_COLUMNS (or SLIM_COLUMNS). */
export function resultFromRaw(a: unknown[]): ResultRow {
  return {
    runId: a[0] as string,
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
    inputTokens: r.tokens_known ? Number(r.input_tokens) : null,
    outputTokens: r.tokens_known ? Number(r.output_tokens) : null,
    // A total is only known when every call is priced; a partial sum would read as a real figure.
    costUsd: unpriced > 0 ? null : Number(r.cost_usd ?? 0),
    unpriced,
  };
}

export const AGGREGATE_SQL = `
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
FROM results WHERE run_id = ? GROUP BY variant_id ORDER BY MIN(rowid)`;
