// Human labels on production records (issue #15 item 5; SQLite migration 11, PostgreSQL migration 6): per (record,
// labeller) a pass/fail verdict with optional error tags (the suite's `error_tags`) and a note, given in the viewer's
// production record page or review queue, read by `calibrate --monitor`. One implementation for both dialects: the
// SQL is plain enough for both (INSERT … ON CONFLICT … DO UPDATE, EXISTS), and each store passes how it runs a
// statement. A label carries its record's suite (copied from the record when written), so listing a suite's
// labels is an index range, and it goes when its record goes (ON DELETE CASCADE).
import { EvalspecError } from '../errors.js';
import type { Row } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { ProductionLabel, ProductionLabelQuery, ProductionReviewItem, ProductionStore } from './production-types.js';

export const PRODUCTION_LABELS_SQL = `
CREATE TABLE production_labels (
  record_id TEXT NOT NULL REFERENCES production_records (id) ON DELETE CASCADE,
  labeller TEXT NOT NULL,
  suite TEXT NOT NULL,
  verdict TEXT NOT NULL,
  error_tags_json TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (record_id, labeller)
);
CREATE INDEX production_labels_suite ON production_labels (suite, record_id);
`;

/** Runs one statement: the rows it returns (empty for a write) and how many rows it changed. */
export type Execute = (sql: string, values: unknown[]) => Promise<{ rows: Row[]; changes: number }>;

const labelFromRow = (r: Row): ProductionLabel => ({
  recordId: r.record_id as string,
  suite: r.suite as string,
  labeller: r.labeller as string,
  verdict: r.verdict as ProductionLabel['verdict'],
  errorTags: JSON.parse(r.error_tags_json as string) as string[],
  note: r.note === null || r.note === undefined ? null : (r.note as string),
  createdAt: r.created_at as string,
});

/** Reviewed first: failed scores, then those a judge scored (it cost something), then the newest. */
const REVIEW_ORDER = `ORDER BY CASE WHEN s.passed = 0 THEN 0 ELSE 1 END, CASE WHEN s.judge_cost_usd IS NULL THEN 1 ELSE 0 END, s.started_at DESC, s.record_id`;

export function productionLabels(dialect: SqlDialect, execute: Execute): ProductionStore['labels'] {
  return {
    put: async (label) => {
      if (label.verdict !== 'pass' && label.verdict !== 'fail') throw new Error(`a production label's verdict is pass or fail, got "${String(label.verdict)}"`);
      const p = dialect.param;
      // The suite comes from the record: a label of an unknown record writes nothing, which is refused below.
      const { changes } = await execute(
        `INSERT INTO production_labels (record_id, labeller, suite, verdict, error_tags_json, note, created_at)
         SELECT r.id, ${p(1)}, r.suite, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)} FROM production_records r WHERE r.id = ${p(6)}
         ON CONFLICT (record_id, labeller) DO UPDATE SET verdict = excluded.verdict, error_tags_json = excluded.error_tags_json,
           note = excluded.note, created_at = excluded.created_at`,
        [label.labeller, label.verdict, JSON.stringify(label.errorTags), label.note, label.createdAt, label.recordId],
      );
      if (changes === 0) throw new EvalspecError('USAGE', `no production record ${label.recordId} to label`, { hint: 'label a record the store holds' });
    },
    delete: async (recordId, labeller) => {
      await execute(`DELETE FROM production_labels WHERE record_id = ${dialect.param(1)} AND labeller = ${dialect.param(2)}`, [recordId, labeller]);
    },
    list: async (query: ProductionLabelQuery) => {
      const values: unknown[] = [query.suite];
      const p = (v: unknown) => (values.push(v), dialect.param(values.length));
      const where = [`l.suite = ${dialect.param(1)}`];
      if (query.recordId !== undefined) where.push(`l.record_id = ${p(query.recordId)}`);
      if (query.labeller !== undefined) where.push(`l.labeller = ${p(query.labeller)}`);
      if (query.monitor !== undefined)
        // Through the record: its suite, started_at and id are the key of SQLite's clustered scores (production-lean-writes.ts).
        where.push(
          `EXISTS (SELECT 1 FROM production_records r JOIN production_scores s ON s.suite = r.suite AND s.started_at = r.started_at AND s.record_id = r.id
            WHERE r.id = l.record_id AND s.monitor = ${p(query.monitor)})`,
        );
      const { rows } = await execute(`SELECT l.* FROM production_labels l WHERE ${where.join(' AND ')} ORDER BY l.record_id, l.labeller`, values);
      return rows.map(labelFromRow);
    },
    reviewQueue: async ({ suite, monitor, labeller, limit }) => {
      const values: unknown[] = [suite, monitor];
      const p = (v: unknown) => (values.push(v), dialect.param(values.length));
      // Unlabelled: by nobody, or (with `labeller`) by this labeller.
      const by = labeller !== undefined ? ` AND l.labeller = ${p(labeller)}` : '';
      const { rows } = await execute(
        `SELECT s.record_id, s.started_at, s.status, s.passed, s.judge_cost_usd FROM production_scores s
         WHERE s.suite = ${dialect.param(1)} AND s.monitor = ${dialect.param(2)}
           AND NOT EXISTS (SELECT 1 FROM production_labels l WHERE l.record_id = s.record_id${by})
         ${REVIEW_ORDER} LIMIT ${p(limit ?? 200)}`,
        values,
      );
      return rows.map((r): ProductionReviewItem => ({
        recordId: r.record_id as string,
        startedAt: r.started_at as string,
        status: r.status as ProductionReviewItem['status'],
        passed: r.passed === null || r.passed === undefined ? null : Number(r.passed) === 1,
        judged: r.judge_cost_usd !== null && r.judge_cost_usd !== undefined,
      }));
    },
  };
}
