// The collector's side of score-worker.ts: starts the worker thread and presents it as a ScoreLoop (done, stop,
// scored), with `abort` to give up the batch in flight (its claims then expire and are scored on the next start).
import { Worker } from 'node:worker_threads';
import { EvalspecError, EXIT, type ErrorCode } from '../errors.js';
import type { ScoreLoop } from './score-loop.js';
import type { ScoreWorkerData, ScoreWorkerMessage } from './score-worker.js';

export function startScoreWorker(
  data: ScoreWorkerData,
  onWarning: (message: string) => void,
  onSay: (line: string) => void = () => undefined,
): ScoreLoop & { abort: () => void; ready: Promise<void> } {
  // The scorer holds one batch (256 records) at a time: a small young generation keeps its share of the process's
  // memory small (V8 would otherwise grow it as if the thread were the whole program). The old generation's cap is
  // far above what a batch of even very long records needs.
  const worker = new Worker(new URL('./score-worker.js', import.meta.url), {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 256 },
  });
  let scored = 0;
  let fatal: EvalspecError | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (message: ScoreWorkerMessage) => {
      if ('ready' in message) markReady();
      else if ('scored' in message) scored = message.scored;
      else if ('warning' in message) onWarning(message.warning);
      else if ('say' in message) onSay(message.say);
      else if ('fatal' in message) {
        const f = message.fatal;
        fatal = new EvalspecError((f.code as ErrorCode | undefined) ?? 'STORE', `scorer: ${f.message}`, {
          exitCode: f.exitCode ?? EXIT.internal,
          hint: f.hint,
        });
      } else if ('stopped' in message) void worker.terminate();
    });
    worker.on('error', (error) => (fatal ??= new EvalspecError('STORE', `scorer thread failed: ${error.message}`, { exitCode: EXIT.internal, cause: error })));
    worker.on('exit', () => {
      markReady(); // a thread that ended before its loop ran: nobody waits for it any longer (done says why)
      if (fatal) reject(fatal);
      else resolve();
    });
  });
  done.catch(() => undefined);
  return {
    done,
    ready,
    scored: () => scored,
    stop: async () => {
      worker.postMessage('stop');
      await done.catch(() => undefined);
    },
    abort: () => worker.postMessage('abort'),
  };
}
