// What differs between store dialects, in one small description per dialect, and where a location (--db,
// $EVALSPEC_DB) is sent. Everything above the store sees only the Store interface: a dialect is chosen here by
// the location and nowhere else (no `store.kind` checks outside src/store).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PgStore, redactUrl } from './pg-store.js';
import { SqliteStore } from './sqlite-store.js';
import type { StoreAccess } from './sqlite-open.js';
import { POSTGRES_SQL, SQLITE_SQL, type SqlDialect } from './sql-dialect.js';
import type { Store } from './types.js';

export type StoreKind = Store['kind'];

export interface StoreDialect {
  sql: SqlDialect;
  /** Does this location name a store of this dialect? The last dialect of DIALECT_ORDER claims everything else. */
  claims(location: string): boolean;
  /** The location as messages show it (a URL's password replaced). */
  redact(location: string): string;
  open(location: string, access: StoreAccess, cwd: string): Store;
  /** False only when the store certainly does not exist yet (a missing file); a server may always hold one. */
  mayExist(location: string, cwd: string): boolean;
}

export const DIALECTS = {
  postgres: {
    sql: POSTGRES_SQL,
    claims: (location) => /^postgres(ql)?:\/\//i.test(location),
    redact: redactUrl,
    open: (location, access) => new PgStore(location, access),
    mayExist: () => true,
  },
  sqlite: {
    sql: SQLITE_SQL,
    claims: () => true,
    redact: (location) => location,
    open: (location, access, cwd) => new SqliteStore(location === ':memory:' ? location : resolve(cwd, location), access),
    mayExist: (location, cwd) => location === ':memory:' || existsSync(resolve(cwd, location)),
  },
} satisfies Record<StoreKind, StoreDialect>;

/** SQLite last: a location no other dialect claims is a file path. */
const DIALECT_ORDER: StoreKind[] = ['postgres', 'sqlite'];

export function dialectOf(location: string): StoreKind {
  return DIALECT_ORDER.find((kind) => DIALECTS[kind].claims(location)) ?? 'sqlite';
}
