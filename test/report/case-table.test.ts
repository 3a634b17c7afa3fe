// Issue #22: a run's case table packed in typed arrays (analysis/case-table.ts). Every id must come back as it was
// pushed and be found by its string (ASCII, accents, emoji, an empty id, ids that are prefixes of others), equal
// tag lists must share one index, and a table kept with a fold (fold-snapshot.ts) must answer as the original.
import { describe, expect, it } from 'vitest';
import { CaseTable } from '../../src/analysis/index.js';
import { decodeSnapshot, encodeSnapshot } from '../../src/fold-snapshot.js';
import { mapCases } from '../../src/stats/index.js';

const ODD_IDS = ['', 'a', 'ab', 'abc', 'é', 'e\u0301', 'ae', 'a\u00e9', '日本語', 'x🙂y', '🙂', 'case 1', 'case 10', 'case-1'];

function filled(ids: readonly string[]): CaseTable {
  const table = new CaseTable();
  ids.forEach((id, i) => table.push(id, i % 2 ? ['segment:a'] : ['segment:b', 'x'], i % 3 ? null : `k${i % 5}`));
  return table;
}

function expectSame(table: CaseTable, ids: readonly string[]): void {
  expect(table.length).toBe(ids.length);
  ids.forEach((id, i) => {
    expect(table.id(i)).toBe(id);
    expect(table.get(id)).toBe(i);
    expect(table.at(i)).toEqual({ id, tags: i % 2 ? ['segment:a'] : ['segment:b', 'x'], cluster: i % 3 ? null : `k${i % 5}` });
  });
}

describe('CaseTable', () => {
  it('gives back and finds every id, whatever its characters', () => {
    const table = filled(ODD_IDS);
    expectSame(table, ODD_IDS);
    for (const missing of ['b', 'abcd', 'e', '日本', 'x🙂', 'case', 'case 100', ' a']) expect(table.get(missing)).toBeUndefined();
  });

  it('stays right as it grows past its first room (ids, index and byte store all grow)', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => (i % 7 === 0 ? `ç-${i}` : `c${i}`));
    const table = filled(ids);
    expectSame(table, ids);
    expect(table.get('c50000')).toBeUndefined();
    expect(table.get('ç-1')).toBeUndefined();
  });

  it('keeps one tag list per distinct list, and equal lists from different arrays', () => {
    const table = new CaseTable();
    table.push('a', ['segment:a'], null);
    table.push('b', ['segment:a'], null);
    table.push('c', [], null);
    table.push('d', [], null);
    table.push('e', ['segment:a', 'y'], null);
    expect(table.tags(0)).toBe(table.tags(1));
    expect(table.tags(2)).toBe(table.tags(3));
    expect(table.tags(4)).toEqual(['segment:a', 'y']);
    expect(table.clustered).toBe(false);
    table.push('f', [], 'k');
    expect(table.clustered).toBe(true);
    expect(mapCases(table, (c) => c.id)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(table.at(6)).toBeUndefined();
    expect(table.at(-1)).toBeUndefined();
  });

  it('answers as the original when kept and read back, and goes on growing', () => {
    const classes = [{ name: 'CaseTable', type: CaseTable, omit: CaseTable.TRANSIENT }];
    const ids = [...ODD_IDS, ...Array.from({ length: 3000 }, (_, i) => `id-${i}`)];
    const original = filled(ids);
    const kept = decodeSnapshot<CaseTable>(encodeSnapshot(original, classes), classes);
    expect(kept).toBeInstanceOf(CaseTable);
    expectSame(kept, ids);
    // A case met only in results is pushed after reading (a reader of a kept table): tags and clusters are
    // interned against the kept ones.
    const i = kept.push('new', ['segment:a'], 'k0');
    expect([kept.get('new'), kept.tags(i), kept.cluster(i)]).toEqual([i, ['segment:a'], 'k0']);
    expect(kept.tags(i)).toBe(kept.tags(1));
    expect(kept.length).toBe(ids.length + 1);
    ids.forEach((id, k) => expect(kept.get(id)).toBe(k));
  });
});
