// `store copy` carries production monitoring's tables (testAllStores: SQLite and PostgreSQL): every suite's records,
// their scores and the alerts, not the score queue; copying again adds nothing. Counts worked out from what is written.
import { describe, expect, it } from 'vitest';
import { copyStore } from '../../src/store/index.js';
import { testAllStores } from './all-stores.js';
import { at, ids, record, score } from './production-fixture.js';

testAllStores('store contract: production copy', ({ open }) => {
  describe('store copy', () => {
    it('copies every suite’s records, scores and alerts (not the queue); copying again adds nothing', async () => {
      const from = await open();
      const to = await open();
      // 1,200 records: more than one copy batch of 1,000.
      const records = Array.from({ length: 1200 }, (_, i) => record(`r${i}`, i, { tags: i % 2 ? ['plan:pro'] : [] }));
      await from.production.putRecords(
        [...records, record('o1', 0, { suite: 'other', flagged: true })],
        [
          { recordId: 'r0', monitor: 'a' },
          { recordId: 'r1', monitor: 'a' },
        ],
      );
      await from.production.complete([score('r0', 'a', { passed: false, judgeCostUsd: 0.5 }), score('r1199', 'b')]);
      const opened = {
        id: 'al1',
        suite: 'support',
        monitor: 'a',
        metric: 'pass_rate',
        state: 'open' as const,
        openedAt: at(5),
        closedAt: null,
        evidence: { n: 1 },
      };
      await from.production.alerts.put(opened);
      const summary = await copyStore(from, to);
      expect(summary).toMatchObject({ productionRecords: 1201, alerts: 1 });
      expect(await to.production.suites()).toEqual(['other', 'support']);
      expect(await to.production.get('r1199')).toEqual(records[1199]);
      expect(await to.production.get('o1')).toEqual(record('o1', 0, { suite: 'other', flagged: true }));
      expect(await to.production.scores('r0')).toEqual(await from.production.scores('r0'));
      expect(await ids(to.production.records({ suite: 'support', tags: ['plan:pro'], failed: false, limit: 2 }))).toEqual(['r1199', 'r1197']);
      expect(await to.production.judgeSpend('support', 'a', at(0))).toBeCloseTo(0.5, 12);
      expect(await to.production.alerts.list({ suite: 'support' })).toEqual([opened]);
      // The queue stays with the source's scorer (r1 waits there, not in the target).
      expect(await to.production.queueDepth('support')).toBe(0);
      expect(await from.production.queueDepth('support')).toBe(1);
      expect(await copyStore(from, to)).toMatchObject({ productionRecords: 0, alerts: 1 });
      expect(await to.production.scores('r0')).toHaveLength(1);
    });
  });
});
