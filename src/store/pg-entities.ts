// The PostgreSQL store's smaller entities: labels, calibrations and run leases (low volume: one statement per
// row inside one transaction). Same semantics as the SQLite ones (sqlite-store.ts, sqlite-calibrations.ts,
// sqlite-leases.ts); the contract suite (test/store/contract.test.ts) runs both against the same expectations.
import type pg from 'pg';
import { CALIBRATION_COLUMNS, calibrationFromRow, calibrationValues, labelFromRow, leaseFromRow, type Row } from './rows.js';
import type { CalibrationQuery, CalibrationRecord, LabelQuery, LabelRow, Store } from './types.js';

/** How the entities reach the database: a query on the pool, or several in one transaction. */
export interface PgAccess {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
  tx<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

/** A `WHERE` clause from optional equality filters, numbering parameters after `first`. */
export function whereOf(filters: [column: string, value: unknown][], first = 0): { sql: string; values: unknown[] } {
  const used = filters.filter(([, v]) => v !== undefined);
  return {
    sql: used.length ? `WHERE ${used.map(([c], i) => `${c} = $${first + i + 1}`).join(' AND ')}` : '',
    values: used.map(([, v]) => v),
  };
}

// An upsert, not a replace: a row written without a preference (the viewer's form) keeps the stored one.
const PUT_LABEL = `INSERT INTO labels (run_id, case_id, variant_id, repeat_index, label, scores_json, tag, comment, labeller, created_at, preference)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (run_id, case_id, variant_id, repeat_index, labeller) DO UPDATE SET label = EXCLUDED.label, scores_json = EXCLUDED.scores_json,
    tag = EXCLUDED.tag, comment = EXCLUDED.comment, created_at = EXCLUDED.created_at,
    preference = CASE WHEN $12::int = 1 THEN labels.preference ELSE EXCLUDED.preference END`;

export function pgLabels(db: PgAccess): Store['labels'] {
  return {
    putMany: async (rows: LabelRow[]) => {
      await db.tx(async (client) => {
        for (const l of rows) {
          await client.query(PUT_LABEL, [
            l.runId,
            l.caseId,
            l.variantId,
            l.repeat,
            l.label,
            l.scores ? JSON.stringify(l.scores) : null,
            l.tag,
            pgText(l.comment),
            l.labeller,
            l.createdAt,
            l.preference ?? null,
            l.preference === undefined ? 1 : 0,
          ]);
        }
      });
    },
    list: async (runId: string, query: LabelQuery = {}) => {
      const where = whereOf([
        ['run_id', runId],
        ['case_id', query.caseId],
        ['variant_id', query.variantId],
        ['labeller', query.labeller],
      ]);
      return (await db.query(`SELECT * FROM labels ${where.sql} ORDER BY created_at, seq`, where.values)).rows.map(labelFromRow);
    },
    delete: async (key) => {
      await db.query('DELETE FROM labels WHERE run_id = $1 AND case_id = $2 AND variant_id = $3 AND repeat_index = $4 AND labeller = $5', [
        key.runId,
        key.caseId,
        key.variantId,
        key.repeat,
        key.labeller,
      ]);
    },
  };
}

// Replacing a calibration renews its seq: it lists as the newest, as SQLite's INSERT OR REPLACE does.
const PUT_CALIBRATION = `INSERT INTO calibrations (${CALIBRATION_COLUMNS.join(', ')}) VALUES (${CALIBRATION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
  ON CONFLICT (id) DO UPDATE SET ${[...CALIBRATION_COLUMNS.filter((c) => c !== 'id'), 'seq'].map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;

export function pgCalibrations(db: PgAccess): Store['calibrations'] {
  return {
    putMany: async (rows: CalibrationRecord[]) => {
      await db.tx(async (client) => {
        for (const c of rows) await client.query(PUT_CALIBRATION, calibrationValues({ ...c, id: escapeKey(c.id) }));
      });
    },
    list: async (query: CalibrationQuery = {}) => {
      const where = whereOf([
        ['run_id', query.runId],
        ['judge', query.judge],
        ['metric', query.metric],
        ['suite_name', query.suiteName],
      ]);
      const sql = `SELECT * FROM calibrations ${where.sql} ORDER BY created_at DESC, seq DESC LIMIT $${where.values.length + 1}`;
      return (await db.query(sql, [...where.values, query.limit ?? 1000])).rows.map((r) => calibrationFromRow({ ...r, id: unescapeKey(r.id as string) }));
    },
  };
}

// Taking a lease is one upsert whose update applies only when the current lease expired or its holder is known
// to be dead (or is this token): two processes racing for a run cannot both get it (the row is locked by the upsert).
const ACQUIRE_LEASE = `INSERT INTO run_leases (run_id, token, pid, host, acquired_at, heartbeat_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
  ON CONFLICT (run_id) DO UPDATE SET token = EXCLUDED.token, pid = EXCLUDED.pid, host = EXCLUDED.host,
    acquired_at = EXCLUDED.acquired_at, heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at
  WHERE run_leases.expires_at <= $8 OR run_leases.token = $9 OR run_leases.token = EXCLUDED.token`;

export function pgLeases(db: PgAccess): Store['leases'] {
  const get = async (runId: string) => {
    const row = (await db.query('SELECT * FROM run_leases WHERE run_id = $1', [runId])).rows[0];
    return row ? leaseFromRow(row) : undefined;
  };
  const leases: Store['leases'] = {
    acquire: async (lease, now, takeOver) => {
      const values = [lease.runId, lease.token, lease.pid, lease.host, lease.acquiredAt, lease.heartbeatAt, lease.expiresAt, now, takeOver ?? ''];
      if ((await db.query(ACQUIRE_LEASE, values)).rowCount === 1) return { acquired: true };
      const holder = await get(lease.runId);
      // Released between the upsert and the read: try once more (the next caller may win instead).
      if (!holder) return await leases.acquire(lease, now, takeOver);
      return { acquired: false, holder };
    },
    renew: async (runId, token, expiresAt, now) =>
      (
        await db.query('UPDATE run_leases SET expires_at = $1, heartbeat_at = $2 WHERE run_id = $3 AND token = $4', [
          expiresAt,
          new Date(now).toISOString(),
          runId,
          token,
        ])
      ).rowCount === 1,
    release: async (runId, token) => {
      await db.query('DELETE FROM run_leases WHERE run_id = $1 AND token = $2', [runId, token]);
    },
    get,
  };
  return leases;
}

/** Rows per page of a keyset listing (results, tallies): large enough that round trips do not dominate, small enough to stay flat in memory. */
export const PAGE_ROWS = 2000;

/**
 * A key built with U+0000 separators (a calibration's id: run \0 judge \0 metric), reversibly escaped for
 * PostgreSQL text, which cannot hold U+0000: `%` → `%25`, U+0000 → `%00`.
 */
export const escapeKey = (key: string): string => key.replaceAll('%', '%25').replaceAll('\u0000', '%00');
export const unescapeKey = (key: string): string => key.replace(/%(00|25)/g, (_, code: string) => (code === '00' ? '\u0000' : '%'));

/**
 * PostgreSQL text cannot hold U+0000 (SQLite can): a NUL in untrusted text (a model's output, an error message)
 * is stored as U+FFFD instead of failing the whole batch. JSON columns are safe: JSON.stringify escapes it.
 */
export function pgText<T extends string | null>(text: T): T {
  return (text !== null && text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text) as T;
}
