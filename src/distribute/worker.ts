// `evalspec worker` (and the working half of `run --distributed`): take jobs from the queue, execute each job's
// items as a part of its stored run (run/ executeRun with role `part`), complete the job once its results are
// stored. A redelivered job (its first worker died) skips every item already stored, errors included, so no item
// is called or billed twice; at most the items in flight in the dead worker (called, not stored) are called again.
import { setTimeout as delay } from 'node:timers/promises';
import type PgBoss from 'pg-boss';
import { EvalspecError } from '../errors.js';
import { loadSelected } from '../pipeline.js';
import type { Plan } from '../plan/index.js';
import { createPricer } from '../pricing/index.js';
import { estimatePartCost, executeRun, ProviderSlots, RateLimits, Semaphore, type ItemGate, type RunOutcome } from '../run/index.js';
import type { Store } from '../store/index.js';
import { coordinationPool, jobInsert, openQueue, QUEUE, type JobData } from './queue.js';
import { PgRateBudget } from './shared-budget.js';
import { PgCostBudget } from './shared-cost.js';
import { ProviderSlotLeases } from './provider-slots.js';
import { JobLease } from './job-lease.js';
import { DONE_CHANNEL, JOBS_CHANNEL, listenFor, notify, SLOTS_CHANNEL, Wakeup } from './queue-signals.js';

export interface WorkerOptions {
  store: Store;
  /** The store's URL (password included): pg-boss connects to the same database. */
  url: string;
  /** Calls in flight in this process, over all the jobs it holds. */
  concurrency: number;
  /** One line per job and per job failure. */
  log: (line: string) => void;
  /** Resolve `idle` once no job has been held for this long (a CI fleet's workers end with the run's jobs). */
  exitWhenIdleMs?: number;
}

export interface RunningWorker {
  /** Finish the jobs in hand (their items are stored), take no more. */
  stop(): Promise<void>;
  /** Resolves when the worker has held no job for `exitWhenIdleMs` (never without it). */
  idle: Promise<void>;
}

/**
 * Jobs held at most at once. The worker takes the next job as soon as the items of those in hand not yet started
 * would no longer fill its --concurrency, so one job's last calls and the next job's first share the slots.
 */
const MAX_JOBS_IN_HAND = 4;
/** How often an idle worker asks the queue for work when no notice woke it (queue-signals.ts). */
const POLL_MS = 1000;
/** A job's lease covers its calls' estimate this many times over: its judges' calls are not in the estimate. */
const JUDGE_MARGIN = 1.5;
/** The least a job leases (a job of free calls still asks, so a stopped run is seen). */
const MIN_LEASE_USD = 1e-9;
/** A job finding the cap held by other jobs asks again this often, for at most LEASE_WAIT_MS (a dead worker's lease). */
const LEASE_POLL_MS = 250;
const LEASE_WAIT_MS = 30_000;

/** A job's way through the worker's item slots, counting the items it has started. */
class JobGate implements ItemGate {
  private taken = 0;

  constructor(
    private readonly slots: Semaphore,
    private readonly items: number,
    private readonly onTake: () => void,
  ) {}

  async acquire(): Promise<void> {
    await this.slots.acquire();
    if (this.taken++ < this.items) this.onTake();
  }

  release(): void {
    this.slots.release();
  }

  /** Items of the job not started yet (at most; a redelivered job skips its stored items without a slot each). */
  get unstarted(): number {
    return Math.max(0, this.items - this.taken);
  }
}

/** Wait, or less when `signal` aborts. */
const sleep = (ms: number, signal: AbortSignal) => delay(ms, undefined, { signal }).catch(() => undefined);

/** The plan of a stored run, as its workers rebuild it: the suite file at its stored path and the stored selection. */
async function planOf(store: Store, runId: string): Promise<Plan> {
  const run = await store.runs.get(runId);
  if (!run) throw new EvalspecError('RUN_NOT_FOUND', `no run ${runId} in ${store.location}`, { hint: 'the worker and the run must use the same --db' });
  const selection = run.selection ?? { models: [...new Set(run.variants.map((v) => v.label))], repeat: run.repeat };
  const plan = loadSelected(run.suiteFile, selection, run);
  if (plan.suite.hash !== run.suiteHash || plan.totalCalls !== run.totalCalls) {
    throw new EvalspecError(
      'RESUME_MISMATCH',
      `run ${runId} was planned from ${run.suiteFile} with hash ${run.suiteHash}; on this machine that suite has hash ${plan.suite.hash}`,
      { file: run.suiteFile, hint: 'every worker needs the same suite (and cases files) at the same path as the machine that started the run' },
    );
  }
  return plan;
}

export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { store, log } = options;
  const boss: PgBoss = await openQueue(options.url, (error) => log(`worker: queue error: ${error.message}`));
  const plans = new Map<string, Promise<Plan>>();
  const rateLimits = new Map<string, RateLimits>(); // per run: what one job learned about a provider, the next keeps
  // Every worker's controllers take from one budget in the store: N workers on one key send the limit, not N times it.
  const budget = new PgRateBudget(options.url, log);
  // A run's --max-cost, leased per job from the team store (shared-cost.ts); calls priced as the run prices them.
  const pool = coordinationPool(options.url);
  const costs = new PgCostBudget(pool, options.url);
  const pricer = createPricer();
  // A provider connection's declared concurrency is leased from the team store, lent to the workers with calls to make.
  const leases = new ProviderSlotLeases(pool, options.url, log);
  const slots = new ProviderSlots(leases);
  const stop = new AbortController();
  // The worker's --concurrency: items in flight over every job it holds (each job's executeRun passes this gate).
  const itemSlots = new Semaphore(options.concurrency);
  const wakeup = new Wakeup();
  const listener = await listenFor(options.url, { [JOBS_CHANNEL]: () => wakeup.wake(), [SLOTS_CHANNEL]: (key) => leases.heard(key) }, log);

  async function runJob(job: PgBoss.JobWithMetadata<JobData>, gate: JobGate): Promise<'taken' | undefined> {
    const data = job.data;
    let plan = plans.get(data.runId);
    if (!plan) {
      plan = planOf(store, data.runId);
      plans.set(data.runId, plan);
      plan.catch(() => plans.delete(data.runId)); // a suite fixed on this machine is read again by the next job
    }
    // The job's lease is renewed while it runs (job-lease.ts); when it cannot be, the job takes no new item (those in
    // flight finish and are stored) and hands the rest on, so no item is called by two workers at once.
    const leaseSeconds = data.leaseSeconds ?? Math.max(1, Math.round(Number(job.expireInSeconds)));
    const lease = new JobLease(boss, { id: job.id, retryCount: job.retryCount, expireInSeconds: Number(job.expireInSeconds) }, leaseSeconds, (why) =>
      log(`worker: job ${job.id}: taking no new item, ${why}`),
    );
    await lease.start();
    const execute = async (maxCostUsd?: number) =>
      executeRun(await plan, {
        drain: lease.drain,
        store,
        cache: data.cache,
        isolateChecks: data.isolateChecks,
        concurrency: options.concurrency,
        itemSlots: gate,
        signal: stop.signal,
        rateLimits: rateLimits.get(data.runId) ?? rateLimits.set(data.runId, new RateLimits(budget)).get(data.runId),
        distributed: { role: 'part', runId: data.runId, repeat: data.repeat, caseFrom: data.caseFrom, caseTo: data.caseTo },
        maxCostUsd,
        expectedOutputTokens: data.expectedOutputTokens,
        slots,
      });
    const what = `run ${data.runId} cases ${data.caseFrom + 1}-${data.caseTo} repeat ${data.repeat + 1}`;
    let outcome: RunOutcome | undefined;
    try {
      outcome = data.maxCostUsd === undefined ? await execute() : await withinSharedBudget(await plan, data, what, execute);
    } catch (error) {
      if (lease.taken) return 'taken'; // not ours to fail: the worker that holds it now completes it
      throw error;
    } finally {
      lease.stop();
    }
    // Expired and handed to another worker meanwhile: the job is that worker's to complete (what was stored here stays).
    if (lease.taken) return 'taken';
    if (!outcome) return; // the run's --max-cost is spent: the job is done without its calls
    const { called, cached, skipped, errors } = outcome.counts;
    // Drained with progress: the rest as a new job (queued before this one completes, so nothing is lost between);
    // drained without any, the job fails and counts a retry (a lease shorter than one call must not loop for ever).
    if (lease.drain.aborted && outcome.status === 'incomplete' && !outcome.fatal && !outcome.budget?.stopped && called + cached > 0) {
      await boss.insert([jobInsert(data, leaseSeconds)]);
      await notify(pool, JOBS_CHANNEL, data.runId);
      log(`worker: ${what}: ${called} called, then its lease could not be renewed: the rest goes back to the queue as a new job`);
      return;
    }
    // Not every item stored (stopped, a store failure, a refused key): pg-boss hands the job out again.
    if (outcome.status !== 'completed') throw new Error(`${what}: ${outcome.fatal?.message ?? outcome.status}`);
    log(`worker: ${what}: ${called} called, ${cached} cached, ${skipped} already stored, ${errors} errors`);
  }

  /**
   * A job of a run with --max-cost (shared-cost.ts): lease what its calls are estimated to cost (with room for
   * judges), run it inside that, settle. A job stopped by its lease leases again for the rest (it skips what it
   * stored). A lease too small for the job's dearest call goes back at once and is asked again after a jittered
   * pause (others' leases come back as their jobs end). When what is not spent of the cap cannot pay its cheapest
   * call, or after LEASE_WAIT_MS without a usable lease, the cap is spent: the run stops (undefined: the job is done
   * without the rest of its calls). A whole lease in which no call fitted (calls dearer than estimated) asks twice as much.
   */
  async function withinSharedBudget(
    plan: Plan,
    data: JobData,
    what: string,
    execute: (maxCostUsd: number) => Promise<RunOutcome>,
  ): Promise<RunOutcome | undefined> {
    const estimate = estimatePartCost(plan, data, pricer, data.expectedOutputTokens);
    let ask = Math.max(MIN_LEASE_USD, estimate.totalUsd * JUDGE_MARGIN);
    let waitedMs = 0;
    const spent = async () => {
      await costs.stop(data.runId);
      log(`worker: ${what}: stopped, the run's --max-cost is spent`);
      return undefined;
    };
    const pause = async () => {
      const ms = LEASE_POLL_MS * (0.5 + Math.random());
      await sleep(ms, stop.signal);
      waitedMs += ms;
    };
    for (;;) {
      if (stop.signal.aborted) throw new Error(`${what}: cancelled`);
      const { grantedUsd: granted, unspentUsd: unspent } = await costs.lease(data.runId, ask);
      if (unspent < Math.max(MIN_LEASE_USD, estimate.cheapestUsd) || waitedMs > LEASE_WAIT_MS) {
        if (granted > 0) await costs.settle(data.runId, granted, 0);
        return spent();
      }
      if (granted < estimate.dearestUsd) {
        await costs.settle(data.runId, granted, 0);
        await pause();
        continue;
      }
      let outcome: RunOutcome;
      try {
        outcome = await execute(granted);
      } catch (error) {
        await costs.settle(data.runId, granted, granted).catch(() => undefined); // its spend unknown: none given back
        throw error;
      }
      await costs.settle(data.runId, granted, outcome.budget?.spentUsd ?? granted);
      if (outcome.status === 'completed' || !outcome.budget?.stopped || outcome.fatal) return outcome;
      if (outcome.counts.called + outcome.counts.cached > 0) {
        waitedMs = 0;
        continue; // the rest of the job on a new lease
      }
      if (granted >= ask) ask *= 2;
      else await pause();
    }
  }

  // Our own fetch loop (pg-boss's work() waits out its polling interval after every job, even with more queued):
  // a job is fetched as soon as the jobs in hand would leave slots idle; only an empty queue waits, for a notice.
  const inHand = new Set<Promise<void>>();
  let unstarted = 0; // items of the jobs in hand not started yet
  const onTake = () => {
    unstarted--;
    if (unstarted < options.concurrency) wakeup.wake();
  };
  async function settle(job: PgBoss.JobWithMetadata<JobData>, gate: JobGate): Promise<void> {
    try {
      if ((await runJob(job, gate)) !== 'taken') await boss.complete(QUEUE, job.id);
    } catch (error) {
      log(`worker: job ${job.id} failed, the queue retries it: ${(error as Error).message}`);
      // Not failing it (the database is gone) leaves it active: it expires after its lease and is retried then.
      await boss.fail(QUEUE, job.id, { message: (error as Error).message }).catch(() => undefined);
    } finally {
      unstarted -= gate.unstarted;
      busyAt = Date.now();
      wakeup.wake();
    }
    await notify(pool, DONE_CHANNEL, job.data.runId);
  }
  let busyAt = Date.now(); // the last time a job was fetched or settled
  let becameIdle!: () => void;
  const idle = new Promise<void>((resolve) => (becameIdle = resolve));
  async function loop(): Promise<void> {
    while (!stop.signal.aborted) {
      if (inHand.size >= MAX_JOBS_IN_HAND || unstarted >= options.concurrency) {
        await wakeup.wait(POLL_MS, stop.signal);
        continue;
      }
      let jobs: PgBoss.JobWithMetadata<JobData>[];
      try {
        // With its metadata: the retry count identifies this fetch of the job when its lease is renewed.
        jobs = await boss.fetch<JobData>(QUEUE, { batchSize: 1, includeMetadata: true });
      } catch (error) {
        log(`worker: fetching a job failed (${(error as Error).message}); trying again`);
        jobs = [];
      }
      if (jobs.length === 0) {
        const idleMs = Date.now() - busyAt;
        if (options.exitWhenIdleMs !== undefined && inHand.size === 0 && idleMs >= options.exitWhenIdleMs) becameIdle();
        await wakeup.wait(options.exitWhenIdleMs === undefined ? POLL_MS : Math.max(1, Math.min(POLL_MS, options.exitWhenIdleMs - idleMs)), stop.signal);
        continue;
      }
      busyAt = Date.now();
      const job = jobs[0];
      const gate = new JobGate(itemSlots, job.data.items ?? job.data.caseTo - job.data.caseFrom, onTake);
      unstarted += gate.unstarted;
      const settled = settle(job, gate);
      inHand.add(settled);
      void settled.finally(() => inHand.delete(settled));
    }
    await Promise.all(inHand);
  }
  const fetching = loop();
  return {
    idle,
    async stop() {
      // The jobs in hand stop: cancelled items are not stored, and their jobs are failed, so retried at once.
      stop.abort();
      await fetching;
      await listener.close();
      await boss.stop({ graceful: false, wait: true });
      await budget.close();
      await leases.stop();
      await pool.end();
    },
  };
}
