// store/sqlite-store.ts on a real SQLite file: migrations are applied in order and recorded once, and a store
// written by an older version (the oldest published schema included) is upgraded with its rows kept. Every
// Store behaviour runs on both dialects in contract.test.ts.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, openStore, type Store } from '../../src/store/index.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';

const opened: Store[] = [];
function open(file = join(tempDir(), 'store.db')): Store {
  const store = openStore(file);
  opened.push(store);
  return store;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});
afterAll(cleanupTempDirs);

const all = async <T>(it: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
};

describe('migrations', () => {
  it('a new store records every migration once, in order; opening it again applies none twice', async () => {
    const file = join(tempDir(), 'store.db');
    await open(file).close();
    await open(file).close();
    const db = new Database(file, { readonly: true });
    const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY rowid').all() as { version: number; name: string }[];
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    db.close();
    expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(rows.map((r) => r.version)).toEqual([...rows.map((r) => r.version)].sort((a, b) => a - b));
    expect(tables).toEqual(expect.arrayContaining(['runs', 'cases', 'results', 'messages', 'cache', 'labels', 'calibrations', 'run_leases']));
  });

  it("a run's cases are read in stored order through an index, without sorting them (migration 16)", async () => {
    const file = join(tempDir(), 'store.db');
    await open(file).close();
    const db = new Database(file, { readonly: true });
    // The query cases.keys runs; before migration 16 SQLite sorted the run's cases in a temporary B-tree.
    const plan = db.prepare('EXPLAIN QUERY PLAN SELECT case_id, content_hash, tags_json, cluster FROM cases WHERE run_id = ? ORDER BY rowid').all('r1') as {
      detail: string;
    }[];
    db.close();
    expect(plan.map((p) => p.detail)).toEqual(['SEARCH cases USING INDEX cases_run (run_id=?)']);
  });

  it('a store at migration 6 is upgraded: migration 7 moves win/loss/tie labels to the preference column', async () => {
    const file = join(tempDir(), 'old.db');
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of MIGRATIONS.filter((x) => x.version <= 6)) {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(m.version, m.name, 'then');
    }
    db.prepare(
      `INSERT INTO runs (id, suite_name, suite_hash, suite_file, status, format_version, config_json, variants_json, repeat_count,
      total_calls, started_at, warnings_json) VALUES ('r1', 's', 'h', 'f', 'completed', 1, '{}', '[]', 1, 1, 't', '[]')`,
    ).run();
    const label = db.prepare(
      `INSERT INTO labels (run_id, case_id, variant_id, repeat_index, label, labeller, created_at) VALUES ('r1', ?, 'v', 0, ?, 'ann', 't')`,
    );
    label.run('c1', 'win');
    label.run('c2', 'pass');
    db.close();

    const store = open(file);
    const labels = await store.labels.list('r1');
    expect(labels.map((l) => [l.caseId, l.label, l.preference])).toEqual([
      ['c1', null, 'win'],
      ['c2', 'pass', null],
    ]);
    const check = new Database(file, { readonly: true });
    expect(check.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
    check.close();
  });

  it('a store at the oldest published schema (migration 1) is upgraded to the latest, its run, result and cache kept', async () => {
    const file = join(tempDir(), 'v1.db');
    const db = new Database(file);
    db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    db.exec(MIGRATIONS[0].sql);
    db.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(1, MIGRATIONS[0].name, 'then');
    db.prepare(
      `INSERT INTO runs (id, suite_name, suite_hash, suite_file, status, format_version, config_json, variants_json, repeat_count,
      total_calls, started_at, warnings_json) VALUES ('r1', 'demo', 'h1', '/s/evalspec.yaml', 'completed', 1, '{}', '[]', 1, 1, 't', '[]')`,
    ).run();
    db.prepare(
      `INSERT INTO results (run_id, case_id, variant_id, repeat_index, output, pass, score, cached, attempts, checks_json, finished_at)
      VALUES ('r1', 'c1', 'v', 0, 'old output', 1, 1, 0, 1, '[]', 't')`,
    ).run();
    db.prepare(`INSERT INTO cache (key, response_json, created_at) VALUES ('k', '{"text":"cached"}', 't')`).run();
    db.close();

    const store = open(file);
    expect((await store.migrations()).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await store.runs.get('r1'))!.selection).toBeNull(); // migration 6's column: unknown for an old run
    const results = await all(store.results.list('r1'));
    expect(results.map((r) => [r.caseId, r.output, r.pass, r.latencyMs, r.messages])).toEqual([['c1', 'old output', true, null, null]]);
    expect((await store.cache.get('k'))!.text).toBe('cached');
    // The tables of later migrations work on the upgraded store.
    await store.labels.putMany([
      { runId: 'r1', caseId: 'c1', variantId: 'v', repeat: 0, label: 'pass', scores: null, tag: null, comment: null, labeller: 'ann', createdAt: 't' },
    ]);
    expect((await store.labels.list('r1'))[0].label).toBe('pass');
    const lease = { runId: 'r1', token: 'A', pid: 1, host: 'h', acquiredAt: 't', heartbeatAt: 't', expiresAt: 10 };
    expect(await store.leases.acquire(lease, 0)).toEqual({ acquired: true });
  });
});
