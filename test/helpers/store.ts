// Read the SQLite store a CLI run wrote, read-only, from the test process (the CLI may still be running:
// the store is in WAL mode, so a reader never blocks the writer).
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const dbPath = (dir: string): string => join(dir, '.evalspec/evalspec.db');

/** Rows of a query against the store in dir; [] when no store was created. */
export function queryDb<T = Record<string, unknown>>(dir: string, sql: string, ...args: unknown[]): T[] {
  const file = dbPath(dir);
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare(sql).all(...args) as T[];
  } catch (error) {
    // The CLI creates the file first and its tables a moment later.
    if (/no such table/.test((error as Error).message)) return [];
    throw error;
  } finally {
    db.close();
  }
}

/** How many rows a table holds (0 when no store exists). */
export function countRows(dir: string, table: 'runs' | 'results' | 'cache' | 'cases', where = '', ...args: unknown[]): number {
  const rows = queryDb<{ n: number }>(dir, `SELECT COUNT(*) AS n FROM ${table} ${where}`, ...args);
  return rows[0]?.n ?? 0;
}
