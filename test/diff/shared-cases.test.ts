// Issue #22: a diff loads both runs' case tables from the store (packed, case-table.ts) with content keys instead
// of hash strings. A case whose tags, cluster or content changed between the runs must keep its own tags and
// cluster in each table and be matched as it was: the expected values are read off the rows written below.
import { describe, expect, it } from 'vitest';
import { diffFigures } from '../../src/analysis/index.js';
import type { CaseRow } from '../../src/store/index.js';
import { storedResult, storedRun, testAllStores } from '../store/all-stores.js';

const kase = (caseId: string, contentHash: string, tags: string[], cluster: string | null = null): CaseRow => ({
  caseId,
  contentHash,
  tags,
  vars: {},
  cluster,
  description: null,
});

describe('diff case tables', () => {
  testAllStores('before and after runs in one store', ({ open }) => {
    it("keep each run's tags and clusters, and match cases by content", async () => {
      const store = await open();
      for (const id of ['before', 'after']) await store.runs.create(storedRun(id, { status: 'completed' }));
      // c0: same everywhere; c1: tags changed (a redteam attack before, not after); c2: cluster changed;
      // c3: content changed; c4: only before; c5: only after.
      await store.cases.putMany('before', [
        kase('c0', 'h0', ['segment:a']),
        kase('c1', 'h1', ['redteam', 'segment:a']),
        kase('c2', 'h2', ['segment:b'], 'k1'),
        kase('c3', 'h3', ['segment:b']),
        kase('c4', 'h4', []),
      ]);
      await store.cases.putMany('after', [
        kase('c0', 'h0', ['segment:a']),
        kase('c1', 'h1', ['segment:a']),
        kase('c2', 'h2', ['segment:b'], 'k2'),
        kase('c3', 'h3-new', ['segment:b']),
        kase('c5', 'h5', []),
      ]);
      const passes = { before: [false, true, false, true, true], after: [true, false, false, true, true] };
      for (const id of ['before', 'after'] as const) {
        const ids = id === 'before' ? ['c0', 'c1', 'c2', 'c3', 'c4'] : ['c0', 'c1', 'c2', 'c3', 'c5'];
        await store.results.putMany(ids.map((c, k) => storedResult(c, { runId: id, pass: passes[id][k], score: passes[id][k] ? 1 : 0 })));
      }
      const [before, after] = [(await store.runs.get('before'))!, (await store.runs.get('after'))!];
      const { diff, sides } = await diffFigures(store, before, after, { outputs: false });

      expect(diff.cases).toEqual({ unchanged: 3, changed: ['c3'], added: ['c5'], removed: ['c4'] });
      const [b, a] = [sides[0].outcomes.cases, sides[1].outcomes.cases];
      expect(b.at(0)).toEqual(a.at(0));
      expect([b.at(1)!.tags, a.at(1)!.tags]).toEqual([['redteam', 'segment:a'], ['segment:a']]);
      expect([b.at(2)!.cluster, a.at(2)!.cluster]).toEqual(['k1', 'k2']);
      expect([b.at(4)!.id, a.at(4)!.id]).toEqual(['c4', 'c5']);
      // Compared: c0 (fixed), c1 (broken), c2 (still failing); c3 changed content and is not compared.
      const flips = diff.perVariant[0].flips;
      expect([flips.fixed, flips.broken, flips.stillFailing].map((list) => list.map((f) => f.caseId))).toEqual([['c0'], ['c1'], ['c2']]);
      await store.close();
    });
  });
});
