// Builds a run report, or the run page's figures, in a worker thread over its own read connection to the SQLite
// file: a report over 50,000 results takes seconds of CPU (comparisons, bootstrap, segments), the run page's
// figures at 1,000,000 results one pass of seconds (issue #22), and the viewer's server must keep answering the
// results table meanwhile.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RunReport } from '../report/index.js';
import type { RunPageFigures } from './run-page-figures.js';

interface Job {
  location: string;
  runId: string;
  /** What to compute: the run report (default) or the run page's figures. */
  kind?: 'report' | 'figures';
}

function inWorker<T>(job: Job): Promise<T> {
  return new Promise((resolve, reject) => {
    // From the compiled package this file is the worker; run from source (tests), its built copy in dist/ is.
    const script = import.meta.url.endsWith('.ts') ? new URL('../../dist/viewer/report-worker.js', import.meta.url) : new URL(import.meta.url);
    const worker = new Worker(script, { workerData: job, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    worker.once('message', (message: { value?: T; error?: { message: string; code?: string } }) => {
      if (message.value !== undefined) resolve(message.value);
      else reject(Object.assign(new Error(message.error?.message ?? `${job.kind ?? 'report'} failed`), { code: message.error?.code }));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`${job.kind ?? 'report'} worker exited with code ${code}`));
    });
  });
}

/** Build the report of runId in a worker over the store file at location. */
export function buildReportInWorker(location: string, runId: string): Promise<RunReport> {
  return inWorker({ location, runId, kind: 'report' });
}

/** The run page's figures of runId (run-page-figures.ts) in a worker over the store file at location. */
export function runPageFiguresInWorker(location: string, runId: string): Promise<RunPageFigures> {
  return inWorker({ location, runId, kind: 'figures' });
}

if (!isMainThread && parentPort && (workerData as Job | undefined)?.runId) {
  const { location, runId, kind } = workerData as Job;
  const port = parentPort;
  (async () => {
    const { openStore } = await import('../store/index.js');
    const store = openStore(location, { access: 'read' });
    try {
      if (kind === 'figures') {
        const [{ runPageFigures }, run] = await Promise.all([import('./run-page-figures.js'), store.runs.get(runId)]);
        if (!run) throw new Error(`no run ${runId}`);
        port.postMessage({ value: await runPageFigures(store, run) });
      } else {
        const { buildRunReport } = await import('../report/index.js');
        port.postMessage({ value: await buildRunReport(store, runId) });
      }
    } catch (error) {
      port.postMessage({ error: { message: (error as Error).message, code: (error as { code?: string }).code } });
    } finally {
      await store.close();
    }
  })();
}
