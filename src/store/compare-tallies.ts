// The viewer's paired comparison from the store (issue #22): one statement pairs the cases two variants (of one
// run or two) both have, each case's results, passes and score sums per side, with run A's case tags, cluster and
// insertion order and both content hashes. Nothing per result reaches JavaScript; shared by both dialects
// (sqlite-store.ts, pg-store.ts: `results.pairedTallies`).
import type { SqlDialect } from './sql-dialect.js';
import type { PairedSides, PairedTally } from './types.js';

type Statement = { text: string; values: unknown[] };

/** The cases both sides have, each with its place in run A's case order; and each side's case count. */
export function pairedTallySql(dialect: SqlDialect, s: PairedSides, page?: { after: string | null; limit: number }): { pairs: Statement; counts: Statement } {
  // Parameters are bound in the order they appear in the text (SQLite's `?` are positional).
  const sideValues = [s.runA, s.variantA, s.runB, s.variantB];
  const values: unknown[] = [];
  const p = (n: number) => (values.push(sideValues[n - 1]), dialect.param(values.length));
  // PostgreSQL pages by case id (`after`: the last case of the page before): the bound is in both sides, so a page
  // aggregates only the cases from there on, each side an index range (bounding only the join re-read all of side B
  // on every page: quadratic in the pages).
  const after = () => (page && page.after !== null ? ` AND case_id > ${(values.push(page.after), dialect.param(values.length))}` : '');
  const side = (run: number, variant: number) => `SELECT case_id, COUNT(*) AS total, SUM(CASE WHEN pass = 1 THEN 1 ELSE 0 END) AS passed,
    SUM(score) AS score_sum, COUNT(score) AS scored
  FROM results WHERE run_id = ${p(run)} AND variant_id = ${p(variant)}${after()} GROUP BY case_id`;
  const order = dialect.insertionOrder;
  const keyset = () => (page ? `\nORDER BY a.case_id LIMIT ${Math.floor(page.limit)}` : '');
  // Unordered on SQLite: a sort there would hold every pair's row in its sorter; the caller orders by `caseOrder` (a few bytes a case).
  const pairs = `SELECT a.case_id, a.total, a.passed, a.score_sum, a.scored, b.total, b.passed, b.score_sum, b.scored,
  ca.tags_json, ca.cluster, ca.content_hash, cb.content_hash, ca.${order}
FROM (${side(1, 2)}) a JOIN (${side(3, 4)}) b ON b.case_id = a.case_id
  LEFT JOIN cases ca ON ca.run_id = ${p(1)} AND ca.case_id = a.case_id
  LEFT JOIN cases cb ON cb.run_id = ${p(3)} AND cb.case_id = a.case_id${keyset()}`;
  const pairValues = values.splice(0);
  const counts = `SELECT (SELECT COUNT(DISTINCT case_id) FROM results WHERE run_id = ${p(1)} AND variant_id = ${p(2)}),
  (SELECT COUNT(DISTINCT case_id) FROM results WHERE run_id = ${p(3)} AND variant_id = ${p(4)})`;
  return { pairs: { text: pairs, values: pairValues }, counts: { text: counts, values } };
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function pairedTallyFromRaw(a: unknown[]): PairedTally {
  const stored = a[13] !== null && a[13] !== undefined;
  return {
    caseId: a[0] as string,
    a: { total: Number(a[1]), passed: Number(a[2]), scoreSum: numOrNull(a[3]) ?? 0, scored: Number(a[4]) },
    b: { total: Number(a[5]), passed: Number(a[6]), scoreSum: numOrNull(a[7]) ?? 0, scored: Number(a[8]) },
    tagsJson: stored ? (a[9] as string) : null,
    cluster: stored ? ((a[10] as string | null) ?? null) : null,
    contentHashA: stored ? (a[11] as string) : null,
    contentHashB: (a[12] as string | null) ?? null,
    caseOrder: stored ? Number(a[13]) : null,
  };
}
