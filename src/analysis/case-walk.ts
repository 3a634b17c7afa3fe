// Walking a variant's cases for selection figures without an id lookup per case (issue #22). A case map built
// over the run's case table (selection-columns.ts's SelectionCaseMap) can be walked by case index; a list of
// case ids made from that table (a segment's, segmentCaseIds) can carry its indices beside it. Other maps and
// lists (built by hand, the routed pseudo-variant) are walked by id, as before, in the same order. Generic over
// the outcome type C (selection-figures.ts's CaseOutcome), so this file imports none of its users.

/** A run's case table by id: case i's id, and the index of an id (case-table.ts's CaseTable). */
export interface CaseIds {
  readonly length: number;
  id(i: number): string;
  get(id: string): number | undefined;
}

/** A case map that can be walked by case-table index (selection-columns.ts's SelectionCaseMap). */
export interface IndexedCaseMap<C> extends ReadonlyMap<string, C> {
  readonly table: CaseIds;
  /** The outcome of case index `i`, or undefined when the variant has no result for it. */
  atIndex(i: number): C | undefined;
  /** Each case of the variant with its index, in the variant's order. */
  forEachIndex(visit: (id: string, i: number) => void): void;
}

export function isIndexed<C>(cases: ReadonlyMap<string, C>): cases is IndexedCaseMap<C> {
  return 'atIndex' in cases && 'table' in cases;
}

/** The case-table indices of lists of case ids made from a table, kept beside the list (not in it). */
const indicesOfList = new WeakMap<readonly string[], { table: CaseIds; indices: Int32Array }>();

/** Record that ids[k] is table.id(indices[k]) for every k. */
export function withCaseIndices(ids: string[], table: CaseIds, indices: Int32Array): string[] {
  indicesOfList.set(ids, { table, indices });
  return ids;
}

/** Each case of a variant's `cases` within `caseIds` (null: all of them, in the map's order), with its id. */
export function forEachCase<C>(cases: ReadonlyMap<string, C>, caseIds: readonly string[] | null, visit: (id: string, c: C) => void): void {
  if (caseIds === null) {
    // All cases: walk the map once rather than looking every id up again (a million lookups at 1M results).
    for (const [id, c] of cases) visit(id, c);
    return;
  }
  const known = indicesOfList.get(caseIds);
  if (known && isIndexed(cases) && cases.table === known.table) {
    for (let k = 0; k < caseIds.length; k++) {
      const c = cases.atIndex(known.indices[k]);
      if (c !== undefined) visit(caseIds[k], c);
    }
    return;
  }
  for (const id of caseIds) {
    const c = cases.get(id);
    if (c !== undefined) visit(id, c);
  }
}

/**
 * The cases both variants have, within `caseIds` (null: all of `first`'s, in its order), with both outcomes:
 * by index when both maps are over one case table.
 */
export function forEachPair<C>(
  a: ReadonlyMap<string, C>,
  b: ReadonlyMap<string, C>,
  caseIds: readonly string[] | null,
  visit: (id: string, x: C, y: C) => void,
): void {
  if (isIndexed(a) && isIndexed(b) && a.table === b.table) {
    const known = caseIds === null ? undefined : indicesOfList.get(caseIds);
    const pair = (id: string, i: number) => {
      const x = a.atIndex(i);
      const y = x && b.atIndex(i);
      if (x && y) visit(id, x, y);
    };
    if (caseIds === null) return a.forEachIndex(pair);
    if (known && known.table === a.table) {
      for (let k = 0; k < caseIds.length; k++) pair(caseIds[k], known.indices[k]);
      return;
    }
  }
  for (const id of caseIds ?? a.keys()) {
    const x = a.get(id);
    const y = x && b.get(id);
    if (x && y) visit(id, x, y);
  }
}

/** A list of numbers grown in a Float64Array (outside the JavaScript heap, freed with its last reference). */
export class FloatList {
  private data: Float64Array;
  length = 0;

  /** `room`: where a larger list gets its room when cleared (a reused working column), instead of a new array. */
  constructor(
    capacity = 16,
    private readonly room?: (n: number) => Float64Array,
  ) {
    this.data = new Float64Array(Math.max(16, capacity));
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }

  /** Empty it, with room for at least `capacity` values (a list reused from one call to the next keeps its room). */
  clear(capacity = 0): this {
    this.length = 0;
    if (this.data.length < capacity) this.data = this.room ? this.room(capacity) : new Float64Array(capacity);
    return this;
  }

  /** The values pushed so far (a view, not a copy). */
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}
