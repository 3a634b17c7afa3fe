// The scorer loop on a worker thread of the collector process, with its own store connection: scoring (checks,
// claims, completions) runs beside the receiver instead of between its requests, so a scoring batch never delays an
// acknowledgement and the receiver and the scorer use a core each. Messages: the parent sends 'stop'; the worker
// posts { ready } once its loop runs, { scored } as it goes, { warning }, { fatal } (a refused judge key) and
// { stopped } at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { isEvalspecError } from '../errors.js';
import { openStore } from '../store/index.js';
import { loadSuite } from '../suite/index.js';
import { createProductionScorer } from './scorer.js';
import { startScoreLoop } from './score-loop.js';
import { runMonitorCycle } from './cycle.js';
import { alertSentence } from './render.js';

export interface ScoreWorkerData {
  suiteFile: string;
  /** What `--db` said (undefined: the default store, resolved in the same cwd and environment). */
  storeLocation: string | undefined;
  leaseMs?: number;
  batch: number;
  concurrency?: number;
  cache?: boolean;
  isolateChecks?: boolean;
  /** Run the monitor cycle (alerts, webhooks) on this thread every this many ms (off when absent). */
  cycleEveryMs?: number;
}

export type ScoreWorkerMessage =
  | { scored: number }
  | { warning: string }
  | { say: string }
  | { fatal: { message: string; code?: string; exitCode?: number; hint?: string } }
  /** The thread has loaded its modules, the suite and the scorer, and its loop runs. */
  | { ready: true }
  | { stopped: true };

async function main(): Promise<void> {
  const data = workerData as ScoreWorkerData;
  const port = parentPort!;
  const suite = loadSuite(data.suiteFile);
  const store = openStore(data.storeLocation);
  const abort = new AbortController();
  const warnings: string[] = [];
  const reported = new Set<string>();
  const scorer = await createProductionScorer({
    suite,
    store,
    cache: data.cache,
    signal: abort.signal,
    concurrency: data.concurrency,
    isolateChecks: data.isolateChecks,
    warnings,
  });
  const loop = startScoreLoop({
    store,
    suite,
    scorer,
    leaseMs: data.leaseMs,
    batch: data.batch,
    onScored: () => {
      port.postMessage({ scored: loop.scored() } satisfies ScoreWorkerMessage);
      for (const w of warnings) if (!reported.has(w)) (reported.add(w), port.postMessage({ warning: w } satisfies ScoreWorkerMessage));
    },
  });
  port.postMessage({ ready: true } satisfies ScoreWorkerMessage);
  // The monitor cycle reads every observation of its windows in one go: here it holds up scoring, never an ack.
  let cycleTimer: NodeJS.Timeout | undefined;
  let cycle: Promise<void> | undefined;
  let stopping = false;
  const tick = () => {
    cycle = runMonitorCycle(store, suite, { now: new Date() })
      .then((result) => {
        for (const a of result.opened) port.postMessage({ say: `alert opened: monitor ${a.monitor}: ${alertSentence(a)}` } satisfies ScoreWorkerMessage);
        for (const a of result.closed) port.postMessage({ say: `alert closed: monitor ${a.monitor}, ${a.metric}` } satisfies ScoreWorkerMessage);
        for (const w of result.warnings) port.postMessage({ warning: w } satisfies ScoreWorkerMessage);
      })
      .catch((error: unknown) => {
        if (!stopping) port.postMessage({ warning: `monitor cycle failed: ${(error as Error).message}` } satisfies ScoreWorkerMessage);
      })
      .finally(() => {
        cycle = undefined;
        if (!stopping) cycleTimer = setTimeout(tick, data.cycleEveryMs);
      });
  };
  if (data.cycleEveryMs) cycleTimer = setTimeout(tick, data.cycleEveryMs);
  port.on('message', (message: unknown) => {
    if (message === 'stop') {
      stopping = true;
      clearTimeout(cycleTimer);
      void loop.stop();
    }
    if (message === 'abort') abort.abort();
  });
  try {
    await loop.done;
  } catch (error) {
    const fatal = isEvalspecError(error)
      ? { message: error.message, code: error.code, exitCode: error.exitCode, hint: error.hint }
      : { message: (error as Error)?.stack ?? String(error) };
    port.postMessage({ fatal } satisfies ScoreWorkerMessage);
  } finally {
    // A cycle still running is not waited for (it may take seconds): its alerts are written one by one, so the
    // thread can end mid-cycle (the host terminates it), and the next cycle evaluates again from the store.
    if (!cycle) await store.close();
    port.postMessage({ stopped: true } satisfies ScoreWorkerMessage);
  }
}

void main().catch((error: unknown) => {
  const fatal = isEvalspecError(error)
    ? { message: error.message, code: error.code, exitCode: error.exitCode, hint: error.hint }
    : { message: (error as Error)?.stack ?? String(error) };
  parentPort!.postMessage({ fatal } satisfies ScoreWorkerMessage);
  parentPort!.postMessage({ stopped: true } satisfies ScoreWorkerMessage);
});
