// What only the PostgreSQL store does (the shared behaviour is in contract*.test.ts): URLs shown with their
// password replaced, text PostgreSQL cannot hold (U+0000) stored instead of failing a batch, a calibration id's
// U+0000 separators kept, and a database that belongs to another application left alone.
import { describe, expect, it } from 'vitest';
import { openStore, redactLocation, type ResultRow, type RunRecord } from '../../src/store/index.js';
import { scrub } from '../../src/store/pg-open.js';
import { createPgDatabase, createPgSchema, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';

describe('redacting a store URL', () => {
  it('replaces the password and password parameters, keeps the rest; a file path is unchanged', () => {
    expect(redactLocation('postgres://evals:s3cr%40t@db.internal:5433/evals?sslmode=require')).toBe(
      'postgres://evals:***@db.internal:5433/evals?sslmode=require',
    );
    expect(redactLocation('postgresql://db/evals?user=evals&password=hunter2')).toBe('postgresql://db/evals?user=evals&password=***');
    expect(redactLocation('postgres://evals@db/evals')).toBe('postgres://evals@db/evals');
    expect(redactLocation('.evalspec/evalspec.db')).toBe('.evalspec/evalspec.db');
  });

  it('scrubs the password from a driver message, as written and decoded', () => {
    const url = 'postgres://evals:s3cr%40t@db/evals';
    expect(scrub(`failed for s3cr@t and s3cr%40t at ${url}`, url)).toBe('failed for *** and *** at postgres://evals:***@db/evals');
  });
});

const mode = pgTestMode();
const run: RunRecord = {
  id: 'r1',
  suiteName: 's',
  suiteHash: 'h',
  suiteFile: 'f',
  label: null,
  status: 'started',
  formatVersion: 1,
  config: {},
  variants: [],
  repeat: 1,
  gitCommit: null,
  gitBranch: null,
  totalCalls: 2,
  startedAt: 't',
  endedAt: null,
  warnings: [],
};
const result = (caseId: string, extra: Partial<ResultRow> = {}): ResultRow => ({
  runId: 'r1',
  caseId,
  variantId: 'v',
  repeat: 0,
  output: 'out',
  pass: true,
  score: 1,
  cached: false,
  latencyMs: 1,
  inputTokens: 1,
  outputTokens: 1,
  costUsd: 0,
  errorClass: null,
  errorMessage: null,
  attempts: 1,
  checks: [{ type: 'equals', metric: 'equals', severity: 'normal', weight: 1, pass: true, score: 1, reason: 'a \u0000 in JSON is escaped' }],
  messages: null,
  finishedAt: 't',
  ...extra,
});

describe.skipIf(mode === 'skip')('the PostgreSQL store', () => {
  it('a U+0000 in an output is stored as U+FFFD (PostgreSQL text cannot hold it) instead of failing the batch; JSON keeps it', async () => {
    if (mode === 'fail') throw new Error(pgUnavailableReason());
    const store = openStore(await createPgSchema(await createPgDatabase()));
    try {
      await store.runs.create(run);
      await store.results.putMany([result('a', { output: 'before\u0000after' }), result('b')]);
      const rows = [];
      for await (const r of store.results.list('r1')) rows.push(r);
      expect(rows.map((r) => r.output)).toEqual(['before\uFFFDafter', 'out']);
      expect(rows[0].checks[0].reason).toBe('a \u0000 in JSON is escaped');
    } finally {
      await store.close();
    }
  });

  it("a database with another application's tables: a STORE error, and no table of ours is added", async () => {
    if (mode === 'fail') throw new Error(pgUnavailableReason());
    const url = await createPgDatabase();
    await pgQuery(url, 'CREATE TABLE invoices (id int)');
    const store = openStore(url);
    try {
      await expect(store.runs.list()).rejects.toMatchObject({ code: 'STORE', message: expect.stringContaining('not an evalspec store') });
    } finally {
      await store.close();
    }
    const tables = await pgQuery<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");
    expect(tables.map((t) => t.tablename)).toEqual(['invoices']);
  });

  it('two connections upserting the same results in opposite orders both commit (a deadlock is retried)', async () => {
    if (mode === 'fail') throw new Error(pgUnavailableReason());
    const url = await createPgSchema(await createPgDatabase());
    const [a, b] = [openStore(url), openStore(url)];
    try {
      await a.runs.create(run);
      const batch = Array.from({ length: 400 }, (_, i) => result(`c${i}`, { attempts: 1 }));
      for (let round = 0; round < 5; round++) {
        await Promise.all([a.results.putMany(batch), b.results.putMany([...batch].reverse().map((r) => ({ ...r, attempts: 2 })))]);
      }
      expect((await a.results.completedKeys('r1')).size).toBe(400);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
