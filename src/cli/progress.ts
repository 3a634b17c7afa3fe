// Live progress on stderr: a real progress bar on a terminal; on CI (no TTY) a plain line every few
// seconds, so logs carry no cursor-control garbage.
import cliProgress from 'cli-progress';
import type { RunEvent } from '../run/index.js';
import { escapeTerminal } from '../report/index.js';
import type { ResultRow } from '../store/index.js';

/** An answered call this run paid for whose cost is unknown (no price): its spend cannot be counted. */
function unpricedCall(row: ResultRow): boolean {
  return row.errorClass === null && !row.cached && row.costUsd === null;
}

/** What the run has spent so far; never "$0.0000" for calls whose price is unknown. */
export function spentText(spentUsd: number, unpriced: number, priced: number): string {
  if (unpriced === 0) return `$${spentUsd.toFixed(4)} spent`;
  if (priced === 0 && spentUsd === 0) return `spend unknown (${unpriced} unpriced calls)`;
  return `$${spentUsd.toFixed(4)} spent + ${unpriced} unpriced calls`;
}

/** "throttled by openai:gpt-4o: ~98 req/s, 0 rejected in the last minute" (the model name is the suite's, escaped). */
export function throttleText(e: { model: string; perSecond: number; rejectedLastMinute: number }): string {
  const model = escapeTerminal(e.model, 80);
  const pace = e.perSecond >= 10 ? Math.round(e.perSecond).toString() : e.perSecond.toFixed(1);
  return `throttled by ${model}: ~${pace} req/s, ${e.rejectedLastMinute} rejected in the last minute`;
}

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
  let unpriced = 0;
  let priced = 0;
  let throttle = '';
  let throttleAt = 0;
  const noteThrottle = (e: RunEvent) => {
    if (e.type !== 'rate-limited') return;
    // One model per line: the latest that reported in the last few seconds.
    throttle = ` | ${throttleText(e)}`;
    throttleAt = performance.now();
  };
  const throttleNow = () => (performance.now() - throttleAt < 5000 ? throttle : '');
  const count = (row: ResultRow) => {
    if (unpricedCall(row)) unpriced++;
    else if (row.errorClass === null) priced++;
  };
  const rate = () => {
    const s = (performance.now() - started) / 1000;
    return s > 0 ? ((last.done - startDone) / s).toFixed(1) : '0';
  };
  if (interactive) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: 'calls {bar} {value}/{total} | {rate} calls/s | errors {errors} | {spent}{throttle}',
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
          bar.start(e.totalCalls, e.alreadyDone, { rate: '0', errors: 0, spent: spentText(0, 0, 0), throttle: '' });
        } else if (e.type === 'call-end') {
          last = { done: e.done, total: e.total, errors: e.errors, spent: e.spentUsd };
          count(e.row);
          bar.update(e.done, { rate: rate(), errors: e.errors, spent: spentText(e.spentUsd, unpriced, priced), throttle: throttleNow() });
        } else if (e.type === 'rate-limited') {
          noteThrottle(e);
          bar.update({ throttle: throttleNow() });
        }
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastPrint = 0;
  const print = () =>
    stream.write(
      `progress: ${last.done}/${last.total} calls, ${rate()} calls/s, ${last.errors} errors, ${spentText(last.spent, unpriced, priced)}${throttleNow().replace(' |', ',')}\n`,
    );
  return {
    onEvent(e) {
      if (e.type === 'run-start') {
        started = performance.now();
        lastPrint = started;
        startDone = e.alreadyDone;
        last = { done: e.alreadyDone, total: e.totalCalls, errors: 0, spent: 0 };
      } else if (e.type === 'call-end') {
        last = { done: e.done, total: e.total, errors: e.errors, spent: e.spentUsd };
        count(e.row);
        if (performance.now() - lastPrint > 5000) {
          lastPrint = performance.now();
          print();
        }
      } else noteThrottle(e);
    },
    stop() {
      if (last.total > 0) print();
    },
  };
}
