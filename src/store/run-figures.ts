// The viewer's run page figures as SQL aggregates (issue #22), so a 1,000,000-result run needs no in-memory index
// of every result: per variant × case tags sums (one scan of the run's results joined to their cases), the case
// tags with their counts, the names of the failed checks, the latencies and times to first token (numbers only),
// and per case × variant tallies for runs whose pass rate needs per-case values (repeats, clusters). PostgreSQL
// runs these statements for `results.figures`; SQLite folds the figures in one pass instead (sqlite-run-figures.ts)
// and shares `caseTallySql` and the helpers here (`results.caseTallies`).
import type { SqlDialect } from './sql-dialect.js';
import type { CaseTally, ResultGroup, RunFigureRows } from './types.js';

type Statement = { text: string; values: unknown[] };

/** The dialect's JSON: every element of a JSON array column, and a text field of one element. */
export function jsonElements(dialect: SqlDialect, column: string): { from: string; field: (name: string) => string } {
  return dialect.insertionOrder === 'rowid'
    ? { from: `json_each(${column}) j`, field: (name) => `json_extract(j.value, '$.${name}')` }
    : { from: `jsonb_array_elements(${column}::jsonb) j`, field: (name) => `(j.value ->> '${name}')` };
}

/** A check element that failed (checks are stored with a boolean `pass`), per dialect. */
export function checkFailed(dialect: SqlDialect, pass: string): string {
  return dialect.insertionOrder === 'rowid' ? `${pass} = 0` : `${pass} = 'false'`;
}

/** A check's name as the viewer lists it: its metric, else its type (`check.metric || check.type`). */
export const checkName = (field: (name: string) => string): string => `COALESCE(NULLIF(${field('metric')}, ''), ${field('type')})`;

/**
 * A cheap test every row with a failed check passes (checks are written by JSON.stringify: no spaces), so the JSON
 * functions run only on those rows; the exact test follows it.
 */
export const mayHaveFailedCheck = (dialect: SqlDialect, column: string): string =>
  dialect.insertionOrder === 'rowid' ? `instr(${column}, '"pass":false') > 0` : `strpos(${column}, '"pass":false') > 0`;

export function runFigureSql(dialect: SqlDialect, runId: string): { groups: Statement; tags: Statement; failedChecks: Statement; timings: Statement } {
  const p = dialect.param(1);
  const concat = dialect.insertionOrder === 'rowid' ? 'GROUP_CONCAT(DISTINCT r.error_class)' : `string_agg(DISTINCT r.error_class, ',')`;
  // Decoding time of a streamed call, as analysis StreamingTally folds it: only when latency, tokens and ttft are known.
  const decoded = `r.error_class IS NULL AND r.ttft_ms IS NOT NULL AND r.latency_ms IS NOT NULL AND r.output_tokens IS NOT NULL AND r.latency_ms > r.ttft_ms`;
  const groups = `SELECT r.variant_id, c.tags_json,
  COUNT(*) AS results,
  SUM(CASE WHEN r.pass = 1 THEN 1 ELSE 0 END) AS passed,
  SUM(CASE WHEN r.pass = 0 THEN 1 ELSE 0 END) AS failed,
  SUM(CASE WHEN r.error_class IS NOT NULL THEN 1 ELSE 0 END) AS errors,
  SUM(CASE WHEN r.cached = 1 THEN 1 ELSE 0 END) AS cached,
  SUM(r.score) AS score_sum,
  COUNT(r.score) AS scored,
  SUM(r.input_tokens) AS input_tokens,
  SUM(CASE WHEN r.input_tokens IS NOT NULL THEN COALESCE(r.output_tokens, 0) ELSE 0 END) AS output_tokens,
  COUNT(r.input_tokens) AS tokens_known,
  SUM(r.cost_usd) AS cost_usd,
  SUM(CASE WHEN r.error_class IS NULL AND r.cached = 0 AND r.cost_usd IS NULL THEN 1 ELSE 0 END) AS unpriced,
  COUNT(DISTINCT r.case_id) AS cases,
  ${concat} AS error_classes,
  SUM(CASE WHEN ${decoded} THEN r.output_tokens ELSE 0 END) AS decode_tokens,
  SUM(CASE WHEN ${decoded} THEN r.latency_ms - r.ttft_ms ELSE 0 END) AS decode_ms
FROM results r LEFT JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id
WHERE r.run_id = ${p} GROUP BY r.variant_id, c.tags_json`;
  const tags = `SELECT tags_json, COUNT(*) AS cases, COUNT(cluster) AS clustered FROM cases WHERE run_id = ${p} GROUP BY tags_json`;
  const j = jsonElements(dialect, 'r.checks_json');
  const failedChecks = `SELECT DISTINCT ${checkName(j.field)} AS name FROM results r, ${j.from}
WHERE r.run_id = ${p} AND ${mayHaveFailedCheck(dialect, 'r.checks_json')} AND ${checkFailed(dialect, j.field('pass'))}`;
  // Numbers only, in stored order (the caller sorts): latencies and times to first token of answered calls.
  const timings = `SELECT variant_id, latency_ms, ttft_ms FROM results
WHERE run_id = ${p} AND error_class IS NULL AND (latency_ms IS NOT NULL OR ttft_ms IS NOT NULL)`;
  const of = (text: string): Statement => ({ text, values: [runId] });
  return { groups: of(groups), tags: of(tags), failedChecks: of(failedChecks), timings: of(timings) };
}

const num = (v: unknown): number => Number(v ?? 0);

export function resultGroupFromRow(r: Record<string, unknown>): ResultGroup {
  return {
    variantId: r.variant_id as string,
    tagsJson: (r.tags_json as string | null) ?? null,
    results: num(r.results),
    passed: num(r.passed),
    failed: num(r.failed),
    errors: num(r.errors),
    cached: num(r.cached),
    scoreSum: num(r.score_sum),
    scored: num(r.scored),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    tokensKnown: num(r.tokens_known),
    costSum: num(r.cost_usd),
    unpriced: num(r.unpriced),
    cases: num(r.cases),
    errorClasses: typeof r.error_classes === 'string' && r.error_classes !== '' ? r.error_classes.split(',') : [],
    decodeTokens: num(r.decode_tokens),
    decodeMs: num(r.decode_ms),
  };
}

/** Folds timing rows (variant, latency, ttft) into per-variant sorted arrays. */
export class TimingFold {
  private readonly latencies = new Map<string, number[]>();
  private readonly ttfts = new Map<string, number[]>();

  add(variantId: unknown, latency: unknown, ttft: unknown): void {
    const id = variantId as string;
    if (latency !== null && latency !== undefined) this.push(this.latencies, id, Number(latency));
    if (ttft !== null && ttft !== undefined) this.push(this.ttfts, id, Number(ttft));
  }

  private push(into: Map<string, number[]>, id: string, value: number): void {
    let list = into.get(id);
    if (!list) into.set(id, (list = []));
    list.push(value);
  }

  result(): RunFigureRows['timings'] {
    const sorted = (list: number[] | undefined) => Float64Array.from(list ?? []).sort();
    const ids = new Set([...this.latencies.keys(), ...this.ttfts.keys()]);
    return [...ids].map((variantId) => ({ variantId, latencies: sorted(this.latencies.get(variantId)), ttfts: sorted(this.ttfts.get(variantId)) }));
  }
}

/**
 * Per case × variant tallies in case id order (the primary key's, so a page after a case id is an index range),
 * each with its case's tags and cluster: what a per-case pass value needs. `after` pages by case id (PostgreSQL);
 * without it, every case.
 */
export function caseTallySql(dialect: SqlDialect, runId: string, page?: { after: string | null; limit: number }): Statement {
  const values: unknown[] = [runId];
  const after = page && page.after !== null ? (values.push(page.after), ` AND r.case_id > ${dialect.param(2)}`) : '';
  return {
    text: `SELECT r.case_id, r.variant_id, COUNT(*) AS total, SUM(CASE WHEN r.pass = 1 THEN 1 ELSE 0 END) AS passed,
  MIN(c.tags_json) AS tags_json, MIN(c.cluster) AS cluster, COUNT(c.case_id) AS stored
FROM results r LEFT JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id
WHERE r.run_id = ${dialect.param(1)}${after} GROUP BY r.case_id, r.variant_id
ORDER BY r.case_id, r.variant_id${page ? ` LIMIT ${Math.floor(page.limit)}` : ''}`,
    values,
  };
}

export function caseTallyFromRaw(a: unknown[]): CaseTally {
  return {
    caseId: a[0] as string,
    variantId: a[1] as string,
    total: Number(a[2]),
    passed: Number(a[3]),
    stored: Number(a[6]) > 0,
    tags: a[4] === null || a[4] === undefined ? [] : (JSON.parse(a[4] as string) as string[]),
    cluster: (a[5] as string | null) ?? null,
  };
}

/** A group with nothing folded in yet (the SQLite fold's start, the viewer's totals). */
export function emptyResultGroup(variantId: string, tagsJson: string | null): ResultGroup {
  return {
    variantId,
    tagsJson,
    results: 0,
    passed: 0,
    failed: 0,
    errors: 0,
    cached: 0,
    scoreSum: 0,
    scored: 0,
    inputTokens: 0,
    outputTokens: 0,
    tokensKnown: 0,
    costSum: 0,
    unpriced: 0,
    cases: 0,
    errorClasses: [],
    decodeTokens: 0,
    decodeMs: 0,
  };
}
