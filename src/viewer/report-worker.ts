// Builds a run report in a worker thread, over its own read connection to the SQLite file: a report over
// 50,000 results takes seconds of CPU (comparisons, bootstrap, segments), and the viewer's server must keep
// answering the results table meanwhile.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { RunReport } from '../report/index.js';

interface Job {
  location: string;
  runId: string;
}

/** Build the report of runId in a worker over the store file at location. */
export function buildReportInWorker(location: string, runId: string): Promise<RunReport> {
  return new Promise((resolve, reject) => {
    // From the compiled package this file is the worker; run from source (tests), its built copy in dist/ is.
    const script = import.meta.url.endsWith('.ts') ? new URL('../../dist/viewer/report-worker.js', import.meta.url) : new URL(import.meta.url);
    const worker = new Worker(script, { workerData: { location, runId } satisfies Job, resourceLimits: { maxYoungGenerationSizeMb: 64 } });
    worker.once('message', (message: { report?: RunReport; error?: { message: string; code?: string } }) => {
      if (message.report) resolve(message.report);
      else reject(Object.assign(new Error(message.error?.message ?? 'report failed'), { code: message.error?.code }));
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`report worker exited with code ${code}`));
    });
  });
}

if (!isMainThread && parentPort && (workerData as Job | undefined)?.runId) {
  const { location, runId } = workerData as Job;
  const port = parentPort;
  (async () => {
    const [{ openStore }, { buildRunReport }] = await Promise.all([import('../store/index.js'), import('../report/index.js')]);
    const store = openStore(location, { access: 'read' });
    try {
      port.postMessage({ report: await buildRunReport(store, runId) });
    } catch (error) {
      port.postMessage({ error: { message: (error as Error).message, code: (error as { code?: string }).code } });
    } finally {
      await store.close();
    }
  })();
}
