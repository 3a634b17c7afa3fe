// Issue #22: selection's judge cost columns are made only when a variant's first judged check arrives (most
// suites judge nothing). Cases before that one, and every case of a variant never judged, read 0; an unknown
// judge cost reads null; and the column grows with cases met after it was made. Figures read off the rows below.
import { describe, expect, it } from 'vitest';
import { loadSelectionData } from '../../src/analysis/index.js';
import { storedResult, storedRun, testAllStores } from './all-stores.js';

const judged = (caseId: string, variantId: string, judgeCostUsd: number | undefined | null) =>
  storedResult(caseId, {
    variantId,
    checks: [
      { type: 'equals', metric: 'equals', severity: 'normal', weight: 1, pass: true, score: 1, reason: '' },
      ...(judgeCostUsd === undefined
        ? []
        : [{ type: 'judge', metric: 'judge', severity: 'normal' as const, weight: 1, pass: true, score: 1, reason: '', judgeCostUsd }]),
    ],
  });

describe('judge cost columns', () => {
  testAllStores('a judged and an unjudged variant', ({ open }) => {
    it('read 0 before the first judge cost and for the unjudged variant, null when unknown', async () => {
      const store = await open();
      const variants = [
        { id: 'a', label: 'a', model: 'openai:gpt-4o', providerType: 'openai', modelId: 'gpt-4o', prompt: 'v1' },
        { id: 'b', label: 'b', model: 'openai:gpt-4o-mini', providerType: 'openai', modelId: 'gpt-4o-mini', prompt: 'v1' },
      ];
      await store.runs.create(storedRun('r1', { variants }));
      await store.results.putMany([
        judged('c0', 'a', undefined),
        judged('c1', 'a', 0.002),
        judged('c2', 'a', null),
        judged('c3', 'a', 0.004),
        ...['c0', 'c1', 'c2', 'c3'].map((c) => judged(c, 'b', undefined)),
      ]);
      const data = await loadSelectionData(store, 'r1');
      const [a, b] = data.input.variants;
      expect(['c0', 'c1', 'c2', 'c3'].map((c) => a.cases.get(c)!.judgeCostUsd)).toEqual([0, 0.002, null, 0.004]);
      expect(['c0', 'c1', 'c2', 'c3'].map((c) => b.cases.get(c)!.judgeCostUsd)).toEqual([0, 0, 0, 0]);
      expect(data.judgeCosts).toBe(true);
      await store.close();
    });
  });
});
