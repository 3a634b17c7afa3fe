// The store stage: where runs, results and the response cache live. The only import surface of store/.
import { DIALECTS, dialectOf } from './dialects.js';
import type { Store } from './types.js';
import type { StoreAccess } from './sqlite-open.js';

export * from './types.js';
export * from './production-types.js';
export { MIGRATIONS } from './migrations.js';
export { PG_MIGRATIONS } from './pg-migrations.js';
export { DIALECTS, dialectOf, type StoreKind } from './dialects.js';
export { copyStore, type CopyProgress, type CopySummary } from './copy.js';
/** A PostgreSQL URL's password scrubbed out of a driver message (for code that talks to the team store's database itself). */
export { scrub as scrubDatabaseUrl } from './pg-open.js';
export { leaseIsLive, runState, type RunState } from './run-state.js';
export { emptyResultGroup } from './run-figures.js';
export { AGGREGATE_FOLD_CLASSES, AggregateFold, CompensatedSum } from './aggregate-fold.js';

export const DEFAULT_DB_PATH = '.evalspec/evalspec.db';

export type { StoreAccess } from './sqlite-open.js';

export interface OpenStoreOptions {
  /**
   * 'read' for commands that only read (runs, show, view, gate, diff, …): the store must exist and nothing is
   * created; a read-only file or folder is opened read-only. Default 'read-write' (creates the store).
   */
  access?: StoreAccess;
  cwd?: string;
}

/** Where the store is: --db, else $EVALSPEC_DB, else .evalspec/evalspec.db (relative to cwd). */
export function storeLocation(location?: string): string {
  return location ?? process.env.EVALSPEC_DB ?? DEFAULT_DB_PATH;
}

/**
 * Open the store at a path or URL: --db, else $EVALSPEC_DB, else .evalspec/evalspec.db under cwd. A
 * postgres:// or postgresql:// URL opens the PostgreSQL store; anything else is a SQLite file path.
 */
export function openStore(location?: string, options: OpenStoreOptions | string = {}): Store {
  // A string is the cwd, as in the first version of this function.
  const opts: OpenStoreOptions = typeof options === 'string' ? { cwd: options } : options;
  const where = storeLocation(location);
  return DIALECTS[dialectOf(where)].open(where, opts.access ?? 'read-write', opts.cwd ?? process.cwd());
}

/** False only when the store at this location certainly does not exist yet (a missing SQLite file): nothing to read. */
export function storeMayExist(location?: string, cwd = process.cwd()): boolean {
  const where = storeLocation(location);
  return DIALECTS[dialectOf(where)].mayExist(where, cwd);
}

/** The location as messages may show it (a URL's password replaced). */
export function redactLocation(location: string): string {
  return DIALECTS[dialectOf(location)].redact(location);
}
