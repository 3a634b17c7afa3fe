// One page of a run's results for the viewer's results table (issue #22), answered by SQL on the store instead of
// an in-memory index of every result: filtered by variant, outcome and segment (a case tag), ordered as the run
// reads (case order as stored, then case id, the run's variant order, repeat), with the total that matches.
// Shared by both dialects; each store runs the two statements (sqlite-store.ts, pg-store.ts: `results.page`).
import { RESULT_COLUMNS, resultFromRaw } from './rows.js';
import { checkFailed, checkName, jsonElements, mayHaveFailedCheck } from './run-figures.js';
import type { SqlDialect } from './sql-dialect.js';
import type { ResultPage, ResultPageQuery } from './types.js';

/** The statements of one page: `count` (one number) and `page` (raw rows: RESULT_COLUMNS without messages, then tags_json). */
export interface ResultPageSql {
  count: { text: string; values: unknown[] };
  page: { text: string; values: unknown[] };
}

// Messages and transcripts are not read: a page shows output previews, not prompts or agent steps.
const PAGE_COLUMNS = [
  ...RESULT_COLUMNS.map((c) => (c === 'm.messages_json' ? 'NULL AS messages_json' : c === 'r.transcript_json' ? 'NULL AS transcript_json' : c)),
  'c.tags_json',
];

/** Whether a case's tags_json (a JSON array of strings) holds the bound tag, per dialect. */
function tagTest(dialect: SqlDialect, param: string): string {
  return dialect.insertionOrder === 'rowid'
    ? `EXISTS (SELECT 1 FROM json_each(c.tags_json) WHERE value = ${param})`
    : `c.tags_json::jsonb @> jsonb_build_array(${param}::text)`;
}

/** Characters JSON.stringify escapes: a needle holding one cannot be looked for in the raw JSON text. */
const JSON_ESCAPED = { test: (text: string): boolean => [...text].some((ch) => ch === '"' || ch === '\\' || ch < ' ' || /[\ud800-\udfff]/.test(ch)) };

/** The failed-check, severity, label and text filters (the store-served form of the viewer's former index filters). */
function detailFilters(dialect: SqlDialect, q: ResultPageQuery, bind: (v: unknown) => string): string[] {
  const where: string[] = [];
  const j = jsonElements(dialect, 'r.checks_json');
  const failed = checkFailed(dialect, j.field('pass'));
  const anyFailed = (extra: string) => `EXISTS (SELECT 1 FROM ${j.from} WHERE ${failed}${extra})`;
  const critical = ` AND ${j.field('severity')} = 'critical'`;
  if (q.failedCheck !== undefined) {
    where.push(mayHaveFailedCheck(dialect, 'r.checks_json'), anyFailed(` AND ${checkName(j.field)} = ${bind(q.failedCheck)}`));
  }
  if (q.severity === 'critical') where.push(mayHaveFailedCheck(dialect, 'r.checks_json'), anyFailed(critical));
  if (q.severity === 'normal') where.push(mayHaveFailedCheck(dialect, 'r.checks_json'), anyFailed(''), `NOT ${anyFailed(critical)}`);
  if (q.labelled !== undefined) {
    const labelled = `EXISTS (SELECT 1 FROM labels l WHERE l.run_id = r.run_id AND l.case_id = r.case_id AND l.variant_id = r.variant_id AND l.repeat_index = r.repeat_index)`;
    where.push(q.labelled === 'yes' ? labelled : `NOT ${labelled}`);
  }
  if (q.text !== undefined) {
    // SQLite lower-cases with JavaScript's toLowerCase (evalspec_lower, sqlite-store.ts), as the former index did.
    const sqlite = dialect.insertionOrder === 'rowid';
    const has = (column: string) => (sqlite ? `instr(evalspec_lower(${column}), ${bind(q.text)}) > 0` : `strpos(lower(${column}), ${bind(q.text)}) > 0`);
    // Only a stored case's id matches (the index searched the stored cases' ids).
    const either = [`(c.case_id IS NOT NULL AND ${has('r.case_id')})`, has('r.output'), has('r.error_message')];
    // A check's reason: the raw JSON text first (cheap), the parsed reason after, when the needle reads the same in JSON.
    const reason = `EXISTS (SELECT 1 FROM ${j.from} WHERE ${has(j.field('reason'))})`;
    either.push(JSON_ESCAPED.test(q.text) ? reason : `(${has('r.checks_json')} AND ${reason})`);
    where.push(`(${either.join(' OR ')})`);
  }
  return where;
}

export function resultPageSql(dialect: SqlDialect, runId: string, q: ResultPageQuery): ResultPageSql {
  // Parameters are bound in the order they appear in the text (SQLite's `?` are positional).
  const binder =
    (values: unknown[]) =>
    (v: unknown): string => (values.push(v), dialect.param(values.length));
  // A result whose case is not stored sorts after every stored case (then by case id), as the index did.
  const from = (bind: (v: unknown) => string, withCases = true): string => {
    const where = [`r.run_id = ${bind(runId)}`];
    if (q.variantId !== undefined) where.push(`r.variant_id = ${bind(q.variantId)}`);
    if (q.outcome === 'pass') where.push('r.pass = 1');
    if (q.outcome === 'fail') where.push('r.pass = 0');
    if (q.outcome === 'error') where.push(`r.error_class IS NOT NULL AND r.error_class <> ''`);
    if (q.segment !== undefined) where.push(tagTest(dialect, bind(q.segment)));
    where.push(...detailFilters(dialect, q, bind));
    const cases = withCases ? ' LEFT JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id' : '';
    return `FROM results r${cases} WHERE ${where.join(' AND ')}`;
  };
  const countValues: unknown[] = [];
  // Only the segment and text filters read the case: without them the count reads no case (a covering index scan).
  const count = { text: `SELECT COUNT(*) ${from(binder(countValues), q.segment !== undefined || q.text !== undefined)}`, values: countValues };
  const values: unknown[] = [];
  const bind = binder(values);
  const order = dialect.insertionOrder;
  const variantRank = q.variantOrder.length
    ? `CASE r.variant_id ${q.variantOrder.map((id, i) => `WHEN ${bind(id)} THEN ${i}`).join(' ')} ELSE ${q.variantOrder.length} END`
    : '0';
  const limit = Math.max(1, Math.floor(q.limit));
  const offset = Math.max(0, Math.floor(q.offset));
  // Keys first, columns after: sorting only the keys of the run's matching results, then reading the page's rows
  // by primary key, keeps outputs out of the sort (carrying them made a 200,000-result page ~15x slower).
  const keys = `SELECT r.case_id, r.variant_id, r.repeat_index, (c.${order} IS NULL) AS orphan, c.${order} AS case_order, ${variantRank} AS variant_rank
    ${from(bind)} ORDER BY orphan, case_order, r.case_id, variant_rank, r.repeat_index LIMIT ${limit} OFFSET ${offset}`;
  const text = `SELECT ${PAGE_COLUMNS.join(', ')} FROM (${keys}) p
    JOIN results r ON r.run_id = ${bind(runId)} AND r.case_id = p.case_id AND r.variant_id = p.variant_id AND r.repeat_index = p.repeat_index
    LEFT JOIN cases c ON c.run_id = r.run_id AND c.case_id = r.case_id
    ORDER BY p.orphan, p.case_order, p.case_id, p.variant_rank, p.repeat_index`;
  return { count, page: { text, values } };
}

/** The page from the raw rows of `page` and the count of `count`. */
export function resultPageFromRaw(total: unknown, raw: unknown[][]): ResultPage {
  const tagsAt = PAGE_COLUMNS.length - 1;
  return {
    total: Number(total),
    rows: raw.map((a) => ({ ...resultFromRaw(a), tags: a[tagsAt] === null ? [] : (JSON.parse(a[tagsAt] as string) as string[]) })),
  };
}
