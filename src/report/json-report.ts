// --json FILE: the machine-readable report (formatVersion 1), results streamed from the store.
import type { Store } from '../store/index.js';
import { resultForJson, type RunReport } from './run-report.js';
import { withSink } from './file-sink.js';
import { runPricing } from '../analysis/index.js';

export async function writeJsonReport(store: Store, report: RunReport, file: string, extra: Record<string, unknown> = {}): Promise<void> {
  const runId = report.runId;
  const run = await store.runs.get(runId);
  const pricing = run ? runPricing(run) : undefined;
  await withSink(file, async (sink) => {
    const head = JSON.stringify({ ...report, ...extra }, null, 2);
    // Open the object again to append the results array without holding every result in memory.
    sink.write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "results": [`);
    let first = true;
    for await (const row of store.results.list(runId)) {
      sink.write(`${first ? '\n    ' : ',\n    '}${JSON.stringify(resultForJson(row, pricing))}`);
      first = false;
    }
    sink.write(first ? ']\n}\n' : '\n  ]\n}\n');
  });
}
