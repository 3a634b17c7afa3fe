// Pairs of case indices (before run, after run) in two Int32Arrays: at 500,000 matched cases a JavaScript
// array per pair took ~40 MB of heap, and every filtered copy as much again (issue #22).

export class CasePairs implements Iterable<readonly [number, number]> {
  constructor(
    readonly before: Int32Array,
    readonly after: Int32Array,
  ) {}

  static from(list: readonly (readonly [number, number])[]): CasePairs {
    const pairs = new CasePairs(new Int32Array(list.length), new Int32Array(list.length));
    list.forEach(([ia, ib], k) => {
      pairs.before[k] = ia;
      pairs.after[k] = ib;
    });
    return pairs;
  }

  get length(): number {
    return this.before.length;
  }

  /** The pairs that pass `test`, in order: one pass (each test once: it may read outcomes made on access), views cut to size. */
  filter(test: (ia: number, ib: number) => boolean): CasePairs {
    const before = new Int32Array(this.length);
    const after = new Int32Array(this.length);
    let n = 0;
    for (let k = 0; k < this.length; k++) {
      if (!test(this.before[k], this.after[k])) continue;
      before[n] = this.before[k];
      after[n++] = this.after[k];
    }
    return new CasePairs(before.subarray(0, n), after.subarray(0, n));
  }

  /**
   * The pairs at these positions that pass `test`, in that order: at(positions).filter(test) in one pass, written
   * into `room` (grown when too small, and returned views into it: valid until its next use) so that a diff's
   * segments, one scope per tag, metric and variant, make no arrays (issue #22).
   */
  atWhere(positions: ArrayLike<number>, test: (ia: number, ib: number) => boolean, room: PairRoom): CasePairs {
    if (room.before.length < positions.length) {
      room.before = new Int32Array(positions.length);
      room.after = new Int32Array(positions.length);
    }
    let n = 0;
    for (let j = 0; j < positions.length; j++) {
      const ia = this.before[positions[j]];
      const ib = this.after[positions[j]];
      if (!test(ia, ib)) continue;
      room.before[n] = ia;
      room.after[n++] = ib;
    }
    return new CasePairs(room.before.subarray(0, n), room.after.subarray(0, n));
  }

  *[Symbol.iterator](): Iterator<readonly [number, number]> {
    for (let k = 0; k < this.length; k++) yield [this.before[k], this.after[k]];
  }
}

/** Reusable columns for CasePairs.atWhere. */
export interface PairRoom {
  before: Int32Array;
  after: Int32Array;
}
