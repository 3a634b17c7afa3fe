// The viewer's paired comparison from the store (issue #22): the store pairs the cases both sides have in one
// query (results.pairedTallies), so no index of every result is built. What is kept is one number or byte per
// common case in typed columns (plus its id) for the pages; the figures are those of the former index pairing
// (compare.ts, which test/viewer/store-compare.test.ts compares this with on both dialects).
import { reducedPassValue, runRepeatReducer } from '../analysis/index.js';
import type { PairedTally, RunRecord, Store } from '../store/index.js';
import { comparePaired, passVerdict } from '../stats/index.js';
import { paired } from './compare.js';
import type { CompareResponse, CompareRow } from './types.js';

type Typed = Float64Array | Int32Array | Uint8Array;

/** A growable typed column (doubles: NaN for null). */
class Column<T extends Typed> {
  length = 0;
  constructor(public values: T) {}
  push(v: number | null): void {
    if (this.length === this.values.length) {
      const grown = new (this.values.constructor as new (n: number) => T)(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = v === null ? NaN : v;
  }
  get(i: number): number | null {
    const v = this.values[i];
    return Number.isNaN(v) ? null : v;
  }
}
const doubles = () => new Column(new Float64Array(1024));

const FLIPS = ['b-better', 'a-better', 'same'] as const;

/** A comparison's figures and its ordered rows, a page at a time. */
export interface StorePairing extends Omit<CompareResponse, 'offset' | 'rows' | 'total'> {
  /** The rows from `offset`: flipped cases first, so the flipped-only list is the start of the whole one. */
  page(offset: number, limit: number, only: 'flipped' | 'all'): { total: number; rows: CompareRow[] };
}

export async function pairFromStore(
  store: Store,
  runA: RunRecord,
  runB: RunRecord,
  sides: { runA: string; variantA: string; runB: string; variantB: string },
  opts: { segment?: string },
): Promise<StorePairing> {
  const [reduceA, reduceB] = [runRepeatReducer(runA), runRepeatReducer(runB)];
  const clustered = await store.cases.hasClusters(runA.id);
  const tagLists: string[][] = [];
  const tagIndex = new Map<string | null, number>();
  const caseIds: string[] = [];
  const clusterIds: string[] = [];
  const [passA, passB, scoreA, scoreB, caseOrder] = [doubles(), doubles(), doubles(), doubles(), doubles()];
  const [flip, changed, tags] = [new Column(new Uint8Array(1024)), new Column(new Uint8Array(1024)), new Column(new Int32Array(1024))];
  let common = 0;
  const add = (t: PairedTally) => {
    common++;
    let ti = tagIndex.get(t.tagsJson);
    if (ti === undefined) tagIndex.set(t.tagsJson, (ti = tagLists.push(t.tagsJson === null ? [] : (JSON.parse(t.tagsJson) as string[])) - 1));
    if (opts.segment && !tagLists[ti].includes(opts.segment)) return;
    const pa = reducedPassValue(reduceA, t.a.total, t.a.passed);
    const pb = reducedPassValue(reduceB, t.b.total, t.b.passed);
    // A flip: the verdicts differ (stats passVerdict, as `evalspec diff`: a tie is not a pass).
    const [va, vb] = [passVerdict(pa), passVerdict(pb)];
    caseIds.push(t.caseId);
    caseOrder.push(t.caseOrder);
    passA.push(pa);
    passB.push(pb);
    scoreA.push(t.a.scored ? t.a.scoreSum / t.a.scored : null);
    scoreB.push(t.b.scored ? t.b.scoreSum / t.b.scored : null);
    flip.push(va === vb ? 2 : vb ? 0 : 1);
    tags.push(ti);
    changed.push(t.contentHashA !== null && t.contentHashB !== null && t.contentHashA !== t.contentHashB ? 1 : 0);
    // Keys as the run report builds them (a case without a cluster is its own).
    if (clustered) clusterIds.push(t.cluster ? `cluster:${t.cluster}` : `case:${t.caseId}`);
  };
  // Cases run A does not store come last, by case id as JavaScript orders them (the store's collation may differ): few.
  const unstored: PairedTally[] = [];
  const counts = await store.results.pairedTallies(sides, (t) => (t.caseOrder === null ? unstored.push(t) : add(t)));
  const stored = caseIds.length;
  for (const t of unstored.sort((x, y) => (x.caseId < y.caseId ? -1 : x.caseId > y.caseId ? 1 : 0))) add(t);

  // Run A's case order (as the former index listed them): positions sorted by where each case was written.
  const n = caseIds.length;
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  perm.subarray(0, stored).sort((x, y) => caseOrder.values[x] - caseOrder.values[y]);
  const inOrder = (column: Column<Float64Array>, at: ArrayLike<number>) => Float64Array.from(at, (i) => column.values[i]);
  const pass = comparePaired(inOrder(passA, perm), inOrder(passB, perm), {
    clusterIds: clustered ? Array.from(perm, (i) => clusterIds[i]) : undefined,
    binary: runA.repeat === 1 && runB.repeat === 1,
  });
  const scored: number[] = [];
  for (const i of perm) if (scoreA.get(i) !== null && scoreB.get(i) !== null) scored.push(i);
  const score = comparePaired(inOrder(scoreA, scored), inOrder(scoreB, scored), { clusterIds: clustered ? scored.map((i) => clusterIds[i]) : undefined });
  // Flipped cases first (B's wins, then A's wins), then the rest in case order.
  const ordered = new Int32Array(n);
  let at = 0;
  for (const rank of [0, 1, 2]) for (const i of perm) if (flip.values[i] === rank) ordered[at++] = i;
  let aBetter = 0;
  let bBetter = 0;
  for (let i = 0; i < n; i++) flip.values[i] === 0 ? bBetter++ : flip.values[i] === 1 ? aBetter++ : 0;
  const side = (run: RunRecord, variantId: string) => ({ runId: run.id, variantId, suiteName: run.suiteName, runLabel: run.label });
  return {
    a: side(runA, sides.variantA),
    b: side(runB, sides.variantB),
    commonCases: common,
    onlyA: counts.casesA - common,
    onlyB: counts.casesB - common,
    pass: paired(pass),
    score: paired(score),
    flips: { aBetter, bBetter },
    mcnemarPValue: pass?.mcnemar?.pValue ?? null,
    page: (offset, limit, only) => {
      const total = only === 'flipped' ? aBetter + bBetter : n;
      return {
        total,
        rows: Array.from(ordered.subarray(Math.min(offset, total), Math.min(offset + limit, total)), (i) => ({
          caseId: caseIds[i],
          passA: passA.get(i),
          passB: passB.get(i),
          scoreA: scoreA.get(i),
          scoreB: scoreB.get(i),
          flip: FLIPS[flip.values[i]],
          tags: tagLists[tags.values[i]],
          contentChanged: changed.values[i] === 1,
        })),
      };
    },
  };
}
