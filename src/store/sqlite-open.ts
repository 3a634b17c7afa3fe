// Opening the SQLite file, and SQLite failures in words. A command that only reads never creates a
// folder or a database, still works when the store is read-only (a read-only mount, a file the user may
// not write), and every SQLite failure (not a database, damaged, read-only, locked) is a STORE error that
// names the path and the fix instead of a stack trace.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { EvalspecError, isEvalspecError } from '../errors.js';

/** 'read-write' creates the store when missing (run, labels import, calibrate); 'read' never creates anything. */
export type StoreAccess = 'read-write' | 'read';

export interface OpenedSqlite {
  db: Database.Database;
  /** False when the file could only be opened read-only: migrations and writes are impossible. */
  writable: boolean;
}

const sqliteCode = (error: unknown): string => (typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '');

const DB_HINT = 'pass --db with the path of your store (default .evalspec/evalspec.db, or $EVALSPEC_DB)';

/** A SQLite failure as a STORE error naming the file and the fix; anything else is returned unchanged. */
export function storeFailure(error: unknown, file: string): unknown {
  if (isEvalspecError(error)) return error;
  const code = sqliteCode(error);
  const said = `SQLite: ${(error as Error)?.message ?? String(error)}`;
  const fail = (message: string, hint: string) => new EvalspecError('STORE', message, { file, hint, cause: error });
  if (code === 'SQLITE_NOTADB') return fail(`not an evalspec store: the file is not a SQLite database (${said})`, `${DB_HINT}, or move this file aside`);
  if (code.startsWith('SQLITE_CORRUPT')) {
    return fail(
      `the store is damaged (${said})`,
      `restore it from a backup, or move it aside and run again; \`sqlite3 ${file} .recover\` may salvage its rows`,
    );
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return fail(
      `the store is read-only and this command writes to it (${said})`,
      'make the file and its folder writable, or pass --db with a writable copy; runs, show, view, gate, diff and history work on a read-only store',
    );
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return fail(`the store is locked by another process (${said})`, 'wait for the other evalspec command to finish, then try again');
  }
  if (code.startsWith('SQLITE_FULL'))
    return fail(`the disk holding the store is full (${said})`, 'free some space, then run again (a resume continues an interrupted run)');
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return fail(`cannot read or write the store (${said})`, `check the path and its permissions, or ${DB_HINT}`);
  }
  return error;
}

/** Is this store an evalspec store? Throws when the file is another application's database. */
function checkIsStore(db: Database.Database, file: string, access: StoreAccess): void {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  if (tables.includes('schema_migrations')) return;
  if (tables.length > 0) {
    throw new EvalspecError('STORE', 'a SQLite database but not an evalspec store (it has no schema_migrations table)', {
      file,
      hint: `${DB_HINT}; evalspec does not add its tables to another application's database`,
    });
  }
  // An empty file: a store that was never written. A reading command does not turn it into one.
  if (access === 'read') {
    throw new EvalspecError('STORE', 'the store is empty: no run was ever stored in it', { file, hint: 'run `evalspec run SUITE` first, or pass --db' });
  }
}

function configure(db: Database.Database, file: string, access: StoreAccess): void {
  // Reading the header and the schema is what reveals a non-SQLite or damaged file.
  checkIsStore(db, file, access);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a crash may lose the last transaction but never corrupts the file.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  if (access === 'read') readerCache(db);
}

/**
 * A reading command's page cache at SQLite's own default (2 MB) instead of better-sqlite3's 16 MB: its scans read
 * each page once, so a full cache was 14 MB of a million-result `show` that bought nothing (the OS keeps the file
 * cached either way; measured: same wall time, issue #22).
 */
function readerCache(db: Database.Database): void {
  db.pragma('cache_size = -2000');
}

/** Read-only: the folder may not allow SQLite to create its -shm file for a WAL database. */
function openReadOnly(file: string): Database.Database {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    checkIsStore(db, file, 'read');
    readerCache(db);
    return db;
  } catch (error) {
    db.close();
    if (!/^SQLITE_(CANTOPEN|READONLY)/.test(sqliteCode(error))) throw error;
    if (existsSync(`${file}-wal`)) {
      throw new EvalspecError('STORE', `cannot read the store: its folder is read-only and it has an unfinished write-ahead log (${file}-wal)`, {
        file,
        hint: 'open it once where its folder is writable (copy the .db and its -wal file together), or make the folder writable',
        cause: error,
      });
    }
    // No -wal file: no process is writing it and everything is in the main file. SQLite cannot create the
    // shared-memory file a WAL database needs here (and this build takes no `immutable` URI), so read a
    // snapshot of the file into memory, marked as a rollback-journal database (header bytes 18–19 = 1) so
    // SQLite does not look for the WAL.
    const bytes = readFileSync(file);
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes[18] = bytes[19] = 1;
    const snapshot = new Database(bytes, { readonly: true });
    checkIsStore(snapshot, file, 'read');
    return snapshot;
  }
}

/** Open (or, for 'read-write', create) the SQLite file of a store; any failure is a STORE error. */
export function openSqlite(file: string, access: StoreAccess): OpenedSqlite {
  if (file === ':memory:') {
    const db = new Database(file);
    configure(db, file, 'read-write');
    return { db, writable: true };
  }
  if (access === 'read' && !existsSync(file)) {
    throw new EvalspecError('STORE', 'no database at this path', { file, hint: 'run `evalspec run SUITE` first, or pass --db with the path of your store' });
  }
  if (existsSync(file) && statSync(file).isDirectory()) {
    throw new EvalspecError('STORE', 'a folder, not a store file', { file, hint: `${DB_HINT}, e.g. --db ${file}/evalspec.db` });
  }
  let db: Database.Database | undefined;
  try {
    if (access === 'read-write') mkdirSync(dirname(file), { recursive: true });
    db = new Database(file, { fileMustExist: access === 'read' });
    configure(db, file, access);
    // A command that writes learns now, before any call is paid for, that it cannot (SQLite opens a file it
    // may not write read-only without a word).
    if (access === 'read-write') {
      db.exec('BEGIN IMMEDIATE');
      db.exec('ROLLBACK');
    }
    return { db, writable: true };
  } catch (error) {
    db?.close();
    const code = sqliteCode(error) || (error as NodeJS.ErrnoException)?.code || '';
    const notWritable = /^(SQLITE_READONLY|SQLITE_CANTOPEN|SQLITE_PERM|EACCES|EROFS|EPERM)/.test(code);
    if (access === 'read' && notWritable) {
      try {
        return { db: openReadOnly(file), writable: false };
      } catch (readError) {
        throw storeFailure(readError, file);
      }
    }
    if (/^(EACCES|EROFS|EPERM|ENOTDIR)$/.test(code)) {
      throw new EvalspecError('STORE', `cannot create the store: ${(error as Error).message}`, {
        file,
        hint: `check the path and its permissions, or ${DB_HINT}`,
        cause: error,
      });
    }
    throw storeFailure(error, file);
  }
}

/**
 * Wrap every method of a store entity (runs, results, …) so a driver failure met later — a damaged page read
 * in the middle of a report, a write to a read-only file, a lost connection — is a STORE error too
 * (`failure` maps a driver error to one; both dialects use this).
 */
export function guardEntity<T extends object>(entity: T, failure: (error: unknown) => unknown): T {
  const guarded: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(entity)) {
    if (typeof value !== 'function') {
      guarded[name] = value;
      continue;
    }
    guarded[name] = (...args: unknown[]) => {
      let out: unknown;
      try {
        out = value.apply(entity, args);
      } catch (error) {
        throw failure(error);
      }
      if (out instanceof Promise) return out.catch((error: unknown) => Promise.reject(failure(error)));
      if (out && typeof (out as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function')
        return guardIterator(out as AsyncIterableIterator<unknown>, failure);
      return out;
    };
  }
  return guarded as T;
}

function guardIterator<V>(source: AsyncIterableIterator<V>, failure: (error: unknown) => unknown): AsyncIterableIterator<V> {
  const iterator: AsyncIterableIterator<V> = {
    // The SQLite listing reads its row synchronously inside next(): a failure is thrown, not rejected (a
    // listing that fetches asynchronously maps its own failures: no extra promise per row here).
    next: () => {
      try {
        return source.next();
      } catch (error) {
        return Promise.reject(failure(error));
      }
    },
    return: (value?: unknown) => source.return?.(value) ?? Promise.resolve({ done: true, value: undefined as V }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * A statement's rows as an async iterator, each made into T by `make`: one resolved promise per row (an async
 * generator costs several). Breaking out of a for-await calls return(), which closes the statement so the
 * connection is free again.
 */
export function rowStream<T>(rows: IterableIterator<unknown[]>, make: (raw: unknown[]) => T): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      const n = rows.next();
      return Promise.resolve(n.done ? { done: true, value: undefined } : { done: false, value: make(n.value) });
    },
    return: () => {
      rows.return?.();
      return Promise.resolve({ done: true, value: undefined });
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
