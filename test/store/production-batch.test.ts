// The batch paths the online scorer uses (issue #15 W5): getMany reads a claimed batch in one query, and complete
// stores a batch of scores with multi-row statements in chunks. Both must behave exactly as one get() / one
// completion per record did: more records than one chunk (64 on SQLite), repeated ids, ids that are not stored,
// scores of two monitors in one call, and a second completion of the same entry keeping the first score.
import { describe, expect, it } from 'vitest';
import { record, score } from './production-fixture.js';
import { testAllStores } from './all-stores.js';

// 150 records: two full chunks of 64 and a remainder of 22, so every statement shape is exercised.
const N = 150;
const records = Array.from({ length: N }, (_, i) => record(`r${i}`, i, { output: `answer ${i}` }));

testAllStores('store contract: production batches', ({ open }) => {
  describe('getMany', () => {
    it('returns each stored record once, as get() does, and skips unknown ids', async () => {
      const store = await open();
      await store.production.putRecords(records, []);
      const asked = [...records.map((r) => r.id), 'r0', 'r149', 'missing', 'also-missing'];
      const got = await store.production.getMany(asked);
      expect(got).toHaveLength(N);
      const byId = new Map(got.map((r) => [r.id, r]));
      expect(byId.size).toBe(N);
      for (const id of ['r0', 'r63', 'r64', 'r127', 'r128', 'r149']) expect(byId.get(id)).toEqual(await store.production.get(id));
      expect(await store.production.getMany([])).toEqual([]);
      expect(await store.production.getMany(['missing'])).toEqual([]);
    });
  });

  describe('complete in batches', () => {
    it('stores every score once and removes exactly the completed entries, across chunks and monitors', async () => {
      const store = await open();
      const queue = records.flatMap((r) => [
        { recordId: r.id, monitor: 'a' },
        { recordId: r.id, monitor: 'b' },
      ]);
      await store.production.putRecords(records, queue);
      expect(await store.production.queueDepth('support')).toBe(2 * N);
      // All 150 of monitor a, and the first 100 of monitor b: 250 scores in one call.
      const first = [...records.map((r) => score(r.id, 'a', { passed: true })), ...records.slice(0, 100).map((r) => score(r.id, 'b', { passed: false }))];
      await store.production.complete(first);
      // 2 × 150 entries − 250 completed = the 50 of monitor b not completed.
      expect(await store.production.queueDepth('support', 'a')).toBe(0);
      expect(await store.production.queueDepth('support', 'b')).toBe(50);
      // A late second completion of r5/a with another verdict, a score of a record never stored, and the rest of b.
      await store.production.complete([
        score('r5', 'a', { passed: false }),
        score('ghost', 'b'),
        ...records.slice(100).map((r) => score(r.id, 'b', { passed: true })),
      ]);
      expect(await store.production.queueDepth('support')).toBe(0);
      expect((await store.production.scores('r5')).map((s) => [s.monitor, s.passed])).toEqual([
        ['a', true],
        ['b', false],
      ]);
      expect((await store.production.scores('r149')).map((s) => [s.monitor, s.passed])).toEqual([
        ['a', true],
        ['b', true],
      ]);
      expect(await store.production.scores('ghost')).toEqual([]);
      let observed = 0;
      for await (const _ of store.production.observations({ suite: 'support', monitor: 'b' })) observed++;
      expect(observed).toBe(N);
    });
  });
});
