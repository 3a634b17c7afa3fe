// store/sqlite-open.ts: 'read' never creates anything and names the path and the fix for each kind of
// wrong file; 'read-write' creates the store (and its folder); SQLite failure codes become STORE errors.
// (The read-only-file and read-only-folder cases run through the CLI in test/e2e/store-open.test.ts.)
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { openSqlite, storeFailure } from '../../src/store/sqlite-open.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

/** The STORE error opening `file` throws (fails the test when it opens). */
interface StoreError {
  code: string;
  message: string;
  hint?: string;
  location: { file?: string };
  cause?: unknown;
}
function openError(file: string, access: 'read' | 'read-write'): StoreError {
  try {
    openSqlite(file, access).db.close();
  } catch (error) {
    return error as StoreError;
  }
  throw new Error(`${file} opened for ${access}`);
}

describe('openSqlite', () => {
  it("'read' on a missing path: a STORE error naming it, and no folder or file is created", () => {
    const file = join(tempDir(), 'nested', 'evalspec.db');
    const e = openError(file, 'read');
    expect(e).toMatchObject({ code: 'STORE', message: 'no database at this path', location: { file } });
    expect(e.hint).toMatch(/evalspec run SUITE/);
    expect(existsSync(join(file, '..'))).toBe(false);
  });

  it("'read-write' creates the folder and a writable WAL store", () => {
    const file = join(tempDir(), 'a', 'b', 'evalspec.db');
    const { db, writable } = openSqlite(file, 'read-write');
    expect(writable).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
    expect(existsSync(file)).toBe(true);
  });

  it('a folder given as the store: the error suggests a file inside it', () => {
    const dir = tempDir();
    for (const access of ['read', 'read-write'] as const) {
      const e = openError(dir, access);
      expect(e.message).toBe('a folder, not a store file');
      expect(e.hint).toContain(`--db ${dir}/evalspec.db`);
    }
  });

  it('a text file is not a SQLite database, and is left untouched', () => {
    const file = join(tempDir(), 'notes.db');
    writeFileSync(file, 'just some notes, not SQLite at all '.repeat(100));
    const before = readFileSync(file);
    for (const access of ['read', 'read-write'] as const) {
      expect(openError(file, access)).toMatchObject({
        code: 'STORE',
        message: expect.stringMatching(/^not an evalspec store: the file is not a SQLite database/),
      });
    }
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("another application's database is refused, for reading and writing, and gets no tables of ours", () => {
    const file = join(tempDir(), 'app.db');
    const app = new Database(file);
    app.exec('CREATE TABLE users (id INTEGER)');
    app.close();
    for (const access of ['read', 'read-write'] as const)
      expect(openError(file, access).message).toMatch(/not an evalspec store \(it has no schema_migrations table\)/);
    const check = new Database(file, { readonly: true });
    expect(check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual(['users']);
    check.close();
  });

  it("an empty file: 'read' says no run was ever stored; 'read-write' makes it a store", async () => {
    const file = join(tempDir(), 'empty.db');
    writeFileSync(file, '');
    expect(openError(file, 'read').message).toBe('the store is empty: no run was ever stored in it');
    const store = openStore(file, { access: 'read-write' });
    expect(await store.runs.list()).toEqual([]);
    await store.close();
    // Now a (migrated) store: reading it works.
    const reader = openStore(file, { access: 'read' });
    expect(await reader.runs.list()).toEqual([]);
    await reader.close();
  });

  it("':memory:' is a writable store; a postgres URL opens the PostgreSQL store, shown without its password", async () => {
    const mem = openStore(':memory:');
    await mem.cache.putMany([{ key: 'k', response: { text: 't', inputTokens: null, outputTokens: null, latencyMs: null, costUsd: null, finishReason: null } }]);
    expect((await mem.cache.get('k'))!.text).toBe('t');
    await mem.close();
    // Port 1: nothing listens; opening does not wait for the connection, the first use would report it.
    const team = openStore('postgresql://u:pw@127.0.0.1:1/db');
    expect([team.kind, team.location]).toEqual(['postgres', 'postgresql://u:***@127.0.0.1:1/db']);
    await team.close();
  });

  it('the default location is .evalspec/evalspec.db under cwd (or $EVALSPEC_DB)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const saved = process.env.EVALSPEC_DB;
    delete process.env.EVALSPEC_DB;
    try {
      await openStore(undefined, { cwd: dir }).close();
      expect(existsSync(join(dir, '.evalspec/evalspec.db'))).toBe(true);
      process.env.EVALSPEC_DB = 'sub/custom.db';
      await openStore(undefined, { cwd: dir }).close();
      expect(existsSync(join(dir, 'sub/custom.db'))).toBe(true);
    } finally {
      if (saved === undefined) delete process.env.EVALSPEC_DB;
      else process.env.EVALSPEC_DB = saved;
    }
  });
});

describe('storeFailure', () => {
  const sqlite = (code: string) => Object.assign(new Error(`SQLite said ${code}`), { code });
  it.each([
    ['SQLITE_NOTADB', /not a SQLite database/, /move this file aside/],
    ['SQLITE_CORRUPT', /damaged/, /\.recover/],
    ['SQLITE_READONLY_DBMOVED', /read-only and this command writes/, /writable/],
    ['SQLITE_BUSY', /locked by another process/, /wait for the other evalspec command/],
    ['SQLITE_FULL', /disk holding the store is full/, /free some space/],
    ['SQLITE_CANTOPEN', /cannot read or write the store/, /permissions/],
  ])('%s: names the file, what happened and the fix', (code, message, hint) => {
    const e = storeFailure(sqlite(code), '/x/evalspec.db') as StoreError;
    expect(e).toMatchObject({ code: 'STORE', location: { file: '/x/evalspec.db' } });
    expect(e.message).toMatch(message);
    expect(e.message).toContain(`SQLite said ${code}`);
    expect(e.hint).toMatch(hint);
    expect((e.cause as { code: string }).code).toBe(code);
  });
  it('anything else is returned unchanged', () => {
    const other = new RangeError('not SQLite');
    expect(storeFailure(other, 'f')).toBe(other);
    const constraint = sqlite('SQLITE_CONSTRAINT_PRIMARYKEY');
    expect(storeFailure(constraint, 'f')).toBe(constraint);
  });
});
