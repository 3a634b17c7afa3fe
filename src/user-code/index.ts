// The user-code stage's only import surface: where the user's own JavaScript runs (docs/checks.md,
// "Where user code runs"). Below score/ and run/, which both call it; it imports nothing of ours.
import { setFlagsFromString } from 'node:v8';
import { UserCodePool } from './pool.js';

export { UserCodeError, UserCodePool, type RequestOptions, type UserCodeMessage } from './pool.js';

let trusted: UserCodePool | undefined;
let isolated: UserCodePool | undefined;

/**
 * The shared pool for trusted code (`function:` targets, javascript checks run with the user's environment)
 * or for isolated checks (no environment, no modules, no files or network; see worker-source.ts).
 */
export function userCodePool(mode: 'trusted' | 'isolated'): UserCodePool {
  if (mode === 'isolated') return (isolated ??= new UserCodePool({ isolated: true }));
  return (trusted ??= new UserCodePool({ isolated: false }));
}

/** Stops all user code now (Ctrl-C): requests in flight reject as `aborted`; later requests start new workers. */
export function terminateUserCode(reason = 'cancelled'): void {
  trusted?.terminateAll(reason);
  isolated?.terminateAll(reason);
}

let linearFallback: boolean | undefined;

/**
 * True when V8 will stop `re` from backtracking catastrophically: with
 * --enable-experimental-regexp-engine-on-excessive-backtracks, a regex that backtracks too much is re-run on
 * V8's linear-time engine, for the patterns that engine accepts (no back-references, no lookaround, not the
 * i/u flags, small counted repeats; probed with the `l` flag). Such a regex is safe in the main thread with
 * its normal semantics; the others may spin for hours on a long output and run in a worker with a deadline.
 */
export function backtrackingIsBounded(source: string, flags: string): boolean {
  if (linearFallback === undefined) {
    try {
      // Neither flag changes a regex that behaves: one adds the `l` flag, the other only acts past 50,000 backtracks.
      setFlagsFromString('--enable-experimental-regexp-engine');
      setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
      linearFallback = true;
    } catch {
      linearFallback = false;
    }
  }
  if (!linearFallback) return false;
  try {
    new RegExp(source, `${flags}l`);
    return true;
  } catch {
    return false;
  }
}

/** What a module exports: [name, typeof value], and the same for a CommonJS module's `module.exports` object. */
export interface ModuleExports {
  own: [string, string][];
  fromDefault: [string, string][];
}

const moduleInfo = new Map<string, Promise<ModuleExports>>();

/** The least time a module's import (its top level) gets, whatever the call timeout. */
export const MODULE_LOAD_MIN_MS = 10_000;

/**
 * Imports a module in a trusted worker (once per URL; each worker imports it again on first use) and says
 * what it exports. Rejects with a UserCodeError: `threw` when the import fails, `timeout` when its top level
 * does not finish in time.
 */
export function describeModule(url: string, timeoutMs: number): Promise<ModuleExports> {
  let loading = moduleInfo.get(url);
  if (loading === undefined) {
    // The first load also starts a worker thread and Node's module loader: on a busy machine that alone can take
    // longer than a call's timeout of a few hundred ms, which must not make a correct module "hung". A top level
    // that really hangs is still stopped, after MODULE_LOAD_MIN_MS at the least.
    const deadline = Math.max(timeoutMs, MODULE_LOAD_MIN_MS);
    loading = userCodePool('trusted').request({ t: 'load', url }, { timeoutMs: deadline }) as Promise<ModuleExports>;
    moduleInfo.set(url, loading);
    loading.catch(() => moduleInfo.delete(url));
  }
  return loading;
}

/** Forgets which modules were described (tests; a watch mode). Workers keep Node's own ESM cache. */
export function clearModuleInfo(): void {
  moduleInfo.clear();
}

/** The type of `exportName`, looking into a CommonJS module's exports object as the worker does. */
export function exportType(info: ModuleExports, exportName: string): string {
  const own = info.own.find(([k]) => k === exportName)?.[1];
  if (own !== undefined && own !== 'undefined') return own;
  if (exportName !== 'default') return info.fromDefault.find(([k]) => k === exportName)?.[1] ?? 'undefined';
  return own ?? 'undefined';
}
