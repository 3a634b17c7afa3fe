// The team store: PostgreSQL through a `pg` pool. Same interface and guarantees as the SQLite store: a result is
// stored once per (run, case, variant, repeat), the last write wins and moves it last in write order (SQLite's
// INSERT OR REPLACE), a batch is one transaction, results stream (keyset pages on (run_id, seq), never a whole run
// in memory). Batches go in as one INSERT … SELECT FROM unnest(arrays) per table: one prepared statement whatever
// the batch size, and no 65,535-parameter limit. Connecting and migrating start in the constructor (openStore
// stays synchronous) and every method waits for them.
import type pg from 'pg';
import { guardEntity, type StoreAccess } from './sqlite-open.js';
import { createPool, pgFailure, pgMigrations, preparePg, redactUrl } from './pg-open.js';
import { PAGE_ROWS as PAGE, pgCalibrations, pgLabels, pgLeases, whereOf, type PgAccess } from './pg-entities.js';
import { CASE_COLUMNS, CHUNK, columnsOf, UNNEST_CACHE, UNNEST_CASES, UNNEST_MESSAGES, UNNEST_RESULTS } from './pg-unnest.js';
import { POSTGRES_SQL } from './sql-dialect.js';
import { sqlTokens } from './access-tokens.js';
import { sqlRateLimits } from './rate-limit-figures.js';
import { sqlRunFolds } from './run-folds.js';
import { pgCaseKeys } from './case-keys.js';
import { pgProduction } from './production-pg.js';
import { pgResultViews } from './pg-result-views.js';
import {
  RESULT_COLUMNS,
  RESULT_WRITE_COLUMNS,
  OUTCOME_COLUMNS,
  outcomeFromRaw,
  RUN_COLUMNS,
  SLIM_COLUMNS,
  NO_TRANSCRIPT_COLUMNS,
  aggregateFromRow,
  aggregateSql,
  countFromRow,
  countSql,
  cachePageSql,
  caseFromRow,
  messagesHash,
  resultFromRaw,
  resultValues,
  runFromRow,
  runValues,
  type Row,
} from './rows.js';
import type { AppliedMigration, CachedResponse, CaseRow, OutcomeRow, ResultQuery, ResultRow, RunRecord, RunStatus, Store } from './types.js';

export { redactUrl };

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  /** The URL with its password replaced: the only form of it that leaves this store. */
  readonly location: string;
  readonly capabilities = POSTGRES_SQL.capabilities;
  private readonly pool: pg.Pool;
  private readonly ready: Promise<void>;
  private closed = false;
  /** Hashes of messages written lately (bounded: the same messages recur across variants of a case). */
  private knownMessages = new Set<string>();

  constructor(
    private readonly url: string,
    access: StoreAccess = 'read-write',
  ) {
    this.location = redactUrl(url);
    this.pool = createPool(url);
    this.ready = preparePg(this.pool, url, access);
    // Awaited by every method; a store closed before its first use must not leave an unhandled rejection.
    this.ready.catch(() => undefined);
    for (const entity of ['runs', 'cases', 'results', 'labels', 'calibrations', 'leases', 'tokens', 'rateLimits', 'folds', 'cache'] as const) {
      (this as Record<typeof entity, object>)[entity] = guardEntity(this[entity], (error) => pgFailure(error, url));
    }
    const production = pgProduction(this.db);
    const failure = (error: unknown) => pgFailure(error, url);
    this.production = { ...guardEntity(production, failure), alerts: guardEntity(production.alerts, failure), labels: guardEntity(production.labels, failure) };
  }

  private readonly db: PgAccess = {
    query: async (text, values) => {
      await this.ready;
      return this.pool.query<Row>(text, values);
    },
    tx: async (work) => {
      await this.ready;
      // Two writers upserting overlapping keys in different orders can deadlock; PostgreSQL aborts one of them
      // (40P01, or 40001 for a serialization failure), and running it again is the documented remedy.
      for (let attempt = 1; ; attempt++) {
        const client = await this.pool.connect();
        try {
          await client.query('BEGIN');
          const out = await work(client);
          await client.query('COMMIT');
          return out;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          const code = (error as { code?: string }).code;
          if (attempt < 4 && (code === '40P01' || code === '40001')) continue;
          throw error;
        } finally {
          client.release();
        }
      }
    },
  };

  runs = {
    create: async (run: RunRecord) => {
      await this.db.query(`INSERT INTO runs (${RUN_COLUMNS.join(', ')}) VALUES (${RUN_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`, runValues(run));
    },
    get: async (id: string) => {
      const row = (await this.db.query('SELECT * FROM runs WHERE id = $1', [id])).rows[0];
      return row ? runFromRow(row) : undefined;
    },
    list: async (filter: { suite?: string; label?: string; status?: RunStatus; limit?: number } = {}) => {
      const where = whereOf([
        ['suite_name', filter.suite || undefined],
        ['label', filter.label || undefined],
        ['status', filter.status || undefined],
      ]);
      const sql = `SELECT * FROM runs ${where.sql} ORDER BY started_at DESC, id DESC LIMIT $${where.values.length + 1}`;
      return (await this.db.query(sql, [...where.values, filter.limit ?? 50])).rows.map(runFromRow);
    },
    setStatus: async (id: string, status: RunStatus, endedAt: string | null) => {
      await this.db.query('UPDATE runs SET status = $1, ended_at = $2 WHERE id = $3', [status, endedAt, id]);
    },
    addWarnings: async (id: string, warnings: string[]) => {
      // The row is locked from the read to the write: a warning stored meanwhile (another process's) is not lost.
      await this.db.tx(async (client) => {
        const row = (await client.query<Row>('SELECT warnings_json FROM runs WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!row) return;
        const stored = JSON.parse(row.warnings_json as string) as string[];
        const merged = [...new Set([...stored, ...warnings])];
        if (merged.length > stored.length) await client.query('UPDATE runs SET warnings_json = $1 WHERE id = $2', [JSON.stringify(merged), id]);
      });
    },
  };

  cases = {
    putMany: async (runId: string, cases: CaseRow[]) => {
      const rows = cases.map((c) => [runId, c.caseId, c.contentHash, JSON.stringify(c.tags), JSON.stringify(c.vars), c.cluster, c.description]);
      await this.db.tx(async (client) => {
        for (let i = 0; i < rows.length; i += CHUNK) await client.query(UNNEST_CASES, columnsOf(rows.slice(i, i + CHUNK), 2, CASE_COLUMNS.length));
      });
    },
    list: async (runId: string) => (await this.db.query('SELECT * FROM cases WHERE run_id = $1 ORDER BY seq', [runId])).rows.map(caseFromRow),
    get: async (runId: string, caseId: string) => {
      const row = (await this.db.query('SELECT * FROM cases WHERE run_id = $1 AND case_id = $2', [runId, caseId])).rows[0];
      return row ? caseFromRow(row) : undefined;
    },
    ...pgCaseKeys(
      (name, text, runId) => this.keysetPages(name, text, runId),
      async (text, values) => (await this.db.query(text, values)).rows,
      PAGE,
    ),
    hasClusters: async (runId: string) => {
      await this.ready;
      const found = await this.pool.query({ text: 'SELECT 1 FROM cases WHERE run_id = $1 AND cluster IS NOT NULL LIMIT 1', values: [runId] });
      return found.rows.length > 0;
    },
  };

  results = {
    putMany: async (rows: ResultRow[]) => {
      const messages = new Map<string, string>();
      const values = rows.map((r) => {
        if (!r.messages) return resultValues(r, null);
        const hash = messagesHash(r.messages);
        if (!this.knownMessages.has(hash)) messages.set(hash, JSON.stringify(r.messages));
        return resultValues(r, hash);
      });
      await this.db.tx(async (client) => {
        if (messages.size > 0)
          await client.query({ name: 'evalspec_put_messages', text: UNNEST_MESSAGES, values: [[...messages.keys()], [...messages.values()]] });
        for (let i = 0; i < values.length; i += CHUNK) {
          const chunk = columnsOf(values.slice(i, i + CHUNK), 4, RESULT_WRITE_COLUMNS.length);
          await client.query({ name: 'evalspec_put_results', text: UNNEST_RESULTS, values: chunk });
        }
      });
      // Only after the commit: a rolled-back batch must write its messages again.
      if (this.knownMessages.size + messages.size > 4096) this.knownMessages.clear();
      for (const hash of messages.keys()) this.knownMessages.add(hash);
    },
    completedKeys: async (runId: string) => {
      await this.ready;
      const found = await this.pool.query<unknown[]>({
        text: 'SELECT case_id, variant_id, repeat_index FROM results WHERE run_id = $1 AND error_class IS NULL',
        values: [runId],
        rowMode: 'array',
      });
      return new Set(found.rows.map((r) => `${r[0]}\u0000${r[1]}\u0000${r[2]}`));
    },
    storedKeys: async (runId: string, caseIds: string[]) => {
      await this.ready;
      const found = await this.pool.query<unknown[]>({
        text: 'SELECT case_id, variant_id, repeat_index FROM results WHERE run_id = $1 AND case_id = ANY($2::text[])',
        values: [runId, caseIds],
        rowMode: 'array',
      });
      return new Set(found.rows.map((r) => `${r[0]}\u0000${r[1]}\u0000${r[2]}`));
    },
    list: (runId: string, query: ResultQuery = {}): AsyncIterable<ResultRow> => this.listResults(runId, query),
    // The keyset pages of list, handed over row by row (a page of rows per query, so no promise per row matters here).
    scan: async (runId: string, query: ResultQuery, onRow: (row: ResultRow) => void) => {
      for await (const row of this.listResults(runId, query)) onRow(row);
    },
    // The same keyset pages over the outcome columns only.
    scanOutcomes: async (runId: string, onRow: (row: OutcomeRow) => void) => {
      const text = `SELECT ${[...OUTCOME_COLUMNS, 'r.seq'].join(', ')} FROM results r WHERE r.run_id = $1 AND r.seq > $2 ORDER BY r.seq LIMIT ${PAGE}`;
      for await (const page of this.keysetPages('evalspec_scan_outcomes', text, runId)) for (const row of page) onRow(outcomeFromRaw(row));
    },
    aggregate: async (runId: string) => (await this.db.query(aggregateSql(POSTGRES_SQL), [runId])).rows.map(aggregateFromRow),
    count: async (runId: string) => countFromRow((await this.db.query(countSql(POSTGRES_SQL), [runId])).rows[0]),
    latencies: async (runId: string, variantId: string) =>
      (
        await this.db.query(
          'SELECT latency_ms FROM results WHERE run_id = $1 AND variant_id = $2 AND latency_ms IS NOT NULL AND error_class IS NULL ORDER BY latency_ms',
          [runId, variantId],
        )
      ).rows.map((r) => Number(r.latency_ms)),
    // The viewer's reads (issue #22): pg-result-views.ts.
    ...pgResultViews({ db: this.db, arrays: (query) => this.arrays(query) }),
  };

  /** A query's rows as arrays (the store ready first; its errors as STORE errors). */
  private async arrays(query: { text: string; values: unknown[] }): Promise<unknown[][]> {
    try {
      await this.ready;
      return (await this.pool.query<unknown[]>({ ...query, rowMode: 'array' })).rows;
    } catch (error) {
      throw pgFailure(error, this.url);
    }
  }

  /**
   * Keyset pages in write order: each page starts after the last seq seen, so memory stays flat and no cursor is
   * held. Messages are looked up per page by hash, not joined: a join let the planner hash the whole messages table
   * for every page (a full listing ran 4x slower than a slim one); the texts of the last page are kept, since the
   * variants of a case share them.
   */
  private async *listResults(runId: string, query: ResultQuery): AsyncGenerator<ResultRow> {
    const where = whereOf([
      ['r.run_id', runId],
      ['r.variant_id', query.variantId],
      ['r.case_id', query.caseId],
    ]);
    const messagesAt = RESULT_COLUMNS.indexOf('m.messages_json');
    const full = query.omitTranscript ? NO_TRANSCRIPT_COLUMNS : RESULT_COLUMNS;
    const columns = query.slim ? SLIM_COLUMNS : full.map((c, i) => (i === messagesAt ? 'r.messages_hash' : c));
    const text = `SELECT ${[...columns, 'r.seq'].join(', ')} FROM results r ${where.sql} AND r.seq > $${where.values.length + 1} ORDER BY r.seq LIMIT ${PAGE}`;
    // Named: each connection plans a listing shape once, not once per page.
    const name = `evalspec_list_${query.slim ? 'slim' : query.omitTranscript ? 'notr' : 'full'}_${query.variantId !== undefined ? 'v' : ''}${query.caseId !== undefined ? 'c' : ''}`;
    const seqAt = RESULT_COLUMNS.length;
    let known = new Map<string, string>();
    let after: unknown = 0;
    for (;;) {
      let page: unknown[][];
      try {
        await this.ready;
        page = (await this.pool.query<unknown[]>({ name, text, values: [...where.values, after], rowMode: 'array' })).rows;
        if (!query.slim) known = await this.messagesOf(page, messagesAt, known);
      } catch (error) {
        throw pgFailure(error, this.url);
      }
      for (const row of page) {
        if (!query.slim) row[messagesAt] = row[messagesAt] === null ? null : (known.get(row[messagesAt] as string) ?? null);
        yield resultFromRaw(row, runId);
      }
      if (page.length < PAGE) return;
      after = page[page.length - 1][seqAt];
    }
  }

  /**
   * The pages of a run's keyset query in write order (`$1` the run, `$2` the last seq seen, the seq the rows' last
   * column), PAGE rows at a time: memory stays flat and no cursor is held.
   */
  private async *keysetPages(name: string, text: string, runId: string): AsyncGenerator<unknown[][]> {
    let after: unknown = 0;
    for (;;) {
      let page: unknown[][];
      try {
        await this.ready;
        page = (await this.pool.query<unknown[]>({ name, text, values: [runId, after], rowMode: 'array' })).rows;
      } catch (error) {
        throw pgFailure(error, this.url);
      }
      yield page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].at(-1);
    }
  }

  /** The messages texts of a page's hashes (column `at`), reusing those of the previous page. */
  private async messagesOf(page: unknown[][], at: number, previous: Map<string, string>): Promise<Map<string, string>> {
    const texts = new Map<string, string>();
    const missing = new Set<string>();
    for (const row of page) {
      const hash = row[at] as string | null;
      if (hash === null || texts.has(hash)) continue;
      const text = previous.get(hash);
      if (text === undefined) missing.add(hash);
      else texts.set(hash, text);
    }
    if (missing.size > 0) {
      const found = await this.pool.query<unknown[]>({
        name: 'evalspec_messages_by_hash',
        text: 'SELECT hash, messages_json FROM messages WHERE hash = ANY($1::text[])',
        values: [[...missing]],
        rowMode: 'array',
      });
      for (const [hash, json] of found.rows) texts.set(hash as string, json as string);
    }
    return texts;
  }

  labels: Store['labels'] = pgLabels(this.db);

  calibrations: Store['calibrations'] = pgCalibrations(this.db);

  leases: Store['leases'] = pgLeases(this.db);

  readonly production: Store['production'];

  tokens: Store['tokens'] = sqlTokens({
    dialect: POSTGRES_SQL,
    all: async (sql, values) => (await this.db.query(sql, values)).rows,
    run: async (sql, values) => (await this.db.query(sql, values)).rowCount ?? 0,
    isUniqueViolation: (error) => (error as { code?: string }).code === '23505',
    isMissingTable: (error) => (error as { code?: string }).code === '42P01',
  });

  rateLimits: Store['rateLimits'] = sqlRateLimits({
    dialect: POSTGRES_SQL,
    all: async (sql, values) => (await this.db.query(sql, values)).rows,
    run: async (sql, values) => this.db.query(sql, values),
    isMissingTable: (error) => (error as { code?: string }).code === '42P01',
  });

  folds: Store['folds'] = sqlRunFolds({
    dialect: POSTGRES_SQL,
    all: async (sql, values) => (await this.db.query(sql, values)).rows,
    inTransaction: (statements) =>
      this.db.tx(async (client) => {
        for (const s of statements) await client.query(s.sql, s.values);
      }),
    isMissingTable: (error) => (error as { code?: string }).code === '42P01',
    sliceBytes: 1 << 18,
  });

  cache = {
    get: async (key: string): Promise<CachedResponse | undefined> => {
      const row = (await this.db.query('SELECT response_json FROM cache WHERE key = $1', [key])).rows[0];
      return row ? JSON.parse(row.response_json as string) : undefined;
    },
    putMany: async (entries: { key: string; response: CachedResponse }[]) => {
      const now = new Date().toISOString();
      const rows = entries.map((e) => [e.key, JSON.stringify(e.response), now]);
      await this.db.tx(async (client) => {
        for (let i = 0; i < rows.length; i += CHUNK) await client.query(UNNEST_CACHE, columnsOf(rows.slice(i, i + CHUNK), 1, 3));
      });
    },
    page: async (after: string | null, limit: number) =>
      (await this.db.query(cachePageSql(POSTGRES_SQL), [after ?? '', limit])).rows.map((r) => ({
        key: r.key as string,
        response: JSON.parse(r.response_json as string) as CachedResponse,
      })),
  };

  async migrations(): Promise<AppliedMigration[]> {
    try {
      await this.ready;
      return await pgMigrations(this.pool);
    } catch (error) {
      throw pgFailure(error, this.url);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.ready.catch(() => undefined);
    await this.pool.end();
  }
}
