// Issue #22: results.scanOutcomes reads only what per-case outcomes need. It must hand over the same rows, in the
// same order, as the slim scan (projected to the outcome fields), on both dialects, past a PostgreSQL page.
import { describe, expect, it } from 'vitest';
import type { OutcomeRow, ResultRow } from '../../src/store/index.js';
import { storedResult, storedRun, testAllStores } from './all-stores.js';

const project = (r: ResultRow): OutcomeRow => ({
  caseId: r.caseId,
  variantId: r.variantId,
  repeat: r.repeat,
  pass: r.pass,
  score: r.score,
  errorClass: r.errorClass,
  checks: r.checks,
});

describe('results.scanOutcomes', () => {
  testAllStores('outcome rows', ({ open }) => {
    it('are the slim scan’s rows, projected, in the same order (2,500 rows: two PostgreSQL pages)', async () => {
      const store = await open();
      await store.runs.create(storedRun('r1', { repeat: 3 }));
      const rows = Array.from({ length: 2500 }, (_, k) =>
        k % 97 === 0
          ? storedResult(`c${Math.floor(k / 3)}`, {
              repeat: k % 3,
              pass: null,
              score: null,
              output: null,
              errorClass: 'timeout',
              errorMessage: 'slow',
              checks: [],
            })
          : storedResult(`c${Math.floor(k / 3)}`, { repeat: k % 3, pass: k % 4 !== 0, score: (k % 10) / 10 }),
      );
      await store.results.putMany(rows);
      const slim: OutcomeRow[] = [];
      await store.results.scan('r1', { slim: true }, (r) => slim.push(project(r)));
      const outcomes: OutcomeRow[] = [];
      await store.results.scanOutcomes('r1', (r) => outcomes.push(r));
      expect(outcomes).toHaveLength(2500);
      expect(outcomes).toEqual(slim);
      expect(outcomes.filter((r) => r.errorClass === 'timeout')).toHaveLength(26);
      await store.close();
    });
  });
});
