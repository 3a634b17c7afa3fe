// A run's stored cases (ids, tags, clusters) kept with its fold (the 'cases' section, stored-fold.ts, issue #22):
// reading half a million case rows back cost ~0.5 s of stepping and a promise and key object per case; the kept list
// is one JSON array of ids and two index columns. Only the stored cases: a reader appends the cases met only in
// results from the section it reads next (their `unstoredCases`), as a scan would.
import type { RunRecord, Store } from '../store/index.js';
import type { CaseInfo } from '../stats/index.js';
import { keepFold, readFold } from './stored-fold.js';

interface CaseListFold {
  ids: string[];
  /** The distinct tag lists, and each case's index into them. */
  tagLists: string[][];
  tagOf: Int32Array;
  /** The distinct clusters, and each case's index into them (−1: none). */
  clusters: string[];
  clusterOf: Int32Array;
}

/** Keep the run's stored cases (the first `stored` of `cases`, as read from the store) under `key`. */
export async function keepCaseList(store: Store, run: RunRecord, key: string, cases: readonly CaseInfo[], stored: number): Promise<void> {
  const tagIndex = new Map<readonly string[], number>();
  const clusterIndex = new Map<string, number>();
  const fold: CaseListFold = { ids: [], tagLists: [], tagOf: new Int32Array(stored), clusters: [], clusterOf: new Int32Array(stored) };
  for (let i = 0; i < stored; i++) {
    const c = cases[i];
    fold.ids.push(c.id);
    // Tag lists are interned by the reader (one array per distinct list), so identity finds equal ones.
    let t = tagIndex.get(c.tags);
    if (t === undefined) tagIndex.set(c.tags, (t = fold.tagLists.push([...c.tags]) - 1));
    fold.tagOf[i] = t;
    if (c.cluster === null) fold.clusterOf[i] = -1;
    else {
      let k = clusterIndex.get(c.cluster);
      if (k === undefined) clusterIndex.set(c.cluster, (k = fold.clusters.push(c.cluster) - 1));
      fold.clusterOf[i] = k;
    }
  }
  await keepFold(store, run, 'cases', key, fold, []);
}

/** The run's stored cases as kept under `key` (one record per case, equal tag lists shared), or undefined. */
export async function readCaseList(store: Store, run: RunRecord, key?: string): Promise<CaseInfo[] | undefined> {
  const fold = await readFold<CaseListFold>(store, run, 'cases', [], key);
  if (!fold) return undefined;
  return fold.ids.map((id, i) => ({ id, tags: fold.tagLists[fold.tagOf[i]], cluster: fold.clusterOf[i] < 0 ? null : fold.clusters[fold.clusterOf[i]] }));
}
