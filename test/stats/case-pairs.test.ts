// CasePairs.atWhere (issue #22): a diff's segment scopes, the pairs at a tag's positions that pass a test, written
// into reused columns instead of two new arrays per tag, metric and variant.
import { describe, expect, it } from 'vitest';
import { CasePairs } from '../../src/stats/index.js';

describe('CasePairs.atWhere', () => {
  const pairs = new CasePairs(Int32Array.from([0, 1, 2, 3]), Int32Array.from([10, 11, 12, 13]));

  it('keeps the pairs at the positions, in their order, that pass the test', () => {
    const room = { before: new Int32Array(0), after: new Int32Array(0) };
    const scope = pairs.atWhere([3, 1, 2], (_ia, ib) => ib !== 12, room);
    expect([...scope]).toEqual([
      [3, 13],
      [1, 11],
    ]);
  });

  it('writes into the room it is given, grown when too small and reused after', () => {
    const room = { before: new Int32Array(0), after: new Int32Array(0) };
    pairs.atWhere([0, 1, 2, 3], () => true, room);
    const grown = room.before;
    expect(grown.length).toBe(4);
    const second = pairs.atWhere([2], () => true, room);
    expect(room.before).toBe(grown);
    expect(second.before.buffer).toBe(grown.buffer);
    expect([...second]).toEqual([[2, 12]]);
  });
});
