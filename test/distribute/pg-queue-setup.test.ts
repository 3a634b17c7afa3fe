// Workers started together on a new team store each set up the work queue (pg-boss's schema and the queue). Done at
// the same moment, PostgreSQL aborted one of them with "deadlock detected" (a worker of the kill -9 e2e test exited 2
// on a loaded machine); src/distribute/queue.ts now lets one process at a time do it. Eight set-ups at once on a
// fresh database must all succeed and leave one queue.
import { afterAll, describe, expect, it } from 'vitest';
import type PgBoss from 'pg-boss';
import { openQueue, QUEUE, QUEUE_SCHEMA } from '../../src/distribute/queue.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';

const mode = pgTestMode();

describe.skipIf(mode === 'skip')('the work queue set up by many processes at once (PostgreSQL)', () => {
  if (mode === 'skip') console.warn(`skipping the queue set-up test: ${pgUnavailableReason()}`);
  const bosses: PgBoss[] = [];
  afterAll(async () => {
    for (const b of bosses) await b.stop({ graceful: false, wait: true }).catch(() => undefined);
  });

  it('eight set-ups at once on a new database all succeed, with one queue', async () => {
    if (mode === 'fail') throw new Error(`the queue set-up test cannot run under CI: ${pgUnavailableReason()}`);
    for (let round = 0; round < 3; round++) {
      const url = await createPgDatabase();
      const errors: string[] = [];
      const settled = await Promise.allSettled(Array.from({ length: 8 }, () => openQueue(url, (e) => errors.push(e.message))));
      for (const s of settled) if (s.status === 'fulfilled') bosses.push(s.value);
      expect(settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason))).toEqual([]);
      const rows = await pgQuery<{ n: number }>(url, `SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.queue WHERE name = $1`, [QUEUE]);
      expect(rows[0].n).toBe(1);
      for (const b of bosses.splice(0)) await b.stop({ graceful: false, wait: true }).catch(() => undefined);
    }
  }, 120_000);
});
