// The run page's results table paged by SQL on the store (issue #22) answers exactly what the former in-memory
// index answered: the same rows (fields, previews, labels) and totals for every filter the store serves, at
// several offsets and limits. Both paths read the same small store (test/store/result-pages-fixture.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store/index.js';
import { ViewerData, type ResultFilter } from '../../src/viewer/data.js';
import { cleanupTempDirs, tempDir } from '../helpers/cli.js';
import { RUN_ID, writeFixture } from '../store/result-pages-fixture.js';

afterAll(cleanupTempDirs);

const FILTERS: ResultFilter[] = [
  {},
  { variant: 'alpha' },
  { variant: 'zeta', outcome: 'pass' },
  { outcome: 'fail' },
  { outcome: 'error' },
  { segment: 'segment:x' },
  { segment: 'segment:y', outcome: 'pass' },
  { segment: 'segment:none' },
];
const WINDOWS = [{}, { offset: 0, limit: 1 }, { offset: 3, limit: 4 }, { offset: 11, limit: 5 }, { offset: 40, limit: 10 }];

describe('viewer result pages from the store', () => {
  const stores: Store[] = [];
  const open = async () => {
    const store = await openStore(join(tempDir('vw-pages-'), 'store.db'));
    stores.push(store);
    await writeFixture(store);
    return store;
  };
  afterAll(async () => {
    for (const s of stores) await s.close();
  });

  it('equal the in-memory index for every store-served filter and window', async () => {
    const s = await open();
    const fromStore = new ViewerData(s);
    const fromIndex = new ViewerData(s, false);
    for (const filter of FILTERS) {
      for (const window of WINDOWS) {
        const f = { ...filter, ...window };
        expect(await fromStore.results(RUN_ID, f), JSON.stringify(f)).toEqual(await fromIndex.results(RUN_ID, f));
      }
    }
    // Not a vacuous comparison: the first page holds every result, with a cut preview, a label and a critical check.
    const all = await fromStore.results(RUN_ID, {});
    expect(all.total).toBe(12);
    const cb = all.rows.find((r) => r.caseId === 'c-b' && r.variantId === 'alpha' && r.repeat === 0)!;
    expect([cb.failedChecks, cb.critical, cb.tags]).toEqual([['contains'], true, ['segment:x']]);
    const long = all.rows.find((r) => r.caseId === 'c-b' && r.variantId === 'alpha' && r.repeat === 1)!;
    // 200 characters kept (the 11-character key and a space, then 188 x) and an ellipsis.
    expect(long.preview).toBe(`c-b/alpha/1 ${'x'.repeat(188)}…`);
    const labelled = all.rows.find((r) => r.caseId === 'c-b' && r.variantId === 'zeta' && r.repeat === 0)!;
    expect([labelled.label, labelled.labelTag]).toEqual(['fail', 'wrong']);
    // The store path builds no index of the run.
    expect(fromStore.index['entries'].size).toBe(0);
  });

  it('labels a stored result without indexing the run, and refuses one that is not stored', async () => {
    const data = new ViewerData(await open());
    const input = { caseId: 'c-c', variantId: 'zeta', repeat: 0, label: 'pass' as const, tag: null, comment: null, labeller: 'bob' };
    await data.putLabel(RUN_ID, input);
    // c-c has no repeat 1 for zeta (fixture: only c-c/zeta/0 was written).
    await expect(data.putLabel(RUN_ID, { ...input, repeat: 1 })).rejects.toThrow(/no result for case c-c, variant zeta, repeat 1/);
    await expect(data.putLabel('nope', input)).rejects.toThrow(/no run nope/);
    expect(data.index['entries'].size).toBe(0);
    const page = await data.results(RUN_ID, { variant: 'zeta', segment: undefined });
    expect(page.rows.find((r) => r.caseId === 'c-c')?.label).toBe('pass');
  });

  it('answers an unknown run with not found, as before', async () => {
    const data = new ViewerData(await open());
    await expect(data.results('nope', {})).rejects.toThrow(/no run nope/);
  });
});
