// The fold of a run's results kept with the run (issue #22). Reading a million results back is dominated by
// stepping SQLite through a million rows and parsing their checks (~3.5 s of show's ~6 s); the folds those rows
// feed (the per-case columns, the selection columns, the report's sums) are tens of megabytes of typed arrays.
// The run keeps them when it ends (buildRunReport's `keepFold`), each section under a key naming exactly the rows
// folded; a reader whose key differs (a resumed or re-run run, a case written again, another evalspec version, a
// run stored before folds were kept) scans the rows as before. Same figures either way: the kept state is the
// scan's own, bit for bit (fold-snapshot.ts), and every figure is computed from it by the same code after.
import type { RunRecord, Store } from '../store/index.js';
import { decodeSnapshot, encodeSnapshot, type SnapshotClass } from '../fold-snapshot.js';
import { stableStringify } from '../stable-json.js';
import { VERSION } from '../version.js';

/** Bump when what a section holds changes shape or meaning: folds kept under another format are not read. */
const FOLD_FORMAT = 2;

/**
 * The key a fold of the run's rows as they stand now is kept under: the format; evalspec's version (list prices
 * come from its price data); the run's variants and repeats (the columns' shape); the store's stamp of the rows.
 */
export async function foldKey(store: Store, run: RunRecord): Promise<string> {
  const shape = stableStringify({ variants: run.variants, repeat: run.repeat });
  return `format ${FOLD_FORMAT}; evalspec ${VERSION}; ${await store.folds.stamp(run.id)}; ${shape}`;
}

/** The section kept for the run's rows as they stand (`key`: foldKey's, when the caller has it), or undefined. */
export async function readFold<T>(store: Store, run: RunRecord, section: string, classes: readonly SnapshotClass[], key?: string): Promise<T | undefined> {
  const parts = await store.folds.get(run.id, section, key ?? (await foldKey(store, run)));
  return parts ? decodeSnapshot<T>(parts, classes) : undefined;
}

/**
 * Keep a section of the run's fold under `key` (foldKey's, taken before the rows were read). Never throws: a fold
 * not kept costs readers a scan, never a figure, so the run's report goes on; the failure is returned for a warning.
 */
export async function keepFold(
  store: Store,
  run: RunRecord,
  section: string,
  key: string,
  value: unknown,
  classes: readonly SnapshotClass[],
): Promise<string | undefined> {
  try {
    await store.folds.put(run.id, section, key, encodeSnapshot(value, classes));
    return undefined;
  } catch (error) {
    return `the run's ${section} fold could not be kept (${(error as Error).message}): show, diff and select will read its results instead`;
  }
}
