// `run --distributed` and `run --attach`: the process that owns a distributed run. executeRun creates (or
// reopens) and leases the run as usual, then hands its items to `execute` here: enqueue them as jobs (one per
// slice of cases and repeat), work like any worker, and wait until every job of the run has settled. executeRun
// then runs the pairwise judge phase over the stored results and sets the run's status, as a single-process run does.
import { EvalspecError } from '../errors.js';
import type { Plan } from '../plan/index.js';
import type { DistributedRole } from '../run/index.js';
import type { Store } from '../store/index.js';
import { coordinationPool, JOB_RETRY_LIMIT, jobInsert, jobsFailed, jobsLeft, openQueue, withdrawJobs, type JobData } from './queue.js';
import { startWorker, type RunningWorker } from './worker.js';
import { PgCostBudget, sharedSummary } from './shared-cost.js';
import { DONE_CHANNEL, JOBS_CHANNEL, listenFor, notify, Wakeup } from './queue-signals.js';

export interface CoordinateOptions {
  store: Store;
  url: string;
  /** Enqueue the run's items (false for --attach: the jobs are in the queue already). */
  enqueue: boolean;
  /** Calls in flight in this process (0: only wait, as with --no-work). */
  concurrency: number;
  /** A job's lease: its worker renews it while it works (job-lease.ts); one not renewed this long is handed out again. */
  leaseSeconds: number;
  /** Work items per job (rounded to whole cases: a job holds every variant of its cases). */
  batchItems: number;
  cache: boolean;
  isolateChecks: boolean;
  log: (line: string) => void;
  /** Progress while waiting: results stored so far. */
  onProgress?: (stored: number, total: number) => void;
  /** --max-cost for the whole run, whichever worker spends it (shared-cost.ts). */
  maxCostUsd?: number;
  expectedOutputTokens?: number;
}

export const DEFAULT_LEASE_SECONDS = 60;
export const DEFAULT_BATCH_ITEMS = 200;

/** The jobs of a plan: per repeat, consecutive slices of cases of about `batchItems` items (all variants of a case together). */
export function planJobs(
  plan: Plan,
  runId: string,
  options: Pick<CoordinateOptions, 'batchItems' | 'cache' | 'isolateChecks' | 'maxCostUsd' | 'expectedOutputTokens' | 'leaseSeconds'>,
): JobData[] {
  const casesPerJob = Math.max(1, Math.floor(options.batchItems / Math.max(1, plan.variants.length)));
  const jobs: JobData[] = [];
  for (let repeat = 0; repeat < plan.repeat; repeat++) {
    for (let from = 0; from < plan.cases.length; from += casesPerJob) {
      jobs.push({
        runId,
        repeat,
        caseFrom: from,
        caseTo: Math.min(plan.cases.length, from + casesPerJob),
        items: (Math.min(plan.cases.length, from + casesPerJob) - from) * plan.variants.length,
        leaseSeconds: options.leaseSeconds,
        cache: options.cache,
        isolateChecks: options.isolateChecks,
        ...(options.maxCostUsd === undefined ? {} : { maxCostUsd: options.maxCostUsd, expectedOutputTokens: options.expectedOutputTokens }),
      });
    }
  }
  return jobs;
}

/** How often the coordinating process looks whether the run's jobs are done when no notice woke it. */
const POLL_MS = 1000;
/** How often it reads the results stored so far for the progress line. */
const PROGRESS_MS = 1000;

export function coordinatorRole(plan: Plan, options: CoordinateOptions): DistributedRole {
  return {
    role: 'coordinate',
    async execute(runId: string, signal: AbortSignal) {
      const boss = await openQueue(options.url, (error) => options.log(`queue error: ${error.message}`));
      const pool = coordinationPool(options.url);
      const costs = new PgCostBudget(pool, options.url);
      const wakeup = new Wakeup();
      const listener = await listenFor(options.url, { [DONE_CHANNEL]: (payload) => payload === runId && wakeup.wake() }, options.log);
      let worker: RunningWorker | undefined;
      try {
        // The cap first: no job is taken before its budget exists.
        if (options.maxCostUsd !== undefined) await costs.open(runId, options.maxCostUsd);
        if (options.enqueue) {
          const jobs = planJobs(plan, runId, options);
          for (let i = 0; i < jobs.length; i += 1000) {
            await boss.insert(jobs.slice(i, i + 1000).map((data) => jobInsert(data, options.leaseSeconds)));
          }
          await notify(pool, JOBS_CHANNEL, runId);
          options.log(`run ${runId}: ${jobs.length} jobs queued; start workers with \`evalspec worker\`, watch with \`evalspec run --attach ${runId}\``);
        }
        if (options.concurrency > 0) worker = await startWorker({ store: options.store, url: options.url, concurrency: options.concurrency, log: options.log });
        let progressAt = Date.now();
        while (!signal.aborted && (await jobsLeft(boss, runId)) > 0) {
          if (options.onProgress && Date.now() - progressAt >= PROGRESS_MS) {
            progressAt = Date.now();
            options.onProgress((await options.store.results.count(runId)).results, plan.totalCalls);
          }
          // Woken when a worker settles one of the run's jobs; the poll is for notices lost or unavailable.
          await wakeup.wait(POLL_MS, signal);
        }
        if (signal.aborted) {
          // This process's own jobs first: stopping fails them back into the queue, where the withdrawal finds them.
          await worker?.stop();
          worker = undefined;
          const withdrawn = await withdrawJobs(boss, runId);
          options.log(`run ${runId}: stopped; ${withdrawn} jobs withdrawn from the queue (\`evalspec run --resume ${runId}\` runs what is not stored)`);
          return undefined;
        }
        const failed = await jobsFailed(boss, runId);
        if (failed > 0)
          options.log(
            `run ${runId}: ${failed} jobs failed after ${JOB_RETRY_LIMIT + 1} attempts; their items are not stored (\`evalspec run --resume ${runId}\` runs them)`,
          );
        // The whole run's spend against its --max-cost (every worker's), for the run's summary and its judge phase.
        const shared = await costs.state(runId);
        return shared && sharedSummary(shared);
      } catch (error) {
        throw error instanceof EvalspecError ? error : new EvalspecError('STORE', `the work queue failed: ${(error as Error).message}`, { cause: error });
      } finally {
        await worker?.stop();
        await boss.stop({ graceful: false, wait: true });
        await listener.close();
        await pool.end();
      }
    },
  };
}
