// Live progress on stderr: a real progress bar on a terminal; on CI (no TTY) a plain line every few
// seconds, so logs carry no cursor-control garbage.
import cliProgress from 'cli-progress';
import type { RunEvent } from '../run/index.js';

export interface Progress {
  onEvent(event: RunEvent): void;
  stop(): void;
}

export function createProgress(options: { stream?: NodeJS.WriteStream; enabled: boolean }): Progress {
  const stream = options.stream ?? process.stderr;
  if (!options.enabled) return { onEvent() {}, stop() {} };
  const interactive = Boolean(stream.isTTY) && !process.env.CI;
  let started = 0;
  let startDone = 0;
  let last = { done: 0, total: 0, errors: 0, spent: 0 };
  const rate = () => {
    const s = (performance.now() - started) / 1000;
    return s > 0 ? ((last.done - startDone) / s).toFixed(1) : '0';
  };
  if (interactive) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'calls {bar} {value}/{total} | {rate} calls/s | errors {errors} | spent ${spent}',
        hideCursor: true,
        clearOnComplete: false,
        fps: 10,
      },
      cliProgress.Presets.shades_classic,
    );
    return {
      onEvent(e) {
        if (e.type === 'run-start') {
          started = performance.now();
          startDone = e.alreadyDone;
          bar.start(e.totalCalls, e.alreadyDone, { rate: '0', errors: 0, spent: '0.0000' });
        } else if (e.type === 'call-end') {
          last = { done: e.done, total: e.total, errors: e.errors, spent: e.spentUsd };
          bar.update(e.done, { rate: rate(), errors: e.errors, spent: e.spentUsd.toFixed(4) });
        }
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastPrint = 0;
  const print = () => stream.write(`progress: ${last.done}/${last.total} calls, ${rate()} calls/s, ${last.errors} errors, $${last.spent.toFixed(4)} spent\n`);
  return {
    onEvent(e) {
      if (e.type === 'run-start') {
        started = performance.now();
        lastPrint = started;
        startDone = e.alreadyDone;
        last = { done: e.alreadyDone, total: e.totalCalls, errors: 0, spent: 0 };
      } else if (e.type === 'call-end') {
        last = { done: e.done, total: e.total, errors: e.errors, spent: e.spentUsd };
        if (performance.now() - lastPrint > 5000) {
          lastPrint = performance.now();
          print();
        }
      }
    },
    stop() {
      if (last.total > 0) print();
    },
  };
}
