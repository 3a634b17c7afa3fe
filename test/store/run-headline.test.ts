// Issue #22: `evalspec runs` and the viewer's runs list take a run's headline (pass rate, Wilson interval, paid and
// list cost per variant) from the store's SQL aggregate when one result per case and no clusters allow it, instead
// of building the run report. The figures must be the run report's: this compares the two on rows with a cache
// hit (its list cost comes from the rows) and an errored call, and checks the runs the aggregate cannot decide.
import { describe, expect, it } from 'vitest';
import { aggregateHeadline, storedCosts } from '../../src/analysis/index.js';
import { buildRunReport } from '../../src/report/index.js';
import { storedResult, storedRun, testAllStores } from './all-stores.js';

const caseRow = (caseId: string, cluster: string | null = null) => ({ caseId, contentHash: `h-${caseId}`, tags: [], vars: {}, cluster, description: null });

describe('a run headline from the store aggregate', () => {
  testAllStores('headlines', ({ open }) => {
    it('equals the run report’s figures, costs from the rows when a cache hit needs its tokens priced', async () => {
      const store = await open();
      await store.runs.create(storedRun('r1', { status: 'completed' }));
      await store.cases.putMany(
        'r1',
        ['c0', 'c1', 'c2', 'c3'].map((c) => caseRow(c)),
      );
      await store.results.putMany([
        storedResult('c0', { pass: true, costUsd: 0.002 }),
        storedResult('c1', { pass: false, score: 0, costUsd: 0.003 }),
        storedResult('c2', { pass: true, cached: true, costUsd: 0, inputTokens: 1000, outputTokens: 100 }),
        storedResult('c3', { pass: null, score: null, output: null, errorClass: 'timeout', errorMessage: 'slow', costUsd: null, checks: [] }),
      ]);
      const run = (await store.runs.get('r1'))!;
      let rowPasses = 0;
      const headline = await aggregateHeadline(store, run, () => (rowPasses++, storedCosts(store, run)));
      const report = await buildRunReport(store, 'r1', 0.95, { analysis: false });
      expect(rowPasses).toBe(1);
      expect(headline).toEqual(
        report.variants.map((v) => ({
          id: v.id,
          model: v.model,
          cases: 4,
          passRate: v.passRate,
          passRateCi: v.passRateCi,
          costUsd: v.costUsd,
          listCostUsd: v.listCostUsd,
        })),
      );
      // 2 of 4 passed; paid 0.005 (the cache hit paid nothing), list price also prices the cache hit's tokens.
      expect(headline![0].passRate).toBe(0.5);
      expect(headline![0].costUsd).toBeCloseTo(0.005, 12);
      expect(headline![0].listCostUsd).toBeGreaterThan(0.005);
      await store.close();
    });

    it('is null with repeats or clustered cases (their pass rate needs the rows)', async () => {
      const store = await open();
      await store.runs.create(storedRun('rep', { repeat: 2 }));
      await store.runs.create(storedRun('clu'));
      await store.cases.putMany('clu', [caseRow('c0', 'k1'), caseRow('c1')]);
      await store.results.putMany([storedResult('c0', { runId: 'clu' }), storedResult('c1', { runId: 'clu' })]);
      await store.cases.putMany('rep', [caseRow('c0'), caseRow('c1')]);
      expect([await store.cases.hasClusters('clu'), await store.cases.hasClusters('rep'), await store.cases.hasClusters('none')]).toEqual([true, false, false]);
      const never = () => Promise.reject(new Error('not asked'));
      expect(await aggregateHeadline(store, (await store.runs.get('rep'))!, never)).toBeNull();
      expect(await aggregateHeadline(store, (await store.runs.get('clu'))!, never)).toBeNull();
      await store.close();
    });
  });
});
