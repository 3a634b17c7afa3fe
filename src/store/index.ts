// The store stage: where runs, results and the response cache live. The only import surface of store/.
import { resolve } from 'node:path';
import { EvalspecError } from '../errors.js';
import { SqliteStore } from './sqlite-store.js';
import type { Store } from './types.js';
import type { StoreAccess } from './sqlite-open.js';

export * from './types.js';
export { MIGRATIONS } from './migrations.js';
export { leaseIsLive, runState, type RunState } from './run-state.js';

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

/** Open the store at a path or URL: --db, else $EVALSPEC_DB, else .evalspec/evalspec.db under cwd. */
export function openStore(location?: string, options: OpenStoreOptions | string = {}): Store {
  // A string is the cwd, as in the first version of this function.
  const opts: OpenStoreOptions = typeof options === 'string' ? { cwd: options } : options;
  const cwd = opts.cwd ?? process.cwd();
  const where = location ?? process.env.EVALSPEC_DB ?? DEFAULT_DB_PATH;
  if (/^postgres(ql)?:\/\//.test(where)) {
    throw new EvalspecError('STORE', 'the PostgreSQL store is not available in this version', {
      hint: 'use the default SQLite store (omit --db / EVALSPEC_DB) or a file path',
    });
  }
  return new SqliteStore(where === ':memory:' ? where : resolve(cwd, where), opts.access);
}
