// A pool of worker threads that run the user's code (javascript checks, `function:` targets, regexes that
// may backtrack). In the main thread, a check that never returns (`while (true) {}`, a catastrophic regex)
// cannot be stopped and ignores Ctrl-C; in a worker it can: every request has a deadline on a main-thread
// timer, and a worker that does not answer a ping after a deadline passed is terminated.
//
// A worker serves many requests at once (async user code, e.g. a function target awaiting an HTTP call,
// would otherwise need a thread per concurrent call). When a request's deadline passes its caller gets a
// `timeout` at once; the worker is then pinged: if its event loop is free (the request only awaits a promise
// that never settles) it keeps serving, else it is terminated and the other requests it held are sent once
// more to a fresh worker (they were victims of the hung call, not its cause).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { WORKER_SOURCE } from './worker-source.js';

export type UserCodeMessage =
  | { t: 'load'; url: string }
  | { t: 'module'; url: string; exportName: string; output: string; context: Record<string, unknown> }
  | { t: 'target'; url: string; exportName: string; input: Record<string, unknown> }
  /** An agent's `function:` tool: `(args, ctx)`; answers {value, state} (ctx.state as the call left it). */
  | { t: 'tool'; url: string; exportName: string; args: unknown; ctx: Record<string, unknown> }
  | { t: 'inline'; body: string; isAsync: boolean; output: string; vars: Record<string, unknown>; context: Record<string, unknown> }
  | { t: 'regex'; source: string; flags: string; text: string };

/**
 * Why a request did not return a value. `threw`: the user's code threw or rejected (`what` is `Name:
 * message`); `timeout`: its deadline passed; `aborted`: the caller's signal fired; `crashed`: the worker
 * died under it (the code called process.exit, ran out of memory, or another call in the worker hung twice).
 */
export class UserCodeError extends Error {
  constructor(
    readonly kind: 'threw' | 'timeout' | 'aborted' | 'crashed',
    message: string,
    readonly thrownName?: string,
    readonly thrownMessage?: string,
  ) {
    super(message);
    this.name = 'UserCodeError';
  }
}

export interface RequestOptions {
  /** The deadline; after it the request rejects with kind `timeout` whatever the user's code does. */
  timeoutMs: number;
  /** Rejects the request with kind `aborted` (a `function:` target also sees its own signal abort). */
  signal?: AbortSignal;
}

interface Pending {
  readonly id: number;
  readonly message: UserCodeMessage;
  readonly options: RequestOptions;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: UserCodeError) => void;
  holder?: PoolWorker;
  timer?: NodeJS.Timeout;
  onAbort?: () => void;
  resent: boolean;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly inflight: Map<number, Pending>;
  alive: boolean;
  pinging: boolean;
}

/** How long a worker has to answer a ping after one of its requests timed out before it is terminated. */
const PING_GRACE_MS = 1_000;

type Reply = { id: number; pong?: true; ok?: boolean; value?: unknown; error?: { name: string; message: string; what: string } };

export class UserCodePool {
  private readonly workers: PoolWorker[] = [];
  private readonly pings = new Map<number, () => void>();
  private nextId = 1;

  constructor(private readonly options: { isolated: boolean; size?: number }) {}

  private get size(): number {
    return this.options.size ?? Math.max(1, Math.min(4, availableParallelism()));
  }

  /** Runs one request in a worker; rejects with a UserCodeError (never hangs past the deadline). */
  request(message: UserCodeMessage, options: RequestOptions): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new UserCodeError('aborted', 'aborted before it started'));
      const pending: Pending = { id: this.nextId++, message, options, resolve, reject, resent: false };
      if (options.signal) {
        pending.onAbort = () => this.settle(pending, new UserCodeError('aborted', 'aborted'), true);
        options.signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      this.dispatch(pending);
    });
  }

  /** Terminates every worker: requests in flight reject with kind `aborted` (Ctrl-C must not wait for user code). */
  terminateAll(reason = 'cancelled'): void {
    for (const pw of this.workers.splice(0)) {
      pw.alive = false;
      void pw.worker.terminate();
      for (const pending of [...pw.inflight.values()]) this.settle(pending, new UserCodeError('aborted', reason), false);
    }
  }

  private dispatch(pending: Pending): void {
    const pw = this.pickWorker();
    pending.holder = pw;
    pw.inflight.set(pending.id, pending);
    if (pw.inflight.size === 1) pw.worker.ref(); // a request in flight keeps the process alive
    clearTimeout(pending.timer);
    // A ref'd main-thread timer: the request settles by its deadline even when the worker never answers.
    pending.timer = setTimeout(() => {
      this.settle(pending, new UserCodeError('timeout', `timed out after ${pending.options.timeoutMs} ms`), true);
    }, pending.options.timeoutMs);
    try {
      pw.worker.postMessage({ ...pending.message, id: pending.id });
    } catch (error) {
      // Arguments that cannot be copied into a worker (a function in vars): the call cannot start.
      const what = `its arguments cannot be copied into a worker (${(error as Error).message})`;
      this.settle(pending, new UserCodeError('threw', `TypeError: ${what}`, 'TypeError', what), false);
    }
  }

  private pickWorker(): PoolWorker {
    let best: PoolWorker | undefined;
    // A worker being pinged after a timeout may be about to be terminated: new work must not go down with it.
    for (const pw of this.workers) if (!pw.pinging && (best === undefined || pw.inflight.size < best.inflight.size)) best = pw;
    if (best !== undefined && (best.inflight.size === 0 || this.workers.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): PoolWorker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { isolated: this.options.isolated },
      // Isolated: an empty environment (no API keys) and a bounded heap.
      ...(this.options.isolated ? { env: {}, resourceLimits: { maxOldGenerationSizeMb: 512 } } : {}),
    });
    const pw: PoolWorker = { worker, inflight: new Map(), alive: true, pinging: false };
    worker.unref(); // idle workers never keep the process alive
    worker.on('message', (reply: Reply) => this.onReply(pw, reply));
    // An uncaught exception in user code (a throw in a timer callback) ends the worker.
    worker.on('error', () => this.retire(pw, 'the worker running it crashed (an uncaught exception in user code)'));
    worker.on('exit', (code) => this.retire(pw, `the worker running it exited (code ${code}: process.exit or out of memory in user code)`));
    this.workers.push(pw);
    return pw;
  }

  private onReply(pw: PoolWorker, reply: Reply): void {
    if (reply.pong) {
      this.pings.get(reply.id)?.();
      return;
    }
    const pending = pw.inflight.get(reply.id);
    if (pending === undefined) return; // settled already (timed out, aborted)
    if (reply.ok) this.settle(pending, undefined, false, reply.value);
    else {
      const e = reply.error!;
      this.settle(pending, new UserCodeError('threw', e.what, e.name, e.message), false);
    }
  }

  /** Settles a request once. After a timeout or abort, the worker is told to abort it and is pinged. */
  private settle(pending: Pending, error: UserCodeError | undefined, checkWorker: boolean, value?: unknown): void {
    const pw = pending.holder;
    if (pw === undefined || !pw.inflight.delete(pending.id)) return;
    clearTimeout(pending.timer);
    if (pending.onAbort) pending.options.signal?.removeEventListener('abort', pending.onAbort);
    if (pw.inflight.size === 0) pw.worker.unref();
    if (error) pending.reject(error);
    else pending.resolve(value);
    if (checkWorker && pw.alive) {
      if (pending.message.t === 'target' || pending.message.t === 'tool') pw.worker.postMessage({ t: 'abort', ref: pending.id });
      this.ping(pw);
    }
  }

  private ping(pw: PoolWorker): void {
    if (pw.pinging) return;
    pw.pinging = true;
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.pings.delete(id);
      // The worker's event loop is blocked: a synchronous hang. Terminate it; its other requests go again.
      void pw.worker.terminate();
      this.retire(pw, 'the worker running it was stopped because a call in it hung');
    }, PING_GRACE_MS);
    timer.unref(); // nothing waits on the ping but the worker itself
    this.pings.set(id, () => {
      clearTimeout(timer);
      this.pings.delete(id);
      pw.pinging = false;
    });
    pw.worker.postMessage({ t: 'ping', id });
  }

  /** Takes a dead (or doomed) worker out of the pool; its requests are sent once more, or fail as `crashed`. */
  private retire(pw: PoolWorker, why: string): void {
    if (!pw.alive) return;
    pw.alive = false;
    const index = this.workers.indexOf(pw);
    if (index >= 0) this.workers.splice(index, 1);
    const victims = [...pw.inflight.values()];
    pw.inflight.clear();
    for (const pending of victims) {
      if (!pending.resent && pending.message.t !== 'target' && pending.message.t !== 'tool') {
        // Checks are pure: run them again in a fresh worker. A target or a tool may have side effects (a paid call).
        pending.resent = true;
        this.dispatch(pending);
      } else {
        clearTimeout(pending.timer);
        if (pending.onAbort) pending.options.signal?.removeEventListener('abort', pending.onAbort);
        pending.reject(new UserCodeError('crashed', why));
      }
    }
  }
}
