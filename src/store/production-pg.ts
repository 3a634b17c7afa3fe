// The production half of the PostgreSQL store (store.production, issue #15), with the SQLite store's semantics
// (production-sqlite.ts; one contract suite, test/store/production.test.ts). A batch of records is one
// transaction of three INSERT … SELECT FROM unnest(arrays) statements (prepared once per connection, one per table
// whatever the batch size). A claim is one UPDATE over a SELECT … FOR UPDATE SKIP LOCKED: concurrent claimers
// skip the entries another one is taking instead of waiting for them, and never get the same entry. Listings are
// keyset pages (production-pages.ts), so memory stays flat however long the stream.
import type pg from 'pg';
import { pgText, type PgAccess } from './pg-entities.js';
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
import { keysetPages } from './production-pages.js';
import { productionLabels } from './production-labels.js';
import { JUDGED } from './production-lean-writes.js';
import { POSTGRES_SQL } from './sql-dialect.js';
import type { ProductionObservation, ProductionRecord, ProductionStore } from './production-types.js';

/** Rows per INSERT of a batch. */
const CHUNK = 5000;

/** Column types for unnest's arrays; every other column is text. */
const TYPES: Record<string, string> = {
  output_chars: 'int',
  input_tokens: 'int',
  output_tokens: 'int',
  cost_usd: 'float8',
  latency_ms: 'float8',
  ttft_ms: 'float8',
  flagged: 'int',
  passed: 'int',
  critical_failed: 'int',
  judge_cost_usd: 'float8',
};
const arrays = (columns: string[]) => columns.map((c, i) => `$${i + 1}::${TYPES[c] ?? 'text'}[]`).join(', ');

const INSERT_RECORDS = `INSERT INTO production_records (${RECORD_COLUMNS.join(', ')}) SELECT * FROM unnest(${arrays(RECORD_COLUMNS)})
  ON CONFLICT (id) DO NOTHING RETURNING id`;
const INSERT_TAGS = `INSERT INTO production_tags (record_id, suite, tag, started_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  ON CONFLICT DO NOTHING`;
const INSERT_QUEUE = `INSERT INTO production_queue (record_id, monitor, suite, started_at) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
  ON CONFLICT DO NOTHING`;
// Exactly once: a score already stored stays (DO NOTHING; a concurrent completion of the same entry waits for the
// first to commit, then does nothing); the record's suite and started_at are copied from the record.
const INSERT_SCORES = `INSERT INTO production_scores (${SCORE_COLUMNS.join(', ')}, suite, started_at)
  SELECT s.*, r.suite, r.started_at FROM unnest(${arrays(SCORE_COLUMNS)}) AS s(${SCORE_COLUMNS.join(', ')})
  JOIN production_records r ON r.id = s.record_id
  ON CONFLICT (record_id, monitor) DO NOTHING`;
const DELETE_QUEUE = `DELETE FROM production_queue q USING unnest($1::text[], $2::text[]) AS d(record_id, monitor)
  WHERE q.record_id = d.record_id AND q.monitor = d.monitor`;
// The entries are locked as they are chosen; entries another claimer has locked are skipped, not waited for, and an
// entry it took meanwhile fails the lease_until test when PostgreSQL re-reads the locked row.
const CLAIM = `UPDATE production_queue q SET holder = $1, lease_until = $2
  FROM (SELECT record_id, monitor FROM production_queue WHERE suite = $3 AND ($4::text IS NULL OR monitor = $4) AND lease_until <= $5
        ORDER BY started_at, record_id LIMIT $6 FOR UPDATE SKIP LOCKED) c
  WHERE q.record_id = c.record_id AND q.monitor = c.monitor
  RETURNING q.record_id, q.monitor, q.started_at`;

/** Rows as one array per column (text through pgText: PostgreSQL text cannot hold U+0000). */
function columnsOf(rows: unknown[][], width: number): unknown[][] {
  const columns: unknown[][] = Array.from({ length: width }, () => []);
  for (const row of rows) for (let i = 0; i < width; i++) columns[i].push(typeof row[i] === 'string' ? pgText(row[i] as string) : row[i]);
  return columns;
}

async function insertChunks(client: pg.PoolClient, name: string, text: string, rows: unknown[][], width: number): Promise<pg.QueryResult<Row>[]> {
  const out: pg.QueryResult<Row>[] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(await client.query<Row>({ name, text, values: columnsOf(rows.slice(i, i + CHUNK), width) }));
  return out;
}

export function pgProduction(db: PgAccess): ProductionStore {
  const fetch = async (sql: string, values: unknown[]) => (await db.query(sql, values)).rows;
  return {
    putRecords: async (records, queue) =>
      db.tx(async (client) => {
        const results = await insertChunks(client, 'evalspec_production_records', INSERT_RECORDS, records.map(recordValues), RECORD_COLUMNS.length);
        const inserted = new Set(results.flatMap((r) => r.rows.map((row) => row.id as string)));
        const fresh = records.filter((r) => inserted.has(r.id));
        const tags = fresh.flatMap((r: ProductionRecord) => [...new Set(r.tags)].map((tag) => [r.id, r.suite, tag, r.startedAt]));
        if (tags.length > 0) await insertChunks(client, 'evalspec_production_tags', INSERT_TAGS, tags, 4);
        const entries = queueValues(records, queue, inserted);
        if (entries.length > 0) await insertChunks(client, 'evalspec_production_queue', INSERT_QUEUE, entries, 4);
        return { inserted: inserted.size, duplicates: records.length - inserted.size };
      }),
    get: async (recordId) => {
      const row = (await db.query('SELECT * FROM production_records WHERE id = $1', [recordId])).rows[0];
      return row ? recordFromRow(row) : undefined;
    },
    getMany: async (recordIds) => {
      if (recordIds.length === 0) return [];
      const rows = (await db.query('SELECT * FROM production_records WHERE id = ANY($1::text[])', [[...new Set(recordIds)]])).rows;
      return rows.map(recordFromRow);
    },
    suites: async () => (await db.query('SELECT DISTINCT suite FROM production_records ORDER BY suite')).rows.map((r) => r.suite as string),
    records: (query) => {
      const select = recordSelect(POSTGRES_SQL, query);
      const rows = keysetPages(POSTGRES_SQL, fetch, {
        select: `SELECT r.* FROM ${select.from} WHERE ${select.where}`,
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
      const claimed = (await db.query(CLAIM, [holder, leaseUntil, suite, monitor ?? null, now, limit])).rows;
      // RETURNING gives no order: oldest record first, as documented.
      const key = (r: Row) => `${r.started_at as string}\u0000${r.record_id as string}\u0000${r.monitor as string}`;
      claimed.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      return claimed.map((r) => ({ recordId: r.record_id as string, monitor: r.monitor as string }));
    },
    complete: async (scores) => {
      if (scores.length === 0) return;
      await db.tx(async (client) => {
        await insertChunks(client, 'evalspec_production_scores', INSERT_SCORES, scores.map(scoreValues), SCORE_COLUMNS.length);
        await insertChunks(
          client,
          'evalspec_production_dequeue',
          DELETE_QUEUE,
          scores.map((s) => [s.recordId, s.monitor]),
          2,
        );
      });
    },
    queueDepth: async (suite, monitor) => {
      const sql = 'SELECT COUNT(*) AS n FROM production_queue WHERE suite = $1 AND ($2::text IS NULL OR monitor = $2)';
      return Number((await db.query(sql, [suite, monitor ?? null])).rows[0].n);
    },
    scores: async (recordId) => (await db.query('SELECT * FROM production_scores WHERE record_id = $1 ORDER BY monitor', [recordId])).rows.map(scoreFromRow),
    observations: (query) => {
      const values: unknown[] = [query.suite, query.monitor];
      let range = '';
      if (query.until !== undefined) (values.push(query.until), (range += ` AND s.started_at < $${values.length}`));
      const select = `SELECT ${OBSERVATION_COLUMNS.join(', ')} FROM production_scores s JOIN production_records r ON r.id = s.record_id
        WHERE s.suite = $1 AND s.monitor = $2${range}`;
      const rows = keysetPages(POSTGRES_SQL, fetch, {
        select,
        values,
        order: ['s.started_at', 's.record_id'],
        // since as the keyset's start: (started_at, record_id) > (since, '') is started_at ≥ since (ids are never empty).
        after: query.since === undefined ? undefined : [query.since, ''],
        keyOf: (row) => [row.started_at, row.record_id],
        direction: 'ASC',
      });
      const names = OBSERVATION_COLUMNS.map((c) => c.split('.')[1]);
      return (async function* (): AsyncGenerator<ProductionObservation> {
        const tagLists = new Map<string, string[]>();
        for await (const row of rows)
          yield observationFromRaw(
            names.map((n) => row[n]),
            tagLists,
          );
      })();
    },
    observationCount: async (query) => {
      const values: unknown[] = [query.suite, query.monitor];
      let range = '';
      if (query.since !== undefined) (values.push(query.since), (range += ` AND started_at >= $${values.length}`));
      if (query.until !== undefined) (values.push(query.until), (range += ` AND started_at < $${values.length}`));
      const sql = `SELECT COUNT(*) AS n, MIN(started_at) AS first FROM production_scores WHERE suite = $1 AND monitor = $2${range}`;
      const row = (await db.query(sql, values)).rows[0];
      return { count: Number(row.n), first: (row.first as string | null) ?? null };
    },
    judgeSpend: async (suite, monitor, since) =>
      Number(
        (
          await db.query(
            `SELECT COALESCE(SUM(judge_cost_usd), 0) AS spend FROM production_scores WHERE suite = $1 AND monitor = $2 AND scored_at >= $3 AND ${JUDGED}`,
            [suite, monitor, since],
          )
        ).rows[0].spend,
      ),
    setFlagged: async (recordId, flagged) => {
      await db.query('UPDATE production_records SET flagged = $1 WHERE id = $2', [flagged ? 1 : 0, recordId]);
    },
    labels: productionLabels(POSTGRES_SQL, async (sql, values) => {
      const result = await db.query(
        sql,
        values.map((v) => (typeof v === 'string' ? pgText(v) : v)),
      );
      return { rows: result.rows, changes: result.rowCount ?? 0 };
    }),
    alerts: {
      put: async (alert) => {
        const set = ALERT_COLUMNS.filter((c) => c !== 'id').map((c) => `${c} = EXCLUDED.${c}`);
        await db.query(
          `INSERT INTO monitor_alerts (${ALERT_COLUMNS.join(', ')}) VALUES (${ALERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})
           ON CONFLICT (id) DO UPDATE SET ${set.join(', ')}`,
          alertValues(alert).map((v) => (typeof v === 'string' ? pgText(v) : v)),
        );
      },
      list: async ({ suite, monitor, state, limit }) => {
        const values: unknown[] = [suite];
        let where = 'suite = $1';
        if (monitor !== undefined) (values.push(monitor), (where += ` AND monitor = $${values.length}`));
        if (state !== undefined) (values.push(state), (where += ` AND state = $${values.length}`));
        values.push(limit ?? 1000);
        const sql = `SELECT * FROM monitor_alerts WHERE ${where} ORDER BY opened_at DESC, id DESC LIMIT $${values.length}`;
        return (await db.query(sql, values)).rows.map(alertFromRow);
      },
    },
  };
}
