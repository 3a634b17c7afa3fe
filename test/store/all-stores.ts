// testAllStores: one Store behaviour suite, run against every dialect (SQLite and a real PostgreSQL). A test
// gets a context that opens fresh, empty stores of its dialect and closes them after the test. The PostgreSQL
// half skips locally when no PostgreSQL is available (printing why) and fails under CI=true (never silently).
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, describe, it } from 'vitest';
import { openStore, type ResultRow, type RunRecord, type Store, type StoreAccess, type StoreKind } from '../../src/store/index.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';
import { createPgDatabase, createPgSchema, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';

export interface StoreTestContext {
  kind: StoreKind;
  /** The location of a new, empty store of this dialect (a file path, or a URL to its own schema). */
  fresh(): Promise<string>;
  /** Open the store at `location` (default: a fresh one); closed after the test. */
  open(location?: string, access?: StoreAccess): Promise<Store>;
  /** Rows of raw SQL on the store at `location`, for what the interface does not show (how things are stored). */
  query<T = Record<string, unknown>>(location: string, sql: string): Promise<T[]>;
}

let reasonPrinted = false;

export function testAllStores(name: string, body: (ctx: StoreTestContext) => void): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const mode = kind === 'postgres' ? pgTestMode() : 'run';
    const title = `${name} [${kind}]`;
    if (mode === 'fail') {
      describe(title, () => {
        it('needs PostgreSQL (CI never skips the PostgreSQL half)', () => {
          throw new Error(`the PostgreSQL half of the store contract cannot run under CI: ${pgUnavailableReason()}`);
        });
      });
      continue;
    }
    if (mode === 'skip') {
      if (!reasonPrinted) console.warn(`skipping the PostgreSQL half of the store tests: ${pgUnavailableReason()}`);
      reasonPrinted = true;
      describe.skip(title, () => body(contextFor(kind)));
      continue;
    }
    describe(title, () => body(contextFor(kind)));
  }
}

function contextFor(kind: StoreKind): StoreTestContext {
  const opened: Store[] = [];
  let database: Promise<string> | undefined;
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });
  afterAll(cleanupTempDirs);
  const fresh = async () => {
    if (kind === 'sqlite') return join(tempDir(), 'store.db');
    database ??= createPgDatabase();
    return createPgSchema(await database);
  };
  return {
    kind,
    fresh,
    open: async (location, access) => {
      const store = openStore(location ?? (await fresh()), { access });
      opened.push(store);
      return store;
    },
    query: async <T>(location: string, sql: string) => {
      if (kind === 'postgres') return pgQuery<T>(location, sql);
      const db = new Database(location, { readonly: true });
      try {
        return db.prepare(sql).all() as T[];
      } finally {
        db.close();
      }
    },
  };
}

/** A run record for store tests: one openai:gpt-4o variant, started, 4 calls; `extra` overrides any field. */
export const storedRun = (id: string, extra: Partial<RunRecord> = {}): RunRecord => ({
  id,
  suiteName: 'demo',
  suiteHash: 'h1',
  suiteFile: '/s/evalspec.yaml',
  label: null,
  status: 'started',
  formatVersion: 1,
  config: { name: 'demo', models: ['openai:gpt-4o'] },
  repeat: 1,
  gitCommit: null,
  gitBranch: null,
  totalCalls: 4,
  variants: [{ id: 'gpt-4o', label: 'gpt-4o', model: 'openai:gpt-4o', providerType: 'openai', modelId: 'gpt-4o', prompt: 'v1' }],
  startedAt: '2026-12-05T10:00:00.000Z',
  endedAt: null,
  warnings: [],
  selection: { models: null, repeat: 1 },
  ...extra,
});

/** A result of run r1 for store tests: gpt-4o, repeat 0, passed by one `equals` check; `extra` overrides any field. */
export const storedResult = (caseId: string, extra: Partial<ResultRow> = {}): ResultRow => ({
  runId: 'r1',
  caseId,
  variantId: 'gpt-4o',
  repeat: 0,
  output: `out ${caseId}`,
  pass: true,
  score: 1,
  cached: false,
  latencyMs: 100,
  inputTokens: 10,
  outputTokens: 5,
  costUsd: 0.001,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [{ type: 'equals', metric: 'equals', severity: 'normal', weight: 1, pass: true, score: 1, reason: 'equal' }],
  messages: [{ role: 'user', content: `Q ${caseId}` }],
  finishedAt: '2026-12-05T10:00:01.000Z',
  ...extra,
});
