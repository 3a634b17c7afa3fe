// The work queue of distributed runs: pg-boss 10 in the team store's PostgreSQL (its own schema, its own
// migrations), so a team runs no extra service. One queue for every run; a job names its run and a slice of the
// plan (JobData). pg-boss gives the leases: a fetched job is `active` until completed, failed, or expired after
// `expireInSeconds` (a killed worker), when it goes back to `retry` for any worker to take.
import type pg from 'pg';
import type PgBoss from 'pg-boss';
import { pgBoss, pgDriver } from './drivers.js';
import { EvalspecError, EXIT } from '../errors.js';
import type { Store } from '../store/index.js';

export const QUEUE = 'evalspec-run-items';
/** pg-boss's tables live here, beside evalspec's (docs/team.md). */
export const QUEUE_SCHEMA = 'evalspec_queue';

/** pg-boss tries a job this many times more: workers dying several times over, or a store outage. */
export const JOB_RETRY_LIMIT = 5;

/** A job as the queue takes it: leased for `leaseSeconds`, retried JOB_RETRY_LIMIT times (coordinator and worker alike). */
export function jobInsert(data: JobData, leaseSeconds: number): PgBoss.JobInsert<JobData> {
  return { name: QUEUE, data, expireInSeconds: leaseSeconds, retryLimit: JOB_RETRY_LIMIT, retryDelay: 1 };
}

/**
 * The small pool a worker (or coordinator) keeps for its shared --max-cost budget, its providers' shared concurrency
 * and its notices: one pool for all, so a team of workers does not open a connection per purpose each. The caller ends it.
 */
export function coordinationPool(url: string): pg.Pool {
  const pool = new (pgDriver().Pool)({ connectionString: url, application_name: 'evalspec worker', max: 3, allowExitOnIdle: true });
  pool.on('error', () => undefined);
  return pool;
}

/** One job: repeat `repeat` of the plan's cases [caseFrom, caseTo), with the run's own call options. */
export interface JobData {
  runId: string;
  repeat: number;
  caseFrom: number;
  caseTo: number;
  /** Work items of the job: its cases times the run's variants (absent in jobs queued by an older evalspec: its cases are counted). */
  items?: number;
  /** The run's --lease-seconds (absent in jobs queued by an older evalspec: the job's expire_in as fetched). */
  leaseSeconds?: number;
  cache: boolean;
  isolateChecks: boolean;
  /** The run's --max-cost, shared by its workers through run_budgets (shared-cost.ts); absent without a cap. */
  maxCostUsd?: number;
  /** --expected-output-tokens of the run: what a job's calls are estimated at when its worker leases budget. */
  expectedOutputTokens?: number;
}

/** A distributed run needs a store every machine reaches: the PostgreSQL team store. */
export function requireTeamStore(store: Store, what: string): void {
  if (store.capabilities.sharedAcrossHosts) return;
  throw new EvalspecError('USAGE', `${what} needs the PostgreSQL team store; ${store.location} is a local SQLite file that other machines cannot reach`, {
    exitCode: EXIT.invalidInput,
    hint: 'pass --db postgres://USER:PASSWORD@HOST/DB (or set $EVALSPEC_DB) on every machine; docs/team.md, "Distributed runs"',
  });
}

/** Start pg-boss on the store's URL (creating or upgrading its schema) and make sure the queue exists. */
export async function openQueue(url: string, onError: (error: Error) => void): Promise<PgBoss> {
  let boss: PgBoss;
  try {
    const PgBossQueue = pgBoss();
    boss = new PgBossQueue({
      connectionString: url,
      schema: QUEUE_SCHEMA,
      max: 4,
      // Expired jobs (a dead worker's) go back to the queue at the next maintenance: every few seconds, not pg-boss's 2 min.
      maintenanceIntervalSeconds: 5,
    });
  } catch (error) {
    throw new EvalspecError('STORE', `cannot set up the work queue: ${(error as Error).message}`, { cause: error });
  }
  boss.on('error', onError);
  try {
    // Workers started together on a new store each install pg-boss's schema and create the queue; done at the same
    // moment, PostgreSQL may abort one with "deadlock detected" (seen with 3 workers on a loaded machine). One
    // process at a time does it, under a session advisory lock held on a connection of its own.
    await oneAtATime(url, async () => {
      await boss.start();
      if (!(await boss.getQueue(QUEUE))) await boss.createQueue(QUEUE);
    });
  } catch (error) {
    await boss.stop({ graceful: false, wait: false }).catch(() => undefined);
    throw new EvalspecError('STORE', `cannot start the work queue in the team store: ${(error as Error).message}`, {
      exitCode: EXIT.invalidInput,
      cause: error,
      hint: `the store's role must be able to create the schema ${QUEUE_SCHEMA} (or run once with an owner role)`,
    });
  }
  return boss;
}

/** The advisory lock key of the queue's set-up ("evalspec queue" as a 32-bit number; any fixed key of ours). */
const QUEUE_SETUP_LOCK = 0x65717375;

async function oneAtATime(url: string, work: () => Promise<void>): Promise<void> {
  const client = new (pgDriver().Client)({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [QUEUE_SETUP_LOCK]);
    try {
      await work();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [QUEUE_SETUP_LOCK]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Jobs of the run not settled yet (waiting, waiting for a retry, or leased to a worker). pg-boss has no query by
 * payload, so this reads its job table (its documented schema) directly.
 */
export async function jobsLeft(boss: PgBoss, runId: string): Promise<number> {
  const { rows } = await boss
    .getDb()
    .executeSql(`SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND data->>'runId' = $2 AND state IN ('created', 'retry', 'active')`, [
      QUEUE,
      runId,
    ]);
  return Number((rows[0] as { n: number }).n);
}

/** The run's jobs that pg-boss gave up on (retries exhausted): their items stay unstored, and `--resume` runs them. */
export async function jobsFailed(boss: PgBoss, runId: string): Promise<number> {
  const { rows } = await boss
    .getDb()
    .executeSql(`SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND data->>'runId' = $2 AND state = 'failed'`, [QUEUE, runId]);
  return Number((rows[0] as { n: number }).n);
}

/** Withdraw the run's jobs no worker holds yet (a cancelled run): the jobs in hand finish, `--resume` runs the rest. */
export async function withdrawJobs(boss: PgBoss, runId: string): Promise<number> {
  const { rows } = await boss
    .getDb()
    .executeSql(`SELECT id FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND data->>'runId' = $2 AND state IN ('created', 'retry')`, [QUEUE, runId]);
  const ids = (rows as { id: string }[]).map((r) => r.id);
  if (ids.length > 0) await boss.cancel(QUEUE, ids);
  return ids.length;
}

/**
 * Jobs of the run still queued or held, read without starting pg-boss (nothing is created in a store that never ran
 * a distributed run): 0 when the queue's schema does not exist.
 */
export async function unsettledJobsOf(url: string, runId: string): Promise<number> {
  const client = new (pgDriver().Client)({ connectionString: url });
  await client.connect();
  try {
    const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('${QUEUE_SCHEMA}.job')::text AS t`);
    if (!exists.rows[0]?.t) return 0;
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1 AND data->>'runId' = $2 AND state IN ('created', 'retry', 'active')`,
      [QUEUE, runId],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}
