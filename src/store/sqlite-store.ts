// The default store: one SQLite file (better-sqlite3), WAL mode, results written in batched transactions.
import Database from 'better-sqlite3';
import { EvalspecError } from '../errors.js';
import { MIGRATIONS } from './migrations.js';
import { openSqlite, guardEntity, rowStream, storeFailure, type StoreAccess } from './sqlite-open.js';
import { SQLITE_SQL } from './sql-dialect.js';
import { sqliteCalibrations } from './sqlite-calibrations.js';
import { sqliteLeases } from './sqlite-leases.js';
import { sqliteProduction } from './production-sqlite.js';
import { sqlTokens } from './access-tokens.js';
import { sqlRateLimits } from './rate-limit-figures.js';
import { sqlRunFolds } from './run-folds.js';
import { sqliteCaseKeys } from './case-keys.js';
import { resultPageFromRaw, resultPageSql } from './result-pages.js';
import { caseTallyFromRaw, caseTallySql } from './run-figures.js';
import { registerRunFigureFold, sqliteRunFigures } from './sqlite-run-figures.js';
import { pairedTallyFromRaw, pairedTallySql } from './compare-tallies.js';
import type { CaseTally, OutcomeRow, PairedSides, PairedTally, ResultPageQuery, RunFigureRows } from './types.js';
import {
  RESULT_COLUMNS,
  SLIM_COLUMNS,
  OUTCOME_COLUMNS,
  outcomeFromRaw,
  NO_TRANSCRIPT_COLUMNS,
  aggregateFromRow,
  aggregateSql,
  countFromRow,
  countSql,
  cachePageSql,
  caseFromRow,
  labelFromRow,
  messagesHash,
  resultFromRaw,
  resultValues,
  runFromRow,
  type Row,
} from './rows.js';
import type { AppliedMigration, Store, RunRecord, RunStatus, CaseRow, ResultRow, ResultQuery, CachedResponse, LabelRow, LabelQuery } from './types.js';

/** Rows handed to a results.scan callback between two turns of the event loop. */
const SCAN_CHUNK = 10_000;

/** Raw rows handed to `visit` a chunk at a time, with a turn of the event loop between chunks (a server stays responsive). */
async function scanChunks(rows: IterableIterator<unknown[]>, visit: (raw: unknown[]) => void): Promise<void> {
  try {
    for (;;) {
      for (let k = 0; k < SCAN_CHUNK; k++) {
        const n = rows.next();
        if (n.done) return;
        visit(n.value);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    rows.return?.();
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly location: string;
  readonly capabilities = SQLITE_SQL.capabilities;
  private db: Database.Database;
  private stmts: Record<string, Database.Statement>;
  /** Hashes of messages written lately (bounded: the same messages recur across variants of a case). */
  private knownMessages = new Set<string>();
  /** results.list statements by SQL (a handful of shapes). */
  private listStatements = new Map<string, Database.Statement>();

  /** False when the file could only be opened read-only (a reading command on a read-only store). */
  readonly writable: boolean;

  constructor(file: string, access: StoreAccess = 'read-write') {
    this.location = file;
    const opened = openSqlite(file, access);
    this.db = opened.db;
    this.writable = opened.writable;
    try {
      if (this.pendingMigrations()) {
        if (!this.writable) {
          throw new EvalspecError('STORE', 'the store was written by an older evalspec and is read-only, so it cannot be upgraded', {
            file,
            hint: 'open it once with write access (any evalspec command upgrades it), or pass --db with a writable copy',
          });
        }
        this.migrate();
      }
      this.stmts = this.prepareStatements();
      // The viewer's text search lower-cases as JavaScript does (SQLite's lower() folds ASCII only): result-pages.ts.
      this.db.function('evalspec_lower', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : null));
      registerRunFigureFold(this.db);
    } catch (error) {
      this.db.close();
      throw storeFailure(error, file);
    }
    for (const entity of ['runs', 'cases', 'results', 'labels', 'calibrations', 'tokens', 'rateLimits', 'folds', 'cache'] as const) {
      (this as Record<typeof entity, object>)[entity] = guardEntity(this[entity], (error) => storeFailure(error, file));
    }
    const production = sqliteProduction(() => this.db);
    const failure = (error: unknown) => storeFailure(error, file);
    this.production = { ...guardEntity(production, failure), alerts: guardEntity(production.alerts, failure), labels: guardEntity(production.labels, failure) };
  }

  private prepareStatements(): Record<string, Database.Statement> {
    return {
      insertRun: this.db.prepare(`INSERT INTO runs (id, suite_name, suite_hash, suite_file, label, status, format_version, config_json,
        variants_json, repeat_count, git_commit, git_branch, total_calls, started_at, ended_at, warnings_json, selection_json)
        VALUES (@id, @suiteName, @suiteHash, @suiteFile, @label, @status, @formatVersion, @config, @variants, @repeat, @gitCommit,
        @gitBranch, @totalCalls, @startedAt, @endedAt, @warnings, @selection)`),
      getRun: this.db.prepare('SELECT * FROM runs WHERE id = ?'),
      setStatus: this.db.prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?'),
      putCase: this.db.prepare(`INSERT OR REPLACE INTO cases (run_id, case_id, content_hash, tags_json, vars_json, cluster, description)
        VALUES (?, ?, ?, ?, ?, ?, ?)`),
      listCases: this.db.prepare('SELECT * FROM cases WHERE run_id = ? ORDER BY rowid'),
      putMessages: this.db.prepare('INSERT OR IGNORE INTO messages (hash, messages_json) VALUES (?, ?)'),
      putResult: this.db.prepare(`INSERT OR REPLACE INTO results (run_id, case_id, variant_id, repeat_index, output, pass, score, cached,
        latency_ms, input_tokens, output_tokens, cost_usd, error_class, error_message, attempts, checks_json, messages_hash, finished_at,
        transcript_json, ttft_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      completed: this.db.prepare('SELECT case_id, variant_id, repeat_index FROM results WHERE run_id = ? AND error_class IS NULL'),
      aggregate: this.db.prepare(aggregateSql(SQLITE_SQL)),
      count: this.db.prepare(countSql(SQLITE_SQL)),
      latencies: this.db.prepare(
        'SELECT latency_ms FROM results WHERE run_id = ? AND variant_id = ? AND latency_ms IS NOT NULL AND error_class IS NULL ORDER BY latency_ms',
      ),
      getCache: this.db.prepare('SELECT response_json FROM cache WHERE key = ?'),
      putCache: this.db.prepare('INSERT OR REPLACE INTO cache (key, response_json, created_at) VALUES (?, ?, ?)'),
    };
  }

  /** Does this version read a table the store lacks? (A reading command migrates only then.) */
  private pendingMigrations(): boolean {
    const hasTable = this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!hasTable) return true;
    const applied = new Set(this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    return MIGRATIONS.some((m) => !applied.has(m.version));
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const applied = new Set(this.db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    }
  }

  runs = {
    create: async (run: RunRecord) => {
      this.stmts.insertRun.run({
        ...run,
        config: JSON.stringify(run.config),
        variants: JSON.stringify(run.variants),
        warnings: JSON.stringify(run.warnings),
        selection: run.selection ? JSON.stringify(run.selection) : null,
      });
    },
    get: async (id: string) => {
      const row = this.stmts.getRun.get(id) as Row | undefined;
      return row ? runFromRow(row) : undefined;
    },
    list: async (filter: { suite?: string; label?: string; status?: RunStatus; limit?: number } = {}) => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.suite) (where.push('suite_name = ?'), args.push(filter.suite));
      if (filter.label) (where.push('label = ?'), args.push(filter.label));
      if (filter.status) (where.push('status = ?'), args.push(filter.status));
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id DESC LIMIT ?`;
      return (this.db.prepare(sql).all(...args, filter.limit ?? 50) as Row[]).map(runFromRow);
    },
    setStatus: async (id: string, status: RunStatus, endedAt: string | null) => {
      this.stmts.setStatus.run(status, endedAt, id);
    },
    addWarnings: async (id: string, warnings: string[]) => {
      // Read and write in one transaction: a warning stored meanwhile (another process's) is not lost.
      this.db.transaction(() => {
        const row = this.db.prepare('SELECT warnings_json FROM runs WHERE id = ?').get(id) as Row | undefined;
        if (!row) return;
        const stored = JSON.parse(row.warnings_json as string) as string[];
        const merged = [...new Set([...stored, ...warnings])];
        if (merged.length > stored.length) this.db.prepare('UPDATE runs SET warnings_json = ? WHERE id = ?').run(JSON.stringify(merged), id);
      })();
    },
  };

  cases = {
    putMany: async (runId: string, cases: CaseRow[]) => {
      this.db.transaction(() => {
        for (const c of cases) {
          this.stmts.putCase.run(runId, c.caseId, c.contentHash, JSON.stringify(c.tags), JSON.stringify(c.vars), c.cluster, c.description);
        }
      })();
    },
    list: async (runId: string) => (this.stmts.listCases.all(runId) as Row[]).map(caseFromRow),
    get: async (runId: string, caseId: string) => {
      const row = this.db.prepare('SELECT * FROM cases WHERE run_id = ? AND case_id = ?').get(runId, caseId) as Row | undefined;
      return row ? caseFromRow(row) : undefined;
    },
    hasClusters: async (runId: string) => this.db.prepare('SELECT 1 FROM cases WHERE run_id = ? AND cluster IS NOT NULL LIMIT 1').get(runId) !== undefined,
    // Made when asked: the connection is opened by the constructor, after the fields.
    keys: (runId: string) => sqliteCaseKeys(this.db).keys(runId),
    contentChanged: (runId: string, other: string) => sqliteCaseKeys(this.db).contentChanged(runId, other),
  };

  /** Raw rows of a result listing (see results.list), in stored order. */
  private resultRows(runId: string, query: ResultQuery): IterableIterator<unknown[]> {
    const where = ['r.run_id = ?'];
    const args: unknown[] = [runId];
    if (query.variantId) (where.push('r.variant_id = ?'), args.push(query.variantId));
    if (query.caseId) (where.push('r.case_id = ?'), args.push(query.caseId));
    const cols = (query.slim ? SLIM_COLUMNS : query.omitTranscript ? NO_TRANSCRIPT_COLUMNS : RESULT_COLUMNS).join(', ');
    const sql = `SELECT ${cols} FROM results r ${query.slim ? '' : 'LEFT JOIN messages m ON m.hash = r.messages_hash'}
        WHERE ${where.join(' AND ')} ORDER BY r.rowid`;
    // Reuse the statement unless another listing of the same shape is still open (a statement iterates once at a time).
    let statement = this.listStatements.get(sql);
    if (!statement || statement.busy) {
      statement = this.db.prepare(sql).raw(true);
      this.listStatements.set(sql, statement);
    }
    return statement.iterate(...args) as IterableIterator<unknown[]>;
  }

  results = {
    putMany: async (rows: ResultRow[]) => {
      this.db.transaction(() => {
        for (const r of rows) {
          let hash: string | null = null;
          if (r.messages) {
            hash = messagesHash(r.messages);
            if (!this.knownMessages.has(hash)) {
              this.stmts.putMessages.run(hash, JSON.stringify(r.messages));
              if (this.knownMessages.size >= 4096) this.knownMessages.clear();
              this.knownMessages.add(hash);
            }
          }
          this.stmts.putResult.run(...resultValues(r, hash));
        }
      })();
    },
    completedKeys: async (runId: string) => {
      const keys = new Set<string>();
      for (const r of this.stmts.completed.iterate(runId) as Iterable<Row>) {
        keys.add(`${r.case_id}\u0000${r.variant_id}\u0000${r.repeat_index}`);
      }
      return keys;
    },
    storedKeys: async (runId: string, caseIds: string[]) => {
      const keys = new Set<string>();
      const rows = this.db
        .prepare('SELECT case_id, variant_id, repeat_index FROM results WHERE run_id = ? AND case_id IN (SELECT value FROM json_each(?))')
        .iterate(runId, JSON.stringify(caseIds)) as Iterable<Row>;
      for (const r of rows) keys.add(`${r.case_id}\u0000${r.variant_id}\u0000${r.repeat_index}`);
      return keys;
    },
    list: (runId: string, query: ResultQuery = {}): AsyncIterable<ResultRow> => {
      return rowStream(this.resultRows(runId, query), (raw) => resultFromRaw(raw, runId));
    },
    scan: async (runId: string, query: ResultQuery, onRow: (row: ResultRow) => void) =>
      scanChunks(this.resultRows(runId, query), (raw) => onRow(resultFromRaw(raw, runId))),
    scanOutcomes: async (runId: string, onRow: (row: OutcomeRow) => void) => {
      // A statement of its own: a diff may scan while another listing of the connection is open.
      const statement = this.db.prepare(`SELECT ${OUTCOME_COLUMNS.join(', ')} FROM results r WHERE r.run_id = ? ORDER BY r.rowid`).raw(true);
      return scanChunks(statement.iterate(runId) as IterableIterator<unknown[]>, (raw) => onRow(outcomeFromRaw(raw)));
    },
    aggregate: async (runId: string) => (this.stmts.aggregate.all(runId) as Row[]).map(aggregateFromRow),
    count: async (runId: string) => countFromRow(this.stmts.count.get(runId) as Row),
    latencies: async (runId: string, variantId: string) => this.stmts.latencies.pluck().all(runId, variantId) as number[],
    // Viewer result pages (issue #22): the SQL is shared with PostgreSQL (result-pages.ts).
    page: async (runId: string, query: ResultPageQuery) => {
      const { count, page } = resultPageSql(SQLITE_SQL, runId, query);
      const raw = this.db.prepare(page.text).raw(true);
      return resultPageFromRaw(
        this.db
          .prepare(count.text)
          .pluck()
          .get(...count.values),
        raw.all(...page.values) as unknown[][],
      );
    },
    // The run page's figures (issue #22): one pass folded in JS (sqlite-run-figures.ts).
    figures: async (runId: string): Promise<RunFigureRows> => sqliteRunFigures(this.db, runId),
    caseTallies: async (runId: string, onRow: (tally: CaseTally) => void) => {
      const sql = caseTallySql(SQLITE_SQL, runId);
      for (const row of this.db
        .prepare(sql.text)
        .raw(true)
        .iterate(...sql.values) as IterableIterator<unknown[]>)
        onRow(caseTallyFromRaw(row));
    },
    pairedTallies: async (sides: PairedSides, onRow: (tally: PairedTally) => void) => {
      const sql = pairedTallySql(SQLITE_SQL, sides);
      for (const row of this.db
        .prepare(sql.pairs.text)
        .raw(true)
        .iterate(...sql.pairs.values) as IterableIterator<unknown[]>)
        onRow(pairedTallyFromRaw(row));
      const [casesA, casesB] = this.db
        .prepare(sql.counts.text)
        .raw(true)
        .get(...sql.counts.values) as number[];
      return { casesA, casesB };
    },
  };

  labels = {
    putMany: async (rows: LabelRow[]) => {
      // An upsert, not INSERT OR REPLACE: a row written without a preference (the viewer's form) keeps it.
      const put = this.db
        .prepare(`INSERT INTO labels (run_id, case_id, variant_id, repeat_index, label, scores_json, tag, comment, labeller, created_at, preference)
        VALUES (@runId, @caseId, @variantId, @repeat, @label, @scores, @tag, @comment, @labeller, @createdAt, @preference)
        ON CONFLICT (run_id, case_id, variant_id, repeat_index, labeller) DO UPDATE SET label = excluded.label, scores_json = excluded.scores_json,
          tag = excluded.tag, comment = excluded.comment, created_at = excluded.created_at,
          preference = CASE WHEN @keepPreference = 1 THEN labels.preference ELSE excluded.preference END`);
      this.db.transaction(() => {
        for (const l of rows) {
          put.run({
            runId: l.runId,
            caseId: l.caseId,
            variantId: l.variantId,
            repeat: l.repeat,
            label: l.label,
            scores: l.scores ? JSON.stringify(l.scores) : null,
            tag: l.tag,
            comment: l.comment,
            labeller: l.labeller,
            createdAt: l.createdAt,
            preference: l.preference ?? null,
            keepPreference: l.preference === undefined ? 1 : 0,
          });
        }
      })();
    },
    list: async (runId: string, query: LabelQuery = {}): Promise<LabelRow[]> => {
      const where = ['run_id = ?'];
      const args: unknown[] = [runId];
      if (query.caseId !== undefined) (where.push('case_id = ?'), args.push(query.caseId));
      if (query.variantId !== undefined) (where.push('variant_id = ?'), args.push(query.variantId));
      if (query.labeller !== undefined) (where.push('labeller = ?'), args.push(query.labeller));
      const rows = this.db.prepare(`SELECT * FROM labels WHERE ${where.join(' AND ')} ORDER BY created_at, rowid`).all(...args) as Row[];
      return rows.map(labelFromRow);
    },
    delete: async (key: { runId: string; caseId: string; variantId: string; repeat: number; labeller: string }) => {
      this.db
        .prepare('DELETE FROM labels WHERE run_id = ? AND case_id = ? AND variant_id = ? AND repeat_index = ? AND labeller = ?')
        .run(key.runId, key.caseId, key.variantId, key.repeat, key.labeller);
    },
  };

  calibrations: Store['calibrations'] = sqliteCalibrations(() => this.db);

  leases: Store['leases'] = sqliteLeases(() => this.db);

  readonly production: Store['production'];

  tokens: Store['tokens'] = sqlTokens({
    dialect: SQLITE_SQL,
    all: async (sql, values) => this.db.prepare(sql).all(...values) as Row[],
    run: async (sql, values) => this.db.prepare(sql).run(...values).changes,
    isUniqueViolation: (error) => (error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE',
    isMissingTable: (error) => /no such table/.test((error as Error).message),
  });

  rateLimits: Store['rateLimits'] = sqlRateLimits({
    dialect: SQLITE_SQL,
    all: async (sql, values) => this.db.prepare(sql).all(...values) as Row[],
    run: async (sql, values) => this.db.prepare(sql).run(...values),
    isMissingTable: (error) => /no such table/.test((error as Error).message),
  });

  folds: Store['folds'] = sqlRunFolds({
    dialect: SQLITE_SQL,
    all: async (sql, values) => this.db.prepare(sql).all(...values) as Row[],
    inTransaction: async (statements) => this.db.transaction(() => statements.forEach((s) => this.db.prepare(s.sql).run(...s.values)))(),
    isMissingTable: (error) => /no such table/.test((error as Error).message),
  });

  cache = {
    get: async (key: string): Promise<CachedResponse | undefined> => {
      const json = this.stmts.getCache.pluck().get(key) as string | undefined;
      return json ? JSON.parse(json) : undefined;
    },
    putMany: async (entries: { key: string; response: CachedResponse }[]) => {
      const now = new Date().toISOString();
      this.db.transaction(() => {
        for (const e of entries) this.stmts.putCache.run(e.key, JSON.stringify(e.response), now);
      })();
    },
    page: async (after: string | null, limit: number) =>
      (this.db.prepare(cachePageSql(SQLITE_SQL)).all(after ?? '', limit) as Row[]).map((r) => ({
        key: r.key as string,
        response: JSON.parse(r.response_json as string) as CachedResponse,
      })),
  };

  async migrations(): Promise<AppliedMigration[]> {
    try {
      const rows = this.db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as Row[];
      return rows.map((r) => ({ version: Number(r.version), name: r.name as string, appliedAt: r.applied_at as string }));
    } catch (error) {
      throw storeFailure(error, this.location);
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
