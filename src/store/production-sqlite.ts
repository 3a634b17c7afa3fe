// The production half of the SQLite store (store.production, issue #15): records, the score queue, scores and
// alerts in the tables of production-rows.ts. A batch of records is one transaction of prepared statements; a
// claim is one UPDATE … RETURNING (SQLite serialises writers, so two claimers never get the same entry); a
// completion inserts the score only if absent and deletes the queue entry in one transaction (exactly once).
// Listings are keyset pages (production-pages.ts): memory flat, and the connection free for writes between pages.
import type Database from 'better-sqlite3';
import {
  ALERT_COLUMNS,
  OBSERVATION_COLUMNS,
  RECORD_COLUMNS,
  SCORE_COLUMNS,
  alertFromRow,
  alertValues,
  observationFromRaw,
  queueValues,
  recordFromRow,
  recordValues,
  recordSelect,
  recordsAscending,
  scoreFromRow,
  scoreValues,
} from './production-rows.js';
import type { Row } from './rows.js';
import { SQLITE_SQL } from './sql-dialect.js';
import { keysetPages } from './production-pages.js';
import { productionLabels } from './production-labels.js';
import { JUDGED } from './production-lean-writes.js';
import type { ProductionObservation, ProductionQueueEntry, ProductionRecord, ProductionStore } from './production-types.js';

const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
/**
 * Rows per multi-row statement: 64 scores bind 640 values (far below SQLite's 32,766), and a batch's remainder
 * prepares at most 64 statement shapes per kind, each kept.
 */
const CHUNK = 64;
/** The SQL of a statement shape for n rows, built once per n (building it was measurable per batch). */
const bySize = (sql: (n: number) => string) => {
  const built = new Map<number, string>();
  return (n: number) => {
    let text = built.get(n);
    if (text === undefined) built.set(n, (text = sql(n)));
    return text;
  };
};
const chunks = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

export function sqliteProduction(db: () => Database.Database): ProductionStore {
  // Prepared on first use (a store that never sees production traffic prepares none of them), then reused.
  const prepared = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, (s = db().prepare(sql)));
    return s;
  };
  // A page at a time (production-pages.ts): no statement stays open between pages, so writes can interleave.
  const fetch = async (sql: string, values: unknown[]) => statement(sql).all(...values) as Row[];
  const rawStatements = new Map<string, Database.Statement>();
  const raw = (sql: string): Database.Statement => {
    let s = rawStatements.get(sql);
    if (!s) rawStatements.set(sql, (s = db().prepare(sql).raw(true)));
    return s;
  };
  const INSERT_RECORD = `INSERT OR IGNORE INTO production_records (${RECORD_COLUMNS.join(', ')}) VALUES (${marks(RECORD_COLUMNS.length)})`;
  const INSERT_TAG = 'INSERT OR IGNORE INTO production_tags (record_id, suite, tag, started_at) VALUES (?, ?, ?, ?)';
  const INSERT_QUEUE = 'INSERT OR IGNORE INTO production_queue (record_id, monitor, suite, started_at) VALUES (?, ?, ?, ?)';
  // A completion is one multi-row statement per chunk of scores (not two per score: that was half the scorer's CPU).
  // The record's suite and started_at come from the record itself; WHERE keeps SQLite from reading ON CONFLICT as
  // the join's ON. A score of a record no longer stored joins nothing and is dropped, its queue entry still removed.
  const scoreRows = (n: number) => Array.from({ length: n }, () => `(${marks(SCORE_COLUMNS.length)})`).join(', ');
  const INSERT_SCORES = bySize(
    (n) => `INSERT INTO production_scores (${SCORE_COLUMNS.join(', ')}, suite, started_at)
    SELECT ${SCORE_COLUMNS.map((_, i) => `s.column${i + 1}`).join(', ')}, r.suite, r.started_at
    FROM (VALUES ${scoreRows(n)}) AS s JOIN production_records r ON r.id = s.column1 WHERE true
    ON CONFLICT DO NOTHING`,
  );
  // The queue is clustered on (suite, started_at, record_id, monitor) (production-lean-writes.ts): each entry's key
  // comes from its record, read by id (the scorer just read it: its pages are cached).
  const DELETE_QUEUE = bySize(
    (n) => `DELETE FROM production_queue WHERE (suite, started_at, record_id, monitor) IN (
      SELECT r.suite, r.started_at, r.id, ? FROM production_records r WHERE r.id IN (${marks(n)}))`,
  );
  const SELECT_RECORDS = bySize((n) => `SELECT * FROM production_records WHERE id IN (${marks(n)})`);

  // A connection that ingests checkpoints the WAL every 10,000 pages (~40 MB) instead of SQLite's 1,000: record ids
  // are hashes, so each batch dirties index pages all over the file, and a checkpoint of 10× the frames writes the
  // same hot pages once instead of ten times (W5: ~25% less CPU per stored record). Per connection: readers keep
  // the default, the scorer's connection takes 4,000 (below), and any connection's commit checkpoints past its own threshold.
  const ingesting = new WeakSet<Database.Database>();
  const putBatch = (records: ProductionRecord[], queue: ProductionQueueEntry[]) => {
    if (!ingesting.has(db())) (db().pragma('wal_autocheckpoint = 10000'), ingesting.add(db()));
    return db().transaction(() => {
      const insertRecord = statement(INSERT_RECORD);
      const insertTag = statement(INSERT_TAG);
      const inserted = new Set<string>();
      for (const r of records) {
        if (insertRecord.run(...recordValues(r)).changes === 0) continue;
        inserted.add(r.id);
        for (const tag of new Set(r.tags)) insertTag.run(r.id, r.suite, tag, r.startedAt);
      }
      const insertQueue = statement(INSERT_QUEUE);
      for (const row of queueValues(records, queue, inserted)) insertQueue.run(...row);
      return { inserted: inserted.size, duplicates: records.length - inserted.size };
    })();
  };

  // A connection that only completes scores (the collector's scorer thread) checkpoints every 4,000 pages: below the
  // receiver's 10,000, so while both run the scorer's commits still do the checkpoints (off the receiver's thread),
  // but each hot page of the scores' and the queue's hashed-key indexes is written ~4× less often than at SQLite's
  // 1,000 (W5: ~5% less CPU per span for the whole collector, and the scorer keeps up better during ingest).
  const scoring = new WeakSet<Database.Database>();
  const completeBatch = (scores: Parameters<ProductionStore['complete']>[0]) => {
    if (!scoring.has(db()) && !ingesting.has(db())) (db().pragma('wal_autocheckpoint = 4000'), scoring.add(db()));
    return db().transaction(() => {
      for (const chunk of chunks(scores, CHUNK)) statement(INSERT_SCORES(chunk.length)).run(...chunk.flatMap(scoreValues));
      const byMonitor = new Map<string, string[]>();
      for (const s of scores) {
        const ids = byMonitor.get(s.monitor);
        if (ids) ids.push(s.recordId);
        else byMonitor.set(s.monitor, [s.recordId]);
      }
      for (const [monitor, ids] of byMonitor) for (const chunk of chunks(ids, CHUNK)) statement(DELETE_QUEUE(chunk.length)).run(monitor, ...chunk);
    })();
  };

  return {
    putRecords: async (records, queue) => putBatch(records, queue),
    get: async (recordId) => {
      const row = statement('SELECT * FROM production_records WHERE id = ?').get(recordId) as Row | undefined;
      return row ? recordFromRow(row) : undefined;
    },
    getMany: async (recordIds) => {
      const unique = [...new Set(recordIds)];
      return chunks(unique, CHUNK).flatMap((chunk) => (statement(SELECT_RECORDS(chunk.length)).all(...chunk) as Row[]).map(recordFromRow));
    },
    suites: async () => statement('SELECT DISTINCT suite FROM production_records ORDER BY suite').pluck().all() as string[],
    records: (query) => {
      const select = recordSelect(SQLITE_SQL, query);
      // Flagged records are few: without statistics SQLite would walk all of the suite's records to find them.
      const from =
        query.flagged === true && select.from === 'production_records r' ? 'production_records r INDEXED BY production_records_flagged' : select.from;
      const rows = keysetPages(SQLITE_SQL, fetch, {
        select: `SELECT r.* FROM ${from} WHERE ${select.where}`,
        values: select.values,
        order: select.order,
        keyOf: (row) => [row.started_at, row.id],
        direction: recordsAscending(query) ? 'ASC' : 'DESC',
        limit: query.limit,
      });
      return (async function* () {
        for await (const row of rows) yield recordFromRow(row);
      })();
    },
    claim: async ({ suite, monitor, limit, holder, now, leaseUntil }) => {
      const ofMonitor = monitor !== undefined ? ' AND monitor = ?' : '';
      // One statement: the entries are chosen and taken atomically (no other writer runs in between).
      const claimed = db()
        .prepare(
          `UPDATE production_queue SET holder = ?, lease_until = ? WHERE (suite, started_at, record_id, monitor) IN (
             SELECT suite, started_at, record_id, monitor FROM production_queue WHERE suite = ?${ofMonitor} AND lease_until <= ? ORDER BY started_at, record_id LIMIT ?)
           RETURNING record_id, monitor, started_at`,
        )
        .all(holder, leaseUntil, suite, ...(monitor !== undefined ? [monitor] : []), now, limit) as Row[];
      // RETURNING gives no order: oldest record first, as documented.
      // Each key built once (not twice per comparison: that was most of a claim's CPU).
      const keyed = claimed.map((r) => ({ key: `${r.started_at as string}\u0000${r.record_id as string}\u0000${r.monitor as string}`, r }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return keyed.map(({ r }) => ({ recordId: r.record_id as string, monitor: r.monitor as string }));
    },
    complete: async (scores) => completeBatch(scores),
    queueDepth: async (suite, monitor) =>
      Number(
        monitor === undefined
          ? statement('SELECT COUNT(*) FROM production_queue WHERE suite = ?').pluck().get(suite)
          : statement('SELECT COUNT(*) FROM production_queue WHERE suite = ? AND monitor = ?').pluck().get(suite, monitor),
      ),
    scores: async (recordId) =>
      (
        statement(
          `SELECT s.* FROM production_records r JOIN production_scores s ON s.suite = r.suite AND s.started_at = r.started_at AND s.record_id = r.id
           WHERE r.id = ? ORDER BY s.monitor`,
        ).all(recordId) as Row[]
      ).map(scoreFromRow),
    observations: (query) => {
      const values: unknown[] = [query.suite, query.monitor];
      let range = '';
      if (query.until !== undefined) ((range += ' AND s.started_at < ?'), values.push(query.until));
      // Raw rows (arrays in OBSERVATION_COLUMNS order): a monitor reads months of them.
      const rows = keysetPages<unknown[]>(SQLITE_SQL, async (sql, v) => raw(sql).all(...v) as unknown[][], {
        select: `SELECT ${OBSERVATION_COLUMNS.join(', ')} FROM production_scores s JOIN production_records r ON r.id = s.record_id
          WHERE s.suite = ? AND s.monitor = ?${range}`,
        values,
        order: ['s.started_at', 's.record_id'],
        // since as the keyset's start: (started_at, record_id) > (since, '') is started_at ≥ since (ids are never empty).
        after: query.since === undefined ? undefined : [query.since, ''],
        keyOf: (row) => [row[2], row[0]],
        direction: 'ASC',
      });
      return (async function* (): AsyncGenerator<ProductionObservation> {
        const tagLists = new Map<string, string[]>();
        for await (const row of rows) yield observationFromRaw(row, tagLists);
      })();
    },
    observationCount: async (query) => {
      const values: unknown[] = [query.suite, query.monitor];
      let range = '';
      if (query.since !== undefined) ((range += ' AND started_at >= ?'), values.push(query.since));
      if (query.until !== undefined) ((range += ' AND started_at < ?'), values.push(query.until));
      // Only production_scores_stream's columns: SQLite answers from the index alone.
      const row = statement(`SELECT COUNT(*) AS n, MIN(started_at) AS first FROM production_scores WHERE suite = ? AND monitor = ?${range}`).get(
        ...values,
      ) as Row;
      return { count: Number(row.n), first: (row.first as string | null) ?? null };
    },
    judgeSpend: async (suite, monitor, since) =>
      Number(
        statement(`SELECT COALESCE(SUM(judge_cost_usd), 0) FROM production_scores WHERE suite = ? AND monitor = ? AND scored_at >= ? AND ${JUDGED}`)
          .pluck()
          .get(suite, monitor, since),
      ),
    setFlagged: async (recordId, flagged) => {
      statement('UPDATE production_records SET flagged = ? WHERE id = ?').run(flagged ? 1 : 0, recordId);
    },
    labels: productionLabels(SQLITE_SQL, async (sql, values) => {
      const s = statement(sql);
      return s.reader ? { rows: s.all(...values) as Row[], changes: 0 } : { rows: [], changes: s.run(...values).changes };
    }),
    alerts: {
      put: async (alert) => {
        statement(`INSERT OR REPLACE INTO monitor_alerts (${ALERT_COLUMNS.join(', ')}) VALUES (${marks(ALERT_COLUMNS.length)})`).run(...alertValues(alert));
      },
      list: async ({ suite, monitor, state, limit }) => {
        const where = ['suite = ?'];
        const values: unknown[] = [suite];
        if (monitor !== undefined) (where.push('monitor = ?'), values.push(monitor));
        if (state !== undefined) (where.push('state = ?'), values.push(state));
        const sql = `SELECT * FROM monitor_alerts WHERE ${where.join(' AND ')} ORDER BY opened_at DESC, id DESC LIMIT ?`;
        return (statement(sql).all(...values, limit ?? 1000) as Row[]).map(alertFromRow);
      },
    },
  };
}
