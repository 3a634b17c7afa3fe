// Issue #22: a run's fold is kept as a snapshot (src/fold-snapshot.ts) and read back instead of the rows. What comes
// back must be what went in, bit for bit, with its classes; what cannot come back exactly must throw when written.
import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, type SnapshotClass } from '../../src/fold-snapshot.js';

class Counter {
  n = 0;
  readonly values = new Float64Array(4);
  helper: (() => number) | null = null;
  total(): number {
    return this.values.reduce((s, x) => s + x, this.n);
  }
}
class Holder {
  readonly counters = new Map<string, Counter>();
  readonly seen = new Set(['a', 'b']);
  readonly Counts: new (n: number) => Uint8Array | Int32Array = Int32Array;
}
const CLASSES: SnapshotClass[] = [
  { name: 'Counter', type: Counter, omit: ['helper'] },
  { name: 'Holder', type: Holder },
];

/** Parts as a store gives them back: each its own copy, at an offset that may not be aligned. */
function throughStore(parts: Uint8Array[], offset: number): Uint8Array[] {
  return parts.map((p) => {
    const buffer = new Uint8Array(p.byteLength + offset);
    buffer.set(p, offset);
    return buffer.subarray(offset);
  });
}

describe('fold snapshots', () => {
  it('give back classes, maps, sets, typed arrays and every double bit for bit', () => {
    const holder = new Holder();
    const counter = new Counter();
    counter.n = 3;
    counter.values.set([0.1 + 0.2, -0, Number.NaN, Number.MAX_VALUE]);
    counter.helper = () => 1;
    holder.counters.set('x', counter);
    const value = {
      holder,
      numbers: [Infinity, -Infinity, -0, 5e-324, 1 / 3],
      nested: { ok: true, text: 'é\u0000"' },
      view: new Int32Array([1, 2, 3, 4]).subarray(1, 3),
    };
    for (const offset of [0, 3]) {
      const back = decodeSnapshot<typeof value>(throughStore(encodeSnapshot(value, CLASSES), offset), CLASSES);
      const c = back.holder.counters.get('x')!;
      expect(c).toBeInstanceOf(Counter);
      expect(back.holder).toBeInstanceOf(Holder);
      expect(c.total()).toBeNaN();
      expect(c.helper).toBeUndefined(); // omitted: the caller re-attaches it
      expect(Object.is(c.values[1], -0)).toBe(true);
      expect(c.values[0]).toBe(0.1 + 0.2);
      expect(c.values[3]).toBe(Number.MAX_VALUE);
      expect([...back.holder.seen]).toEqual(['a', 'b']);
      expect(back.holder.Counts).toBe(Int32Array);
      expect(back.numbers.map((x) => (Object.is(x, -0) ? '-0' : x))).toEqual([Infinity, -Infinity, '-0', 5e-324, 1 / 3]);
      expect(back.nested).toEqual({ ok: true, text: 'é\u0000"' });
      expect(back.view).toBeInstanceOf(Int32Array);
      expect([...back.view]).toEqual([2, 3]);
    }
  });

  it('refuses what it could not give back exactly', () => {
    class Unknown {
      x = 1;
    }
    expect(() => encodeSnapshot({ u: new Unknown() }, CLASSES)).toThrow(/value\.u is a Unknown not named/);
    expect(() => encodeSnapshot({ f: () => 1 }, CLASSES)).toThrow(/value\.f is a function/);
    expect(() => encodeSnapshot({ big: 1n }, CLASSES)).toThrow(/bigint/);
    expect(() => encodeSnapshot({ $x: 1 }, CLASSES)).toThrow(/beginning with \$/);
    expect(() => encodeSnapshot(JSON.parse('{"__proto__": {"polluted": true}}'), CLASSES)).toThrow(/__proto__/);
    expect(() => encodeSnapshot([1, undefined], CLASSES)).toThrow(/value\[1\] is undefined/);
    expect(() => encodeSnapshot(new BigInt64Array(1), CLASSES)).toThrow(/BigInt64Array/);
  });

  it('refuses parts cut short', () => {
    const parts = encodeSnapshot({ a: new Float64Array(3) }, CLASSES);
    expect(() => decodeSnapshot([parts[0], parts[1].subarray(0, 16)], CLASSES)).toThrow(/cut short/);
    expect(() => decodeSnapshot([parts[0]], CLASSES)).toThrow(/missing/);
  });
});
