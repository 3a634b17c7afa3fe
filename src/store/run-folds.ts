// The run_folds table (SQLite migration 17, PostgreSQL migration 13): the fold of a run's results kept with the
// run (issue #22), as the byte parts analysis/stored-fold.ts writes, each section under a key that names the rows
// it folded. One implementation for both dialects over a tiny runner, as rate-limit-figures.ts.
import type { Row } from './rows.js';
import type { SqlDialect } from './sql-dialect.js';
import type { Store } from './types.js';

export const RUN_FOLDS_SQL = (blob: string) => `
CREATE TABLE run_folds (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  section TEXT NOT NULL,
  part INTEGER NOT NULL,
  data ${blob} NOT NULL,
  PRIMARY KEY (run_id, section, part)
);
`;

/** How the group reaches its database. */
export interface RunFoldSql {
  dialect: SqlDialect;
  all(sql: string, values: unknown[]): Promise<Row[]>;
  /** Runs the statements in one transaction. */
  inTransaction(statements: { sql: string; values: unknown[] }[]): Promise<void>;
  /** Did this error say the table does not exist (a store written before folds were kept, opened read-only)? */
  isMissingTable(error: unknown): boolean;
  /**
   * Read a part larger than this in slices of this many bytes (PostgreSQL: a bytea comes as hex text twice its
   * size, and megabytes of it at once left the allocator's heap grown by tens of megabytes at 1M results).
   */
  sliceBytes?: number;
}

const bytesOf = (data: unknown): Uint8Array => (data instanceof Uint8Array ? data : new Uint8Array(0));

export function sqlRunFolds(db: RunFoldSql): Store['folds'] {
  const p = (n: number) => db.dialect.param(n);
  const order = db.dialect.insertionOrder;
  return {
    stamp: async (runId) => {
      // Counts and last write positions: writing a result or a case (insert or replace) moves it last, so any
      // write to the run's rows changes the stamp.
      const [results] = await db.all(`SELECT count(*) AS n, max(${order}) AS last FROM results WHERE run_id = ${p(1)}`, [runId]);
      const [cases] = await db.all(`SELECT count(*) AS n, max(${order}) AS last FROM cases WHERE run_id = ${p(1)}`, [runId]);
      return `results ${String(results.n)}@${String(results.last)} cases ${String(cases.n)}@${String(cases.last)}`;
    },
    get: async (runId, section, key) => {
      const where = `run_id = ${p(1)} AND section = ${p(2)}`;
      let head: Row[];
      try {
        head = await db.all(`SELECT data FROM run_folds WHERE ${where} AND part = 0`, [runId, section]);
      } catch (error) {
        if (db.isMissingTable(error)) return undefined;
        throw error;
      }
      if (head.length === 0 || Buffer.from(bytesOf(head[0].data)).toString('utf8') !== key) return undefined;
      // One part at a time: PostgreSQL hands a bytea as hex text twice its size, and all parts at once would be
      // every column's text alive together (~150 MB for the selection columns of 1,000,000 results).
      const sizes = await db.all(`SELECT part, length(data) AS n FROM run_folds WHERE ${where} AND part > 0 ORDER BY part`, [runId, section]);
      const parts: Uint8Array[] = [];
      const slice = db.sliceBytes ?? Infinity;
      for (const { part, n } of sizes) {
        const size = Number(n);
        if (size <= slice) {
          const [row] = await db.all(`SELECT data FROM run_folds WHERE ${where} AND part = ${p(3)}`, [runId, section, part]);
          parts.push(bytesOf(row?.data));
          continue;
        }
        const bytes = new Uint8Array(size);
        for (let at = 0; at < size; at += slice) {
          const [row] = await db.all(`SELECT substr(data, ${p(4)}, ${p(5)}) AS data FROM run_folds WHERE ${where} AND part = ${p(3)}`, [
            runId,
            section,
            part,
            at + 1,
            Math.min(slice, size - at),
          ]);
          bytes.set(bytesOf(row?.data), at);
        }
        parts.push(bytes);
      }
      // Parts are read in several statements: a section kept again meanwhile (under another key) shows here.
      const [again] = await db.all(`SELECT data FROM run_folds WHERE ${where} AND part = 0`, [runId, section]);
      return again && Buffer.from(bytesOf(again.data)).toString('utf8') === key ? parts : undefined;
    },
    put: async (runId, section, key, parts) => {
      const statements: { sql: string; values: unknown[] }[] = [
        { sql: `DELETE FROM run_folds WHERE run_id = ${p(1)} AND section = ${p(2)}`, values: [runId, section] },
      ];
      const insert = `INSERT INTO run_folds (run_id, section, part, data) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`;
      [Buffer.from(key, 'utf8'), ...parts].forEach((bytes, part) =>
        statements.push({ sql: insert, values: [runId, section, part, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)] }),
      );
      await db.inTransaction(statements);
    },
  };
}
