// The production records' input language (issue #15, input drift by language) on both dialects: stored and read
// back by get(), records() and observations(); unknown stays null; and a store created before the column existed
// is upgraded with its existing records' language null (unknown), never a guess.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, PG_MIGRATIONS, type StoreKind } from '../../src/store/index.js';
import { pgQuery } from '../helpers/pg.js';
import { testAllStores } from './all-stores.js';
import { at, record, score } from './production-fixture.js';

const LANGUAGE_MIGRATION = 'production records: input language';

/** Run SQL on the raw store at `location` (writable), as an older evalspec would have. */
async function exec(kind: StoreKind, location: string, sql: string, values: unknown[] = []): Promise<void> {
  if (kind === 'postgres') {
    await pgQuery(location, sql, values);
    return;
  }
  const db = new Database(location);
  try {
    if (values.length) db.prepare(sql).run(...values);
    else db.exec(sql);
  } finally {
    db.close();
  }
}

testAllStores('store contract: production record language', ({ kind, fresh, open, query }) => {
  it('a record keeps its language; unknown is null; observations carry it', async () => {
    const store = await open();
    await store.production.putRecords(
      [record('a', 1, { language: 'fr' }), record('b', 2, { language: null }), record('c', 3, { language: 'ja' })],
      [
        { recordId: 'a', monitor: 'm' },
        { recordId: 'b', monitor: 'm' },
      ],
    );
    expect((await store.production.get('a'))!.language).toBe('fr');
    expect((await store.production.get('b'))!.language).toBeNull();
    const listed: [string, string | null][] = [];
    for await (const r of store.production.records({ suite: 'support', since: at(0) })) listed.push([r.id, r.language]);
    expect(listed).toEqual([
      ['a', 'fr'],
      ['b', null],
      ['c', 'ja'],
    ]);
    await store.production.complete([score('a', 'm'), score('b', 'm')]);
    const observed: [string, string | null][] = [];
    for await (const o of store.production.observations({ suite: 'support', monitor: 'm' })) observed.push([o.recordId, o.language]);
    expect(observed).toEqual([
      ['a', 'fr'],
      ['b', null],
    ]);
  });

  it('a store from before the language column is upgraded: its records read language null, new ones keep theirs', async () => {
    const location = await fresh();
    const migrations = kind === 'postgres' ? PG_MIGRATIONS : MIGRATIONS;
    const upTo = migrations.findIndex((m) => m.name === LANGUAGE_MIGRATION);
    expect(upTo).toBeGreaterThan(0);
    await exec(kind, location, 'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of migrations.slice(0, upTo)) {
      await exec(kind, location, m.sql);
      await exec(kind, location, `INSERT INTO schema_migrations VALUES (${m.version}, '${m.name.replace(/'/g, "''")}', 'then')`);
    }
    await exec(
      kind,
      location,
      `INSERT INTO production_records (id, suite, trace_id, span_id, started_at, ingested_at, source, input_json, tool_calls_json, attributes_json,
        tags_json, content_hash) VALUES ('old', 'support', 't', 's', '${at(0)}', '${at(1)}', 'jsonl',
        '[{"role":"user","content":"Où est ma commande ? Je l''ai achetée il y a deux semaines."}]', '[]', '{}', '[]', 'h')`,
    );

    const store = await open(location);
    // French text, but stored before detection: unknown, not detected after the fact.
    expect((await store.production.get('old'))!.language).toBeNull();
    await store.production.putRecords([record('new', 5, { language: 'de' })], []);
    expect((await store.production.get('new'))!.language).toBe('de');
    const versions = (await query<{ version: number }>(location, 'SELECT version FROM schema_migrations ORDER BY version')).map((r) => Number(r.version));
    expect(versions).toEqual(migrations.map((m) => m.version));
  });
});

describe('the language migration', () => {
  it('is one self-contained entry per dialect, adding a nullable column', () => {
    for (const list of [MIGRATIONS, PG_MIGRATIONS]) {
      const entries = list.filter((m) => m.name === LANGUAGE_MIGRATION);
      expect(entries).toHaveLength(1);
      expect(entries[0].sql).toMatch(/ALTER TABLE production_records ADD COLUMN language TEXT/);
      expect(entries[0].sql).not.toMatch(/NOT NULL|DEFAULT/);
    }
  });
});
