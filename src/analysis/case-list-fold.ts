// A run's stored cases (ids, tags, clusters) kept with its fold (the 'cases' section, stored-fold.ts, issue #22):
// reading half a million case rows back cost ~0.5 s of stepping and a promise and key object per case. The ids are
// kept as UTF-8 bytes with their end offsets, made into strings one case at a time as the reader walks them, so a
// reader that shares another run's records (diff) leaves only short-lived strings behind, not an array of half a
// million. Only the stored cases: a reader appends the cases met only in results from the section it reads next.
import type { RunRecord, Store } from '../store/index.js';
import type { CaseInfo } from '../stats/index.js';
import { keepFold, readFold } from './stored-fold.js';

interface CaseListFold {
  /** The ids, UTF-8, one after the other; idEnds[i] is where case i's ends. */
  ids: Uint8Array;
  idEnds: Int32Array;
  /** The distinct tag lists, and each case's index into them. */
  tagLists: string[][];
  tagOf: Int32Array;
  /** The distinct clusters, and each case's index into them (−1: none). */
  clusters: string[];
  clusterOf: Int32Array;
}

/** The kept cases, walked in stored order (equal tag lists are one array). */
export interface KeptCases {
  forEach(visit: (id: string, tags: readonly string[], cluster: string | null) => void): void;
}

/** Keep the run's stored cases (the first `stored` of `cases`, as read from the store) under `key`. */
export async function keepCaseList(store: Store, run: RunRecord, key: string, cases: readonly CaseInfo[], stored: number): Promise<string | undefined> {
  const tagIndex = new Map<readonly string[], number>();
  const clusterIndex = new Map<string, number>();
  const encoded = cases.slice(0, stored).map((c) => Buffer.from(c.id, 'utf8'));
  const ids = Buffer.concat(encoded);
  const fold: CaseListFold = {
    // A plain Uint8Array view (a snapshot keeps typed arrays, not Buffers).
    ids: new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength),
    idEnds: new Int32Array(stored),
    tagLists: [],
    tagOf: new Int32Array(stored),
    clusters: [],
    clusterOf: new Int32Array(stored),
  };
  let end = 0;
  for (let i = 0; i < stored; i++) {
    const c = cases[i];
    fold.idEnds[i] = end += encoded[i].length;
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
  return keepFold(store, run, 'cases', key, fold, []);
}

/** The run's stored cases as kept under `key`, or undefined. */
export async function readCaseList(store: Store, run: RunRecord, key?: string): Promise<KeptCases | undefined> {
  const fold = await readFold<CaseListFold>(store, run, 'cases', [], key);
  if (!fold) return undefined;
  const bytes = Buffer.from(fold.ids.buffer, fold.ids.byteOffset, fold.ids.byteLength);
  return {
    forEach(visit) {
      let start = 0;
      for (let i = 0; i < fold.idEnds.length; i++) {
        const end = fold.idEnds[i];
        const k = fold.clusterOf[i];
        visit(bytes.toString('utf8', start, end), fold.tagLists[fold.tagOf[i]], k < 0 ? null : fold.clusters[k]);
        start = end;
      }
    },
  };
}
