// The production store's contract (issue #15), on SQLite and PostgreSQL (testAllStores): idempotent, committed
// record batches; a score queue whose entries go to one holder at a time and come back when a claim expires;
// exactly-once scores; filtered record listings; observations streamed in startedAt order; judge spend; flags;
// alerts. Expected values are worked out by hand from the records written in each test.
import { describe, expect, it } from 'vitest';
import type { MonitorAlert, Store } from '../../src/store/index.js';
import { at, ids, record, score } from './production-fixture.js';
import { testAllStores } from './all-stores.js';

/** Every entry claimable now, for one holder, as "record/monitor" strings. */
const claimAll = async (store: Store, holder = 'h', now = 0) =>
  (await store.production.claim({ suite: 'support', limit: 1000, holder, now, leaseUntil: now + 60_000 })).map((e) => `${e.recordId}/${e.monitor}`);

testAllStores('store contract: production', ({ open, fresh, query, kind }) => {
  describe('putRecords', () => {
    it('round-trips every field, nulls and untrusted text included', async () => {
      const store = await open();
      const full = record('r1', 0, {
        parentSpanId: 'p1',
        conversationId: 'conv-1',
        endedAt: at(1),
        responseModel: 'gpt-4o-mini-2024-07-18',
        input: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'a <b> "quoted" \u0000 nul' },
        ],
        output: 'text with a \u2028 separator',
        toolCalls: [{ name: 'lookup', arguments: '{"id":1}', result: null }],
        costUsd: 0.00125,
        ttftMs: 35.5,
        attributes: { 'app.plan': 'pro', 'app.seats': 12, 'app.beta': true },
        tags: ['plan:pro', 'locale:fr'],
        flagged: true,
      });
      const bare = record('r2', 1, { input: null, output: null, inputTokens: null, outputTokens: null, latencyMs: null, finishReason: null, model: null });
      expect(await store.production.putRecords([full, bare], [])).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.production.get('r1')).toEqual(full);
      expect(await store.production.get('r2')).toEqual(bare);
      expect(await store.production.get('nope')).toBeUndefined();
    });

    it('is committed when it resolves: another connection sees the batch at once', async () => {
      const location = await fresh();
      const writer = await open(location);
      const reader = await open(location);
      await reader.production.queueDepth('support'); // opened (and migrated) before the write
      await writer.production.putRecords([record('r1', 0), record('r2', 1)], [{ recordId: 'r2', monitor: 'm' }]);
      expect((await reader.production.get('r1'))?.id).toBe('r1');
      expect(await reader.production.queueDepth('support')).toBe(1);
    });

    it('is idempotent: a stored id counts as a duplicate and its queue entries are not added again, even after scoring', async () => {
      const store = await open();
      const queue = [
        { recordId: 'r1', monitor: 'a' },
        { recordId: 'r1', monitor: 'b' },
        { recordId: 'r2', monitor: 'a' },
      ];
      expect(await store.production.putRecords([record('r1', 0), record('r2', 1)], queue)).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.production.queueDepth('support')).toBe(3);
      await store.production.complete([score('r1', 'a')]);
      // r1 and r2 again (r1 with different content: the stored record stays), r3 new, r3 twice in the batch.
      const again = await store.production.putRecords(
        [record('r1', 0, { output: 'changed' }), record('r2', 1), record('r3', 2), record('r3', 2)],
        [...queue, { recordId: 'r3', monitor: 'a' }],
      );
      // 4 records given, r3 inserted once: 1 inserted, 3 duplicates. Queue: r1/b, r2/a (left) + r3/a = 3; r1/a not re-added.
      expect(again).toEqual({ inserted: 1, duplicates: 3 });
      expect(await claimAll(store)).toEqual(['r1/b', 'r2/a', 'r3/a']);
      expect((await store.production.get('r1'))?.output).toBe('answer r1');
    });

    it('refuses a queue entry whose record is not in the batch, and stores nothing of that batch', async () => {
      const store = await open();
      await expect(store.production.putRecords([record('r1', 0)], [{ recordId: 'other', monitor: 'a' }])).rejects.toThrow(/not in the batch/);
      expect(await store.production.get('r1')).toBeUndefined();
    });

    it('keeps tags one row per tag (the tags filter reads that table, not the JSON)', async () => {
      const location = await fresh();
      const store = await open(location);
      await store.production.putRecords([record('r1', 0, { tags: ['plan:pro', 'locale:fr', 'plan:pro'] })], []);
      const rows = await query<{ tag: string }>(location, "SELECT tag FROM production_tags WHERE record_id = 'r1' ORDER BY tag");
      expect(rows.map((r) => r.tag)).toEqual(['locale:fr', 'plan:pro']);
    });
  });

  describe('the score queue', () => {
    it('claims oldest record first, up to the limit, of the suite (and monitor) asked for', async () => {
      const store = await open();
      await store.production.putRecords(
        [record('late', 5), record('early', 1), record('mid', 3), record('x', 0, { suite: 'other' })],
        [
          { recordId: 'late', monitor: 'a' },
          { recordId: 'early', monitor: 'b' },
          { recordId: 'mid', monitor: 'a' },
          { recordId: 'x', monitor: 'a' },
        ],
      );
      const first = await store.production.claim({ suite: 'support', monitor: 'a', limit: 1, holder: 'h', now: 0, leaseUntil: 1000 });
      expect(first).toEqual([{ recordId: 'mid', monitor: 'a' }]);
      expect(await claimAll(store, 'h2')).toEqual(['early/b', 'late/a']);
      expect(await store.production.queueDepth('support')).toBe(3);
      expect(await store.production.queueDepth('support', 'a')).toBe(2);
      expect(await store.production.queueDepth('other')).toBe(1);
    });

    it('hands an entry to one holder only; an expired claim is claimable again', async () => {
      const store = await open();
      await store.production.putRecords([record('r1', 0)], [{ recordId: 'r1', monitor: 'a' }]);
      expect(await store.production.claim({ suite: 'support', limit: 10, holder: 'A', now: 0, leaseUntil: 1000 })).toHaveLength(1);
      expect(await store.production.claim({ suite: 'support', limit: 10, holder: 'B', now: 999, leaseUntil: 2000 })).toEqual([]);
      // A crashed: its lease ran out at 1000, so at 1001 B gets the entry (and holds it until 2000).
      expect(await store.production.claim({ suite: 'support', limit: 10, holder: 'B', now: 1001, leaseUntil: 2000 })).toEqual([
        { recordId: 'r1', monitor: 'a' },
      ]);
      expect(await store.production.claim({ suite: 'support', limit: 10, holder: 'A', now: 1500, leaseUntil: 3000 })).toEqual([]);
    });

    it('concurrent claimers (separate connections) never get the same entry', async () => {
      const location = await fresh();
      const stores = await Promise.all([0, 1, 2, 3].map(() => open(location)));
      const records = Array.from({ length: 40 }, (_, i) => record(`r${i}`, i));
      await stores[0].production.putRecords(
        records,
        records.map((r) => ({ recordId: r.id, monitor: 'a' })),
      );
      // Four claimers, three rounds of 5 each at once: 60 asked for, 40 there.
      const claimed: string[] = [];
      for (let round = 0; round < 3; round++) {
        const got = await Promise.all(stores.map((s, i) => s.production.claim({ suite: 'support', limit: 5, holder: `h${i}`, now: 0, leaseUntil: 60_000 })));
        claimed.push(...got.flat().map((e) => e.recordId));
      }
      expect(claimed).toHaveLength(40);
      expect(new Set(claimed).size).toBe(40);
    });

    it('complete stores the score and removes the entry; completing again keeps the first score (exactly once)', async () => {
      const store = await open();
      await store.production.putRecords(
        [record('r1', 0)],
        [
          { recordId: 'r1', monitor: 'a' },
          { recordId: 'r1', monitor: 'b' },
        ],
      );
      await claimAll(store);
      await store.production.complete([score('r1', 'a', { passed: true, judgeCostUsd: 0.01 })]);
      expect(await store.production.queueDepth('support')).toBe(1);
      // A scorer whose claim expired finishes late with another verdict: the first one stays.
      await store.production.complete([score('r1', 'a', { passed: false, scoredAt: at(200), judgeCostUsd: 0.02 })]);
      const unscored = score('r1', 'b', {
        status: 'unscored',
        reason: 'the check "grounded" needs variable "context", which the record lacks',
        passed: null,
        criticalFailed: null,
        checks: [{ name: 'grounded', type: 'judge', passed: null, score: null, severity: 'normal', reason: null }],
        metrics: { refusal: 0, other: null },
      });
      await store.production.complete([unscored]);
      expect(await store.production.scores('r1')).toEqual([score('r1', 'a', { passed: true, judgeCostUsd: 0.01 }), unscored]);
      expect(await store.production.queueDepth('support')).toBe(0);
      expect(await claimAll(store, 'h', 10_000_000)).toEqual([]);
    });
  });

  describe('records', () => {
    const seed = async (store: Store) => {
      await store.production.putRecords(
        [
          record('r1', 1, { tags: ['plan:pro', 'locale:fr'] }),
          record('r2', 2, { tags: ['plan:free'] }),
          record('r3', 3, { tags: ['plan:pro'], flagged: true }),
          record('r4', 4, { tags: ['plan:pro', 'locale:fr'] }),
          record('o1', 2, { suite: 'other', tags: ['plan:pro'] }),
        ],
        [],
      );
      await store.production.complete([score('r1', 'a', { passed: false }), score('r2', 'a'), score('r3', 'b', { passed: false }), score('r4', 'b')]);
    };

    it('lists newest first, or oldest first from `since`; since inclusive, until exclusive; limit', async () => {
      const store = await open();
      await seed(store);
      const list = (q: object) => ids(store.production.records({ suite: 'support', ...q }));
      expect(await list({})).toEqual(['r4', 'r3', 'r2', 'r1']);
      expect(await list({ since: at(2) })).toEqual(['r2', 'r3', 'r4']);
      expect(await list({ since: at(2), until: at(4) })).toEqual(['r2', 'r3']);
      expect(await list({ until: at(3) })).toEqual(['r2', 'r1']);
      expect(await list({ limit: 2 })).toEqual(['r4', 'r3']);
    });

    it('filters by tags (every one), monitor, failed and flagged', async () => {
      const store = await open();
      await seed(store);
      const list = (q: object) => ids(store.production.records({ suite: 'support', ...q }));
      expect(await list({ tags: ['plan:pro'] })).toEqual(['r4', 'r3', 'r1']);
      expect(await list({ tags: ['plan:pro', 'locale:fr'] })).toEqual(['r4', 'r1']);
      expect(await list({ tags: ['plan:pro', 'locale:fr'], since: at(2) })).toEqual(['r4']);
      expect(await list({ tags: ['plan:pro'], since: at(1), until: at(4) })).toEqual(['r1', 'r3']);
      expect(await list({ tags: ['nobody'] })).toEqual([]);
      expect(await list({ monitor: 'a' })).toEqual(['r2', 'r1']);
      expect(await list({ failed: true })).toEqual(['r3', 'r1']);
      expect(await list({ monitor: 'b', failed: true })).toEqual(['r3']);
      expect(await list({ failed: false })).toEqual(['r4', 'r2']);
      expect(await list({ flagged: true })).toEqual(['r3']);
      await store.production.setFlagged('r3', false);
      await store.production.setFlagged('r1', true);
      expect(await list({ flagged: true })).toEqual(['r1']);
      expect(await list({ flagged: true, tags: ['locale:fr'], failed: true })).toEqual(['r1']);
    });
  });

  describe('observations and judge spend', () => {
    it('streams one monitor’s scores in startedAt order, joined with the record’s figures', async () => {
      const store = await open();
      await store.production.putRecords(
        [
          record('late', 9, { output: 'four', costUsd: 0.002, tags: ['plan:pro'] }),
          record('early', 1, { output: null, model: null }),
          record('mid', 5, { output: 'é☃😀' }),
        ],
        [],
      );
      await store.production.complete([
        score('late', 'a', { passed: false, criticalFailed: true, metrics: { refusal: 1 } }),
        score('early', 'a', { status: 'unscored', reason: 'no output', passed: null, criticalFailed: null }),
        score('mid', 'a'),
        score('mid', 'b'),
      ]);
      const seen = [];
      for await (const o of store.production.observations({ suite: 'support', monitor: 'a' })) seen.push(o);
      expect(seen.map((o) => o.recordId)).toEqual(['early', 'mid', 'late']);
      expect(seen[2]).toEqual({
        recordId: 'late',
        monitor: 'a',
        startedAt: at(9),
        model: 'gpt-4o-mini',
        tags: ['plan:pro'],
        status: 'scored',
        passed: false,
        criticalFailed: true,
        costUsd: 0.002,
        latencyMs: 120,
        inputTokens: 10,
        outputTokens: 5,
        outputChars: 4,
        metrics: { refusal: 1 },
        language: null,
      });
      expect(seen[0]).toMatchObject({ status: 'unscored', passed: null, outputChars: null, model: null, costUsd: null });
      // 'é☃😀': é and ☃ are one UTF-16 unit each, 😀 two (a surrogate pair): JavaScript length 4.
      expect(seen[1].outputChars).toBe(4);
      const ranged = [];
      for await (const o of store.production.observations({ suite: 'support', monitor: 'a', since: at(5), until: at(9) })) ranged.push(o.recordId);
      expect(ranged).toEqual(['mid']);
    });

    it('streams past page boundaries in order (2,500 observations), and a break releases the listing', async () => {
      const store = await open();
      // Minutes in a scrambled order (i * 7 mod 2,500 visits each once, 7 being coprime with 2,500).
      const records = Array.from({ length: 2500 }, (_, i) => record(`r${String(i).padStart(4, '0')}`, (i * 7) % 2500));
      await store.production.putRecords(records, []);
      await store.production.complete(records.map((r) => score(r.id, 'a')));
      let previous = '';
      let n = 0;
      for await (const o of store.production.observations({ suite: 'support', monitor: 'a' })) {
        expect(o.startedAt > previous).toBe(true);
        previous = o.startedAt;
        n++;
      }
      expect(n).toBe(2500);
      for await (const o of store.production.observations({ suite: 'support', monitor: 'a' })) if (o) break;
      // Writes while a stream is open (the collector writes while a monitor reads, in one process): SQLite refuses
      // them on a connection with a statement still iterating, so no listing may hold one between rows.
      let written = 0;
      for await (const o of store.production.observations({ suite: 'support', monitor: 'a', until: at(3) })) {
        await store.production.putRecords([record(`w${o.recordId}`, 3000, { suite: 'written' })], [{ recordId: `w${o.recordId}`, monitor: 'a' }]);
        await store.production.alerts.put({
          id: o.recordId,
          suite: 'support',
          monitor: 'a',
          metric: 'm',
          state: 'open',
          openedAt: o.startedAt,
          closedAt: null,
          evidence: {},
        });
        written++;
      }
      // Minutes 0, 1, 2 come before at(3).
      expect(written).toBe(3);
      expect(await store.production.queueDepth('written')).toBe(3);
      // Records page the same way, both directions. 7i ≡ 2498 and 2499 (mod 2,500): i = 714 and 357 (7 × 357 = 2,499).
      const ascending = await ids(store.production.records({ suite: 'support', since: at(0) }));
      expect(ascending).toHaveLength(2500);
      expect(ascending.slice(-2)).toEqual(['r0714', 'r0357']);
      const newest = await ids(store.production.records({ suite: 'support', limit: 1500 }));
      expect(newest).toHaveLength(1500);
      expect(newest.slice(0, 2)).toEqual(['r0357', 'r0714']);
      expect(new Set(newest).size).toBe(1500);
    });

    it('sums judge cost since a time, per monitor; 0 when nothing was spent', async () => {
      const store = await open();
      await store.production.putRecords([record('r1', 0), record('r2', 1), record('r3', 2)], []);
      await store.production.complete([
        score('r1', 'a', { scoredAt: at(10), judgeCostUsd: 0.5 }),
        score('r2', 'a', { scoredAt: at(20), judgeCostUsd: 0.25 }),
        score('r3', 'a', { scoredAt: at(30), judgeCostUsd: null }),
        score('r1', 'b', { scoredAt: at(30), judgeCostUsd: 4 }),
      ]);
      expect(await store.production.judgeSpend('support', 'a', at(0))).toBeCloseTo(0.75, 12);
      expect(await store.production.judgeSpend('support', 'a', at(20))).toBeCloseTo(0.25, 12);
      expect(await store.production.judgeSpend('support', 'a', at(31))).toBe(0);
      expect(await store.production.judgeSpend('support', 'b', at(0))).toBeCloseTo(4, 12);
    });
  });

  describe('alerts', () => {
    const alert = (id: string, monitor: string, openedMinute: number, extra: Partial<MonitorAlert> = {}): MonitorAlert => ({
      id,
      suite: 'support',
      monitor,
      metric: 'pass_rate',
      state: 'open',
      openedAt: at(openedMinute),
      closedAt: null,
      evidence: { estimate: 0.841, interval: [0.82, 0.86], baseline: 0.883, samples: 1840 },
      ...extra,
    });

    it('puts (replacing by id) and lists newest first, by monitor and state', async () => {
      const store = await open();
      await store.production.alerts.put(alert('x1', 'a', 1));
      await store.production.alerts.put(alert('x2', 'b', 2));
      await store.production.alerts.put(alert('x3', 'a', 3));
      await store.production.alerts.put(alert('x1', 'a', 1, { state: 'closed', closedAt: at(5) }));
      await store.production.alerts.put(alert('y1', 'a', 9, { suite: 'other' }));
      const list = async (q: object) => (await store.production.alerts.list({ suite: 'support', ...q })).map((a) => a.id);
      expect(await list({})).toEqual(['x3', 'x2', 'x1']);
      expect(await list({ monitor: 'a' })).toEqual(['x3', 'x1']);
      expect(await list({ state: 'open' })).toEqual(['x3', 'x2']);
      expect(await list({ limit: 1 })).toEqual(['x3']);
      expect((await store.production.alerts.list({ suite: 'support', state: 'closed' }))[0]).toEqual(alert('x1', 'a', 1, { state: 'closed', closedAt: at(5) }));
    });
  });

  if (kind === 'sqlite') {
    it('a tags filter walks the tag’s rows of production_tags in time order: no scan of the records, no sort', async () => {
      const location = await fresh();
      await (await open(location)).production.putRecords([record('r1', 0, { tags: ['plan:pro'] })], []);
      const store = await open(location);
      // The listing's SQL as the store runs it, explained on the same file.
      const plan = await query<{ detail: string }>(
        location,
        "EXPLAIN QUERY PLAN SELECT r.* FROM production_tags t0 CROSS JOIN production_records r WHERE t0.suite = 'support' AND t0.tag = 'plan:pro' AND r.id = t0.record_id ORDER BY t0.started_at DESC, t0.record_id DESC",
      );
      const detail = plan.map((p) => p.detail).join('\n');
      expect(detail).toMatch(/SEARCH t0 USING PRIMARY KEY \(suite=\? AND tag=\?\)/);
      expect(detail).toMatch(/SEARCH r USING INDEX sqlite_autoindex_production_records_1 \(id=\?\)/);
      expect(detail).not.toMatch(/TEMP B-TREE|SCAN/);
      expect(await ids(store.production.records({ suite: 'support', tags: ['plan:pro'] }))).toEqual(['r1']);
    });
  }
});
