// A worker thread reading one byte range of a large exposures CSV into its own ExposureTable, posted back as plain
// arrays (parallel-exposures.ts merges the parts in file order).
import { parentPort, workerData } from 'node:worker_threads';
import { isEvalspecError } from '../errors.js';
import { ExposureTable } from './exposure-table.js';
import { forEachRowIn } from './sources/file-rows.js';
import type { WorkerInput, WorkerOutput } from './parallel-exposures.js';

const input = workerData as WorkerInput;
let output: WorkerOutput;
try {
  const table = new ExposureTable(input.options);
  const { rows, lines } = await forEachRowIn(input.file, 'exposures', input.columns, table.add, input.range);
  output = { part: table.toPart(rows, lines) };
} catch (error) {
  if (!isEvalspecError(error)) throw error;
  output = {
    error: { code: error.code, message: error.message, hint: error.hint, file: error.location.file, line: error.location.line, exitCode: error.exitCode },
  };
}
const transfer = 'part' in output ? [output.part.arm.buffer, output.part.firstTs.buffer, ...output.part.segmentOf.map((s) => s.buffer)] : [];
parentPort!.postMessage(output, transfer as ArrayBuffer[]);
