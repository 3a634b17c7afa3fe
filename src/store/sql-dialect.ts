// The few differences between store dialects that shared code (rows.ts) and each store need: how a bound
// parameter is written, which column keeps a table's write order, and what the dialect can do. Both stores and
// the dialect registry (dialects.ts) use it; it imports only types.
import type { StoreCapabilities } from './types.js';

export interface SqlDialect {
  /** The n-th (1-based) bound parameter as written in SQL. */
  param(n: number): string;
  /** The column that orders a table's rows as written; writing a row again (insert or replace) moves it last. */
  insertionOrder: string;
  capabilities: StoreCapabilities;
}

export const SQLITE_SQL: SqlDialect = {
  param: () => '?',
  insertionOrder: 'rowid',
  capabilities: { sharedAcrossHosts: false, reopenByLocation: true },
};
/** PostgreSQL has no rowid: each ordered table has a `seq bigserial` column, renewed when a row is replaced. */
export const POSTGRES_SQL: SqlDialect = {
  param: (n) => `$${n}`,
  insertionOrder: 'seq',
  // Processes on any machine reach the same store by URL; `location` is redacted, so a worker thread cannot reopen it from there.
  capabilities: { sharedAcrossHosts: true, reopenByLocation: false },
};
