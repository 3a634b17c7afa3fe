// The production labels' contract (issue #15 item 5), on SQLite and PostgreSQL (testAllStores): insert or replace per
// (record, labeller), delete, listings by suite / monitor / record, a label of an unknown record refused, and the
// review queue (unlabelled scored records of a monitor: failed first, then judged, then newest). Expected values are
// worked out by hand from the records written in each test.
import { describe, expect, it } from 'vitest';
import { copyStore, type Store } from '../../src/store/index.js';
import { at, record, score } from './production-fixture.js';
import { testAllStores } from './all-stores.js';

const label = (recordId: string, labeller: string, verdict: 'pass' | 'fail', extra: { errorTags?: string[]; note?: string | null; minute?: number } = {}) => ({
  recordId,
  labeller,
  verdict,
  errorTags: extra.errorTags ?? [],
  note: extra.note ?? null,
  createdAt: at(extra.minute ?? 200),
});

/** r1..r4 of suite support (r1 failed and judged, r2 passed and judged, r3 failed not judged, r4 passed), all scored by "answers"; r5 of another suite. */
async function seed(store: Store): Promise<void> {
  await store.production.putRecords([record('r1', 1), record('r2', 2), record('r3', 3), record('r4', 4), record('r5', 5, { suite: 'other' })], []);
  await store.production.complete([
    score('r1', 'answers', { passed: false, judgeCostUsd: 0.001 }),
    score('r2', 'answers', { passed: true, judgeCostUsd: 0.001 }),
    score('r3', 'answers', { passed: false }),
    score('r4', 'answers', { passed: true }),
    score('r4', 'tone', { passed: true }),
    score('r5', 'answers', { passed: true }),
  ]);
}

testAllStores('store contract: production labels', ({ open, kind }) => {
  describe('labels', () => {
    it('round-trips a label with error tags and an untrusted note, and replaces it per (record, labeller)', async () => {
      const store = await open();
      // PostgreSQL text cannot hold U+0000: the store writes U+FFFD instead, as for run labels' comments (pgText).
      const nul = kind === 'postgres' ? '\uFFFD' : '\u0000';
      await seed(store);
      await store.production.labels.put(label('r1', 'alice', 'fail', { errorTags: ['wrong-fact', 'tone'], note: 'a <b> "note" \u0000 nul' }));
      expect(await store.production.labels.list({ suite: 'support' })).toEqual([
        {
          recordId: 'r1',
          suite: 'support',
          labeller: 'alice',
          verdict: 'fail',
          errorTags: ['wrong-fact', 'tone'],
          note: `a <b> "note" ${nul} nul`,
          createdAt: at(200),
        },
      ]);
      await store.production.labels.put(label('r1', 'alice', 'pass', { minute: 201 }));
      await store.production.labels.put(label('r1', 'bob', 'fail'));
      expect(await store.production.labels.list({ suite: 'support', recordId: 'r1' })).toEqual([
        { recordId: 'r1', suite: 'support', labeller: 'alice', verdict: 'pass', errorTags: [], note: null, createdAt: at(201) },
        { recordId: 'r1', suite: 'support', labeller: 'bob', verdict: 'fail', errorTags: [], note: null, createdAt: at(200) },
      ]);
    });

    it('lists by suite, monitor, record and labeller; deletes one labeller’s label', async () => {
      const store = await open();
      await seed(store);
      for (const id of ['r1', 'r2', 'r4']) await store.production.labels.put(label(id, 'alice', 'pass'));
      await store.production.labels.put(label('r5', 'alice', 'fail'));
      await store.production.labels.put(label('r2', 'bob', 'fail'));
      const keys = (rows: { recordId: string; labeller: string }[]) => rows.map((l) => `${l.recordId}/${l.labeller}`);
      expect(keys(await store.production.labels.list({ suite: 'support' }))).toEqual(['r1/alice', 'r2/alice', 'r2/bob', 'r4/alice']);
      expect(keys(await store.production.labels.list({ suite: 'support', monitor: 'tone' }))).toEqual(['r4/alice']);
      expect(keys(await store.production.labels.list({ suite: 'support', labeller: 'bob' }))).toEqual(['r2/bob']);
      expect(keys(await store.production.labels.list({ suite: 'other' }))).toEqual(['r5/alice']);
      await store.production.labels.delete('r2', 'alice');
      expect(keys(await store.production.labels.list({ suite: 'support', recordId: 'r2' }))).toEqual(['r2/bob']);
    });

    it('refuses a label of a record the store does not hold, and writes nothing', async () => {
      const store = await open();
      await seed(store);
      await expect(store.production.labels.put(label('nope', 'alice', 'pass'))).rejects.toThrow(/no production record nope/);
      await expect(store.production.labels.put({ ...label('r1', 'alice', 'pass'), verdict: 'maybe' as 'pass' })).rejects.toThrow(/pass or fail/);
      expect(await store.production.labels.list({ suite: 'support' })).toEqual([]);
    });
  });

  describe('reviewQueue', () => {
    it('lists the unlabelled records a monitor scored: failed first, then judged, then newest', async () => {
      const store = await open();
      await seed(store);
      const queue = async (labeller?: string) =>
        (await store.production.labels.reviewQueue({ suite: 'support', monitor: 'answers', labeller })).map((i) => i.recordId);
      // failed: r1 (judged), r3 (not judged) → r1, r3; then passed: r2 (judged), r4 → r2, r4.
      expect(await queue()).toEqual(['r1', 'r3', 'r2', 'r4']);
      const [first] = await store.production.labels.reviewQueue({ suite: 'support', monitor: 'answers', limit: 1 });
      expect(first).toEqual({ recordId: 'r1', startedAt: at(1), status: 'scored', passed: false, judged: true });
      await store.production.labels.put(label('r1', 'alice', 'fail'));
      await store.production.labels.put(label('r4', 'bob', 'pass'));
      expect(await queue()).toEqual(['r3', 'r2']);
      expect(await queue('alice')).toEqual(['r3', 'r2', 'r4']);
      expect(await store.production.labels.reviewQueue({ suite: 'support', monitor: 'tone' })).toEqual([]);
    });
  });

  describe('store copy', () => {
    it('copies the labels with their records; copying again replaces them, adds none', async () => {
      const from = await open();
      const to = await open();
      await seed(from);
      await from.production.labels.put(label('r1', 'alice', 'fail', { errorTags: ['tone'], note: 'rude' }));
      await from.production.labels.put(label('r5', 'bob', 'pass'));
      expect(await copyStore(from, to)).toMatchObject({ productionRecords: 5, productionLabels: 2 });
      expect(await to.production.labels.list({ suite: 'support' })).toEqual(await from.production.labels.list({ suite: 'support' }));
      expect(await to.production.labels.list({ suite: 'other' })).toEqual(await from.production.labels.list({ suite: 'other' }));
      await copyStore(from, to);
      expect((await to.production.labels.list({ suite: 'support' })).length).toBe(1);
    });
  });
});
