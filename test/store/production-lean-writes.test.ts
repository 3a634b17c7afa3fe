// SQLite migration 14 / PostgreSQL migration 9 (store/production-lean-writes.ts): the score queue and the scores
// clustered in time order on SQLite (no index at hashed record ids left on them), the spend index only of judged
// scores on both. What must not change: exactly once per (record, monitor), claims oldest first, a record's scores,
// the judge spend; and a store upgraded with entries and scores in it keeps them all.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, PG_MIGRATIONS, type StoreKind } from '../../src/store/index.js';
import { pgQuery } from '../helpers/pg.js';
import { testAllStores } from './all-stores.js';
import { at, record, score } from './production-fixture.js';

const LEAN_MIGRATION = 'production queue and scores: clustered in time order (SQLite), spend index of judged scores only';

async function exec(kind: StoreKind, location: string, sql: string): Promise<void> {
  if (kind === 'postgres') return void (await pgQuery(location, sql, []));
  const db = new Database(location);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

const holder = { holder: 'h', now: 1000, leaseUntil: 61_000 };

testAllStores('store contract: production queue and scores after migration 14 (SQLite) / 9 (PostgreSQL)', ({ kind, fresh, open, query }) => {
  it('a store upgraded with queued entries and scores keeps them: claimable, completed once, scores and spend as before', async () => {
    const location = await fresh();
    const migrations = kind === 'postgres' ? PG_MIGRATIONS : MIGRATIONS;
    const upTo = migrations.findIndex((m) => m.name === LEAN_MIGRATION);
    expect(upTo).toBeGreaterThan(0);
    await exec(kind, location, 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of migrations.slice(0, upTo)) {
      await exec(kind, location, m.sql);
      await exec(kind, location, `INSERT INTO schema_migrations VALUES (${m.version}, '${m.name.replace(/'/g, "''")}', 'then')`);
    }
    const insertRecord = (id: string, minute: number) =>
      exec(
        kind,
        location,
        `INSERT INTO production_records (id, suite, trace_id, span_id, started_at, ingested_at, source, tool_calls_json, attributes_json, tags_json,
          content_hash) VALUES ('${id}', 'support', 't-${id}', 's-${id}', '${at(minute)}', '${at(minute)}', 'otlp', '[]', '{}', '[]', 'h-${id}')`,
      );
    for (const [id, minute] of [
      ['q2', 2],
      ['q1', 1],
      ['judged', 3],
      ['plain', 4],
    ] as const)
      await insertRecord(id, minute);
    await exec(kind, location, `INSERT INTO production_queue (record_id, monitor, suite, started_at) VALUES ('q2', 'm', 'support', '${at(2)}')`);
    await exec(kind, location, `INSERT INTO production_queue (record_id, monitor, suite, started_at) VALUES ('q1', 'm', 'support', '${at(1)}')`);
    const oldScore = (id: string, minute: number, cost: string) =>
      exec(
        kind,
        location,
        `INSERT INTO production_scores (record_id, monitor, suite, started_at, scored_at, status, passed, critical_failed, checks_json,
          judge_cost_usd, metrics_json) VALUES ('${id}', 'm', 'support', '${at(minute)}', '${at(50)}', 'scored', 1, 0, '[]', ${cost}, '{}')`,
      );
    await oldScore('judged', 3, '0.25');
    await oldScore('plain', 4, 'NULL');

    const store = await open(location);
    // Stored before: still there, still read by record.
    expect((await store.production.scores('judged')).map((s) => [s.recordId, s.judgeCostUsd])).toEqual([['judged', 0.25]]);
    expect((await store.production.scores('plain')).map((s) => [s.recordId, s.judgeCostUsd])).toEqual([['plain', null]]);
    expect(await store.production.judgeSpend('support', 'm', at(0))).toBeCloseTo(0.25, 12);
    // Queued before: claimed oldest first, completed once; a second completion (a retry) stores nothing more.
    expect(await store.production.claim({ suite: 'support', limit: 10, ...holder })).toEqual([
      { recordId: 'q1', monitor: 'm' },
      { recordId: 'q2', monitor: 'm' },
    ]);
    await store.production.complete([score('q1', 'm', { judgeCostUsd: 0.5 }), score('q2', 'm')]);
    await store.production.complete([score('q1', 'm', { judgeCostUsd: 0.5, passed: false })]);
    expect(await store.production.queueDepth('support')).toBe(0);
    expect((await store.production.scores('q1')).map((s) => [s.passed, s.judgeCostUsd])).toEqual([[true, 0.5]]);
    // 0.25 + 0.5 (the retry not counted twice); unjudged scores add nothing.
    expect(await store.production.judgeSpend('support', 'm', at(0))).toBeCloseTo(0.75, 12);
    const versions = (await query<{ version: number }>(location, 'SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version));
    expect(versions).toEqual(migrations.map((m) => m.version));
  });

  it('records filtered by monitor and failure, and labels by monitor, still find their scores', async () => {
    const store = await open();
    await store.production.putRecords([record('a', 1), record('b', 2), record('c', 3)], [{ recordId: 'a', monitor: 'm' }]);
    await store.production.complete([score('a', 'm', { passed: false }), score('b', 'm'), score('c', 'other', { passed: false })]);
    const listed = async (q: { monitor?: string; failed?: boolean }) => {
      const out: string[] = [];
      for await (const r of store.production.records({ suite: 'support', ...q })) out.push(r.id);
      return out.sort();
    };
    expect(await listed({ monitor: 'm' })).toEqual(['a', 'b']);
    expect(await listed({ monitor: 'm', failed: true })).toEqual(['a']);
    expect(await listed({ failed: true })).toEqual(['a', 'c']);
    expect(await listed({ failed: false })).toEqual(['b']);
    await store.production.labels.put({ recordId: 'a', labeller: 'ana', verdict: 'fail', errorTags: [], note: null, createdAt: at(60) });
    await store.production.labels.put({ recordId: 'c', labeller: 'ana', verdict: 'fail', errorTags: [], note: null, createdAt: at(60) });
    expect((await store.production.labels.list({ suite: 'support', monitor: 'm' })).map((l) => l.recordId)).toEqual(['a']);
  });

  it('the spend index holds only judged scores', async () => {
    const location = await fresh();
    await open(location);
    if (kind === 'postgres') {
      const [index] = await query<{ indexdef: string }>(location, "SELECT indexdef FROM pg_indexes WHERE indexname = 'production_scores_spend'");
      expect(index.indexdef).toMatch(/WHERE \(judge_cost_usd IS NOT NULL\)/);
    } else {
      const [index] = await query<{ sql: string }>(location, "SELECT sql FROM sqlite_master WHERE name = 'production_scores_spend'");
      expect(index.sql).toMatch(/WHERE judge_cost_usd IS NOT NULL/);
      const plan = await query<{ detail: string }>(
        location,
        "EXPLAIN QUERY PLAN SELECT COALESCE(SUM(judge_cost_usd), 0) FROM production_scores WHERE suite = 's' AND monitor = 'm' AND scored_at >= 'x' AND judge_cost_usd IS NOT NULL",
      );
      expect(plan.map((p) => p.detail).join(' ')).toMatch(/production_scores_spend/);
    }
  });
});

describe('SQLite: no index of the queue or the scores at hashed record ids', () => {
  it('both tables are clustered on (suite, started_at, record_id, monitor), and no index of theirs starts with record_id', async () => {
    const { openStore } = await import('../../src/store/index.js');
    const { tempDir } = await import('../helpers/cli.js');
    const file = `${tempDir()}/lean.db`;
    const store = openStore(file);
    await store.production.queueDepth('support');
    await store.close();
    const db = new Database(file, { readonly: true });
    try {
      for (const table of ['production_queue', 'production_scores']) {
        expect((db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string).replace(/\s+/g, ' ')).toMatch(
          /PRIMARY KEY \(suite, started_at, record_id, monitor\) \) WITHOUT ROWID/,
        );
        for (const index of db.pragma(`index_list(${table})`) as { name: string; origin: string }[]) {
          if (index.origin === 'pk') continue; // the table itself (WITHOUT ROWID)
          const first = (db.pragma(`index_info(${index.name})`) as { name: string }[])[0]!.name;
          expect({ table, index: index.name, first }).not.toMatchObject({ first: 'record_id' });
        }
      }
    } finally {
      db.close();
    }
  });
});
