// A job's lease kept alive by its worker (src/distribute/job-lease.ts) on a real pg-boss queue. pg-boss 10 takes an
// active job for dead when `started_on + expire_in < now()` (its failJobsByTimeout, run by its maintenance); these
// tests read that same predicate. Renewed, a job outlives its lease; not renewed, it does not; a renewal that finds
// the job fetched again by someone else drains it and says it is taken; renewals that fail drain it at four fifths
// of the lease, and renewals that get through again keep it; a job handed out again with a long `expire_in` is set
// back to one lease.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import { JobLease } from '../../src/distribute/job-lease.js';
import { openQueue, QUEUE, QUEUE_SCHEMA } from '../../src/distribute/queue.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { until } from '../helpers/poll.js';

const mode = pgTestMode();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(mode === 'skip')("a job's lease renewed by its worker (PostgreSQL, pg-boss)", () => {
  if (mode === 'skip') console.warn(`skipping the job lease tests: ${pgUnavailableReason()}`);
  const bosses: PgBoss[] = [];
  const leases: JobLease[] = [];
  afterAll(async () => {
    for (const l of leases) l.stop();
    for (const b of bosses) await b.stop({ graceful: false, wait: true }).catch(() => undefined);
  });

  /** A fresh queue with one job leased for `expireInSeconds`, fetched as a worker fetches it. */
  async function fetchedJob(expireInSeconds: number) {
    if (mode === 'fail') throw new Error(`the job lease tests cannot run under CI: ${pgUnavailableReason()}`);
    const url = await createPgDatabase();
    const boss = await openQueue(url, () => undefined);
    bosses.push(boss);
    await boss.insert([{ name: QUEUE, data: { n: 1 }, expireInSeconds }]);
    const [job] = await boss.fetch<{ n: number }>(QUEUE, { batchSize: 1, includeMetadata: true });
    expect(job).toBeDefined();
    const alive = async () =>
      (await pgQuery<{ alive: boolean }>(url, `SELECT (started_on + expire_in) >= now() AS alive FROM ${QUEUE_SCHEMA}.job WHERE id = $1`, [job.id]))[0].alive;
    const expireIn = async () =>
      Number((await pgQuery<{ s: number }>(url, `SELECT EXTRACT(epoch FROM expire_in)::float8 AS s FROM ${QUEUE_SCHEMA}.job WHERE id = $1`, [job.id]))[0].s);
    return { url, boss, job, alive, expireIn };
  }
  const leaseOf = (boss: PgBoss, job: PgBoss.JobWithMetadata, seconds: number, said: string[]) => {
    const lease = new JobLease(boss, { id: job.id, retryCount: job.retryCount, expireInSeconds: Number(job.expireInSeconds) }, seconds, (why) =>
      said.push(why),
    );
    leases.push(lease);
    return lease;
  };

  it('renewed, a job outlives its 2 s lease (still unexpired after 3.5 s); the same job not renewed has expired', async () => {
    const renewed = await fetchedJob(2);
    const idle = await fetchedJob(2);
    const said: string[] = [];
    const lease = leaseOf(renewed.boss, renewed.job, 2, said);
    await lease.start();
    await sleep(3500);
    expect(await renewed.alive()).toBe(true);
    expect(await idle.alive()).toBe(false);
    expect(lease.drain.aborted).toBe(false);
    expect(said).toEqual([]);
    lease.stop();
  }, 60_000);

  it('a renewal that finds the job fetched again (its retry count moved on) drains it and calls it taken', async () => {
    const { url, boss, job } = await fetchedJob(2);
    const said: string[] = [];
    const lease = leaseOf(boss, job, 2, said);
    await lease.start();
    // What pg-boss does when the job expired and another worker fetched it: retry_count + 1, started again.
    await pgQuery(url, `UPDATE ${QUEUE_SCHEMA}.job SET retry_count = retry_count + 1, started_on = now() WHERE id = $1`, [job.id]);
    await until(() => lease.drain.aborted, { timeoutMs: 10_000, everyMs: 50, what: 'the job to drain' });
    expect(lease.drain.aborted).toBe(true);
    expect(lease.taken).toBe(true);
    expect(said).toEqual(['it is no longer held by this worker (its lease expired)']);
  }, 60_000);

  it('renewals that fail (the queue stopped) drain the job at four fifths of the lease, not taken', async () => {
    const { boss, job } = await fetchedJob(1);
    const said: string[] = [];
    const lease = leaseOf(boss, job, 1, said);
    await lease.start();
    await boss.stop({ graceful: false, wait: true });
    await until(() => lease.drain.aborted, { timeoutMs: 10_000, everyMs: 50, what: 'the job to drain' });
    expect(lease.drain.aborted).toBe(true);
    expect(lease.taken).toBe(false);
    expect(said).toEqual(['its lease could not be renewed']);
  }, 60_000);

  it('renewals blocked past four fifths of the lease drain the job, and once the database answers again its lease is kept while its calls finish', async () => {
    const { url, boss, job, alive } = await fetchedJob(2);
    const said: string[] = [];
    const lease = leaseOf(boss, job, 2, said);
    await lease.start();
    // Another session holds the job's row: every renewal waits on its lock.
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT id FROM ${QUEUE_SCHEMA}.job WHERE id = $1 FOR UPDATE`, [job.id]);
    await until(() => lease.drain.aborted, { timeoutMs: 10_000, everyMs: 50, what: 'the job to drain' });
    expect(lease.drain.aborted).toBe(true);
    await blocker.query('COMMIT');
    await blocker.end();
    // Past the lease's first end (2 s after the last renewal that got through): renewed since, still live.
    await sleep(2500);
    expect(await alive()).toBe(true);
    expect(lease.taken).toBe(false);
    expect(said).toEqual(['its lease could not be renewed']);
    lease.stop();
  }, 60_000);

  it('a job handed out with a long expire_in (time worked before plus a lease) is set back to one lease when taken', async () => {
    const { boss, job, expireIn } = await fetchedJob(3600);
    expect(await expireIn()).toBeCloseTo(3600, 0);
    const lease = leaseOf(boss, job, 30, []);
    await lease.start();
    const seconds = await expireIn();
    expect(seconds).toBeGreaterThanOrEqual(30);
    expect(seconds).toBeLessThan(40);
    lease.stop();
  }, 60_000);
});
