// stats/scratch.ts: the shared working column of the paired estimators (issue #22) is reused by calls one after
// another, and a call made while it is in use gets a column of its own, so two computations never share values.
import { describe, expect, it } from 'vitest';
import { withScratchColumn } from '../../src/stats/scratch.js';
import { pairedDifference } from '../../src/stats/index.js';

describe('the shared working column', () => {
  it('is the same memory for calls one after another, cut to each call’s length', () => {
    const first = withScratchColumn(8, (c) => c);
    const second = withScratchColumn(5, (c) => c);
    expect(second.buffer).toBe(first.buffer);
    expect([first.length, second.length]).toEqual([8, 5]);
  });

  it('is not shared by a call made inside another', () => {
    withScratchColumn(4, (outer) => {
      outer.fill(1);
      withScratchColumn(4, (inner) => {
        expect(inner.buffer).not.toBe(outer.buffer);
        inner.fill(2);
      });
      expect([...outer]).toEqual([1, 1, 1, 1]);
    });
  });

  it('leaves estimators called back to back independent (differences 1, 1, 1 then 0, 2, 4)', () => {
    const a = pairedDifference([0, 0, 0], [1, 1, 1]);
    const b = pairedDifference([1, 1, 1], [1, 3, 5]);
    expect([a?.difference, a?.se]).toEqual([1, 0]);
    expect(b?.difference).toBeCloseTo(2, 12);
    expect(b?.se).toBeCloseTo(2 / Math.sqrt(3), 12);
  });
});
