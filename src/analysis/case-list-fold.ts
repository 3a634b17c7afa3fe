// A run's case table kept with its fold (the 'cases' section, stored-fold.ts, issue #22): reading half a million
// case rows back cost ~0.5 s of stepping and a promise and key object per case. The table is packed already
// (case-table.ts: ids as UTF-8 bytes, tags and clusters by index, the id index), so it is kept as it is, with
// the cases the run's results met without a stored case after the stored ones.
import type { RunRecord, Store } from '../store/index.js';
import type { SnapshotClass } from '../fold-snapshot.js';
import { CaseTable } from './case-table.js';
import { keepFold, readFold } from './stored-fold.js';

/** The kept section: the table, and how many of its cases (the first) are stored with the run. */
export interface KeptCases {
  cases: CaseTable;
  stored: number;
}

const CASE_LIST_CLASSES = [{ name: 'CaseTable', type: CaseTable, omit: CaseTable.TRANSIENT }] satisfies SnapshotClass[];

/** The run's stored cases read from the store into a table, in stored order (when no current table is kept). */
export async function storedCaseTable(store: Store, runId: string): Promise<CaseTable> {
  const cases = new CaseTable();
  for await (const c of store.cases.keys(runId)) cases.push(c.caseId, c.tags, c.cluster === null ? null : String(c.cluster));
  return cases;
}

/** Keep the run's case table under `key` (its first `stored` cases are the run's stored cases). */
export async function keepCaseList(store: Store, run: RunRecord, key: string, cases: CaseTable, stored: number): Promise<string | undefined> {
  return keepFold(store, run, 'cases', key, { cases, stored } satisfies KeptCases, CASE_LIST_CLASSES);
}

/** The run's case table as kept under `key`, or undefined. */
export async function readCaseList(store: Store, run: RunRecord, key?: string): Promise<KeptCases | undefined> {
  return readFold<KeptCases>(store, run, 'cases', CASE_LIST_CLASSES, key);
}
