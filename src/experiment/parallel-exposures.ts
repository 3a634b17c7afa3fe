// Reads the exposures: with EVALSPEC_EXPERIMENT_PARALLEL_BYTES set, a CSV file at least that large in two
// line-aligned byte ranges on two worker threads (the only way to use the second core: a third of the time is the
// Map lookups of the unit ids), merged in file order; by default, and for JSONL and SQL, on this thread. Without
// the built worker (tests run from the TypeScript sources) it reads on this thread too. A quoted CSV field holding a line break must not straddle the middle of
// the file: such files are rare for exposures, and the worker would see a malformed row there.
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EvalspecError, type ErrorCode } from '../errors.js';
import type { ExperimentConfig } from './schema.js';
import type { ExposureOptions, ExposurePart, ExposureTable } from './exposure-table.js';
import { readSource, sourceLabel, type ColumnRequest } from './sources/index.js';
import { csvHeader, fileFormat, type ByteRange } from './sources/file-rows.js';

/**
 * Off unless EVALSPEC_EXPERIMENT_PARALLEL_BYTES sets a size: on W11 (10M rows, a million users in both halves) the
 * two workers and the merge held three maps of a million unit ids (peak 578 MB against 445 MB on one thread, over
 * the 500 MB goal) for 19.3 s instead of 23.7 s on a quiet machine, and were slower on a loaded one
 * (docs/benchmark.md). Worth it when the halves hold different units.
 */
const PARALLEL_BYTES = Number.POSITIVE_INFINITY;
const WORKER = new URL('./exposure-worker.js', import.meta.url);

export interface WorkerInput {
  file: string;
  range: ByteRange;
  columns: readonly ColumnRequest[];
  options: ExposureOptions;
}

export type WorkerOutput =
  { part: ExposurePart } | { error: { code: ErrorCode; message: string; hint?: string; file?: string; line?: number; exitCode: number } };

/** The first line start at or after the middle of the file, or null when no line break is near it. */
function middleLine(file: string, size: number): number | null {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(1 << 16);
    const at = Math.floor(size / 2);
    const n = readSync(fd, buffer, 0, buffer.length, at);
    const nl = buffer.subarray(0, n).indexOf(0x0a);
    return nl < 0 || at + nl + 1 >= size ? null : at + nl + 1;
  } finally {
    closeSync(fd);
  }
}

function runWorker(input: WorkerInput, lineOffset: number): Promise<ExposurePart> {
  return new Promise((resolve, reject) => {
    // Node's flags pass on to the worker, except --input-type (for `node -e` hosts), which a module file rejects.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    const worker = new Worker(WORKER, { workerData: input, execArgv });
    worker.once('message', (message: WorkerOutput) => {
      if ('part' in message) return resolve(message.part);
      const e = message.error;
      reject(
        new EvalspecError(e.code, e.message, {
          hint: e.hint,
          file: e.file,
          line: e.line === undefined ? undefined : e.line + lineOffset,
          exitCode: e.exitCode,
        }),
      );
    });
    worker.once('error', reject);
  });
}

export async function readExposures(
  config: ExperimentConfig,
  table: ExposureTable,
  columns: readonly ColumnRequest[],
  options: ExposureOptions,
): Promise<{ label: string; rows: number }> {
  const spec = config.exposures;
  const file = sourceLabel(config, spec);
  const threshold = Number(process.env.EVALSPEC_EXPERIMENT_PARALLEL_BYTES ?? PARALLEL_BYTES);
  const size = 'file' in spec && fileFormat(file) === 'csv' && existsSync(file) ? statSync(file).size : 0;
  const middle = size > 0 && size >= threshold && existsSync(fileURLToPath(WORKER)) ? middleLine(file, size) : null;
  if (middle === null) return readSource(config, spec, 'exposures', columns, table.add);
  const header = await csvHeader(file);
  const first = { file, range: { start: 0, end: middle, header }, columns, options };
  const second = { file, range: { start: middle, end: size, header }, columns, options };
  // The second part's errors are located after the first part's lines, which are known only when it is done.
  const [a, b] = await Promise.allSettled([runWorker(first, 0), runWorker(second, 0)]);
  if (a.status === 'rejected') throw a.reason;
  if (b.status === 'rejected') {
    const e = b.reason as EvalspecError;
    if (e.location?.line !== undefined)
      throw new EvalspecError(e.code, e.message, { hint: e.hint, file: e.location.file, line: e.location.line + a.value.lines, exitCode: e.exitCode });
    throw e;
  }
  table.merge(a.value, 0);
  table.merge(b.value, a.value.lines);
  return { label: file, rows: a.value.rows + b.value.rows };
}
