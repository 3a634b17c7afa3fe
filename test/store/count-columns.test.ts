// Issue #22: the per-case count columns are a byte per slot when the run's repeats are fewer than 255 (a count
// is at most the number of distinct repeat indices). A store holding more results for one case than the run's
// repeats (repeat indices past it) must widen them, not wrap at 256: the counts here are read off the rows written.
import { describe, expect, it } from 'vitest';
import { loadCaseOutcomes, loadSelectionData } from '../../src/analysis/index.js';
import { storedResult, storedRun, testAllStores } from './all-stores.js';

const row = (caseId: string, repeat: number, pass: boolean) =>
  storedResult(caseId, {
    repeat,
    pass,
    score: pass ? 1 : 0,
    checks: [{ type: 'contains', metric: 'contains', severity: 'normal', weight: 1, pass, score: pass ? 1 : 0, reason: '' }],
  });

describe('per-case count columns', () => {
  testAllStores('counts past 255 results of one case', ({ open }) => {
    it('are exact when a case has more results than the run declares repeats (300 rows, 280 passing)', async () => {
      const store = await open();
      await store.runs.create(storedRun('r1', { repeat: 3 }));
      await store.cases.putMany('r1', [
        { caseId: 'c0', contentHash: 'h0', tags: [], vars: {}, cluster: null, description: null },
        { caseId: 'c1', contentHash: 'h1', tags: [], vars: {}, cluster: null, description: null },
      ]);
      const rows = Array.from({ length: 300 }, (_, k) => row('c0', k, k < 280));
      rows.push(row('c1', 0, true), row('c1', 1, false));
      await store.results.putMany(rows);
      const run = (await store.runs.get('r1'))!;
      const outcomes = await loadCaseOutcomes(store, run);
      const [c0, c1] = outcomes.variants[0].outcomes;
      expect([c0!.results, c0!.passed, c0!.checkCounts!({ metric: 'contains' })]).toEqual([300, 280, { judged: 300, failed: 20 }]);
      expect([c1!.results, c1!.passed]).toEqual([2, 1]);
      const selection = await loadSelectionData(store, 'r1');
      const cases = selection.input.variants[0].cases;
      expect(cases.get('c0')!.calls).toBe(300);
      expect(cases.get('c0')!.pass).toBeCloseTo(280 / 300, 12);
      expect(cases.get('c1')!.pass).toBeCloseTo(1 / 2, 12);
    });
  });
});
