// The run page's results table paged by SQL on the store (issue #22) answers exactly what the former in-memory
// index answered: the same rows (fields, previews, labels) and totals for every filter (variant, outcome, segment,
// failed check, severity, labelled, text), at several offsets and limits; and the run page's summary, heatmap and
// facets from the store's aggregates equal the index's. Both paths read the same small store
// (test/store/result-pages-fixture.ts), on SQLite and PostgreSQL.
import { expect, it } from 'vitest';
import { ViewerData, type ResultFilter } from '../../src/viewer/data.js';
import { testAllStores } from '../store/all-stores.js';
import { RUN_ID, writeFixture } from '../store/result-pages-fixture.js';

const FILTERS: ResultFilter[] = [
  {},
  { variant: 'alpha' },
  { variant: 'zeta', outcome: 'pass' },
  { outcome: 'fail' },
  { outcome: 'error' },
  { segment: 'segment:x' },
  { segment: 'segment:y', outcome: 'pass' },
  { segment: 'segment:none' },
  { check: 'contains' },
  { check: 'contains', variant: 'zeta' },
  { check: 'tone' },
  { check: 'nope' },
  { severity: 'critical' },
  { severity: 'normal' },
  { severity: 'normal', segment: 'segment:y' },
  { labelled: 'yes' },
  { labelled: 'no' },
  { labelled: 'no', outcome: 'pass' },
  // Case id (stored cases), output, error message, a check's reason; ignoring case; nothing.
  { q: 'C-B' },
  { q: 'TIMED out' },
  { q: 'xxxxxxxxxxxx' },
  { q: 'ok' },
  { q: 'zeta/1' },
  { q: 'lost' },
  { q: '"' },
  { q: 'no such text' },
  { q: 'c-a', check: 'contains', severity: 'critical' },
];
const WINDOWS = [{}, { offset: 0, limit: 1 }, { offset: 3, limit: 4 }, { offset: 11, limit: 5 }, { offset: 40, limit: 10 }];

testAllStores('viewer result pages from the store', (ctx) => {
  const open = async () => {
    const store = await ctx.open();
    await writeFixture(store);
    return store;
  };

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
    // The filters are not vacuous either: each keeps some results and drops others.
    const totals = async (f: ResultFilter) => (await fromStore.results(RUN_ID, f)).total;
    expect(await totals({ check: 'contains' })).toBe(5);
    expect([await totals({ severity: 'critical' }), await totals({ severity: 'normal' })]).toEqual([2, 3]);
    expect([await totals({ labelled: 'yes' }), await totals({ labelled: 'no' })]).toEqual([2, 10]);
    expect([await totals({ q: 'C-B' }), await totals({ q: 'TIMED out' }), await totals({ q: 'ok' })]).toEqual([4, 1, 11]);
    // The store path builds no index of the run.
    expect(fromStore.index['entries'].size).toBe(0);
  });

  it('serves the run page (summary, heatmap, facets) from aggregates, equal to the index', async () => {
    const s = await open();
    const fromStore = await new ViewerData(s).run(RUN_ID);
    const fromIndex = await new ViewerData(s, false).run(RUN_ID);
    expect(fromStore).toEqual(fromIndex);
    // A large run's figures come from a worker thread on a file store (here every run counts as large): the same.
    expect(await new ViewerData(s, true, 0).run(RUN_ID)).toEqual(fromStore);
    expect(fromStore.facets).toEqual({
      variants: expect.any(Array),
      checks: ['contains'],
      segments: ['segment:x', 'segment:y'],
      errorClasses: ['timeout'],
    });
    expect(fromStore.results).toBe(12);
    expect(fromStore.summary.map((v) => [v.id, v.cases, v.passed, v.failed, v.errors])).toEqual([
      ['zeta', 4, 2, 3, 1],
      ['alpha', 3, 4, 2, 0],
    ]);
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
