// results.page on every dialect (issue #22): the viewer's results table served by SQL. Expected orders are derived
// by hand from the fixture (result-pages-fixture.ts): cases in stored order c-b, c-a, c-c, then the case with no
// stored row ("lost"); within a case the suite's variant order zeta before alpha; then repeat.
import { describe, expect, it } from 'vitest';
import { testAllStores } from './all-stores.js';
import { RUN_ID, VARIANTS, writeFixture } from './result-pages-fixture.js';

const keys = (rows: { caseId: string; variantId: string; repeat: number }[]) => rows.map((r) => `${r.caseId}/${r.variantId}/${r.repeat}`);
const query = (extra: Record<string, unknown> = {}) => ({ variantOrder: VARIANTS, offset: 0, limit: 100, ...extra });

testAllStores('results.page', ({ open }) => {
  describe('filters and order', () => {
    it('pages every result in case, variant, repeat order with the total', async () => {
      const store = await open();
      await writeFixture(store);
      const all = await store.results.page(RUN_ID, query());
      expect(all.total).toBe(12);
      // prettier-ignore
      expect(keys(all.rows)).toEqual([
        'c-b/zeta/0', 'c-b/zeta/1', 'c-b/alpha/0', 'c-b/alpha/1',
        'c-a/zeta/0', 'c-a/zeta/1', 'c-a/alpha/0', 'c-a/alpha/1',
        'c-c/zeta/0', 'c-c/alpha/0', 'c-c/alpha/1',
        'lost/zeta/0',
      ]);
      // Tags come from the case row; the case with no row has none. Outputs are whole (the viewer cuts previews).
      expect(all.rows[4].tags).toEqual(['segment:x', 'segment:y']);
      expect(all.rows[11].tags).toEqual([]);
      expect(all.rows[1].output).toBeNull();
      expect(all.rows[3].output).toMatch(/^c-b\/alpha\/1 x{250}$/);
      expect(all.rows[0].messages).toBeNull();
      const second = await store.results.page(RUN_ID, query({ offset: 5, limit: 3 }));
      expect(second.total).toBe(12);
      expect(keys(second.rows)).toEqual(['c-a/zeta/1', 'c-a/alpha/0', 'c-a/alpha/1']);
      expect((await store.results.page(RUN_ID, query({ offset: 50 }))).rows).toEqual([]);
    });

    it('filters by variant, outcome and segment', async () => {
      const store = await open();
      await writeFixture(store);
      const alphaFails = await store.results.page(RUN_ID, query({ variantId: 'alpha', outcome: 'fail' }));
      expect([alphaFails.total, keys(alphaFails.rows)]).toEqual([2, ['c-b/alpha/0', 'c-a/alpha/0']]);
      const errors = await store.results.page(RUN_ID, query({ outcome: 'error' }));
      expect([errors.total, keys(errors.rows)]).toEqual([1, ['c-b/zeta/1']]);
      const passes = await store.results.page(RUN_ID, query({ outcome: 'pass', limit: 2 }));
      expect([passes.total, keys(passes.rows)]).toEqual([6, ['c-b/zeta/0', 'c-b/alpha/1']]);
      const y = await store.results.page(RUN_ID, query({ segment: 'segment:y' }));
      expect([y.total, keys(y.rows)]).toEqual([4, ['c-a/zeta/0', 'c-a/zeta/1', 'c-a/alpha/0', 'c-a/alpha/1']]);
      const xZetaPass = await store.results.page(RUN_ID, query({ segment: 'segment:x', variantId: 'zeta', outcome: 'pass' }));
      expect(keys(xZetaPass.rows)).toEqual(['c-b/zeta/0', 'c-a/zeta/0']);
      // A tag is matched whole, never as a substring of another tag.
      expect((await store.results.page(RUN_ID, query({ segment: 'segment' }))).total).toBe(0);
      expect((await store.results.page('no-such-run', query())).total).toBe(0);
    });
  });
});
