// The one call-with-retries of run/, used by model calls (execute.ts) and judge calls (judge-client.ts): take
// the provider's concurrency slot, pass the model's rate controller (rate-limit/), start the attempt's timeout
// only then, classify a failure (errors.ts), back off with jitter (Retry-After honoured, capped) and try again,
// until an answer, an error that is not retried, the retry limit, a stop or a cancel. A rate-limited attempt
// (429) is not a failure: it waits its turn without spending the retry budget of server errors, for at most
// retries.max_wait_s.
import { backoffMs, classifyError, DEFAULT_MAX_WAIT_MS, type ClassifiedError, type ErrorClass, type RetryPolicy } from './errors.js';
import { Semaphore, sleep } from './concurrency.js';
import type { SecretScrubber } from './secrets.js';
import type { CallSizer, RateController, Ticket } from './rate-limit/controller.js';

/** The model's rate controller, and what it needs to size a call for the token limits. */
export interface RateGate<T> {
  controller: RateController;
  /** The prompt's tokens by the tokenizer; asked only when a token limit is known. */
  promptTokens: () => number;
  maxOutputTokens?: number;
  /** The usage the provider reported, which corrects the estimate. */
  usage: (value: T) => { input?: number; output?: number };
}

/** What one attempt is given: its signal is aborted at its timeout or on cancel. */
export interface Attempt {
  signal: AbortSignal;
  timeoutMs: number;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface RetryOptions<T = unknown> {
  policy: RetryPolicy;
  /** Per attempt, counted from the moment the provider slot is taken. */
  timeoutMs: number;
  /** The provider connection's limit (ProviderSlots), when it sets `concurrency`. */
  slot?: Semaphore;
  /** Ctrl-C: aborts the attempt in flight and ends the call as `cancelled`. */
  cancel?: AbortSignal;
  /** Ends retrying without aborting the attempt in flight (the run is stopping): the last error is returned. */
  stop?: AbortSignal;
  /** Error messages can quote a request: secrets are masked before anyone sees them. */
  scrubber?: SecretScrubber;
  /** Classes returned at their first occurrence, retryable or not (a judge asks again after a malformed answer itself). */
  noRetry?: ReadonlySet<ErrorClass>;
  /** The model's rate controller (network models). */
  rate?: RateGate<T>;
  /** Before each backoff wait. */
  onRetry?: (retry: { attempt: number; error: ClassifiedError; delayMs: number }) => void;
}

export type CallOutcome<T> =
  | { ok: true; value: T; attempts: number; /** Of the successful attempt, from the slot being taken. */ latencyMs: number }
  | { ok: false; error: ClassifiedError; attempts: number };

const CANCELLED: ClassifiedError = { errorClass: 'cancelled', message: 'cancelled', retryable: false };

/**
 * Who sizes a process's slots of a provider connection instead of its declared `concurrency`: a distributed
 * worker leases them from the team store (distribute/provider-slots.ts), so the limit holds across its workers.
 */
export interface SlotLender {
  /** A connection first used: `slot` is its semaphore, whose limit the lender sets (and changes). */
  open(connectionKey: string, declared: number, slot: Semaphore): void;
}

/** One semaphore per provider connection that sets its own `concurrency`, sized by the declared limit or by a lender. */
export class ProviderSlots {
  private readonly slots = new Map<string, Semaphore>();
  constructor(private readonly lender?: SlotLender) {}

  get(connectionKey: string, concurrency: number | undefined): Semaphore | undefined {
    if (!concurrency) return undefined;
    let slot = this.slots.get(connectionKey);
    if (!slot) {
      this.slots.set(connectionKey, (slot = new Semaphore(concurrency)));
      this.lender?.open(connectionKey, concurrency, slot);
    }
    return slot;
  }
}

// The attempts in flight per cancel signal, all aborted by one listener on it. A listener (or AbortSignal.any)
// per attempt costs CPU on every call and, with .any, keeps each dependent signal registered on the run's.
const inflight = new WeakMap<AbortSignal, Set<AbortController>>();
function track(cancel: AbortSignal, controller: AbortController): Set<AbortController> {
  let set = inflight.get(cancel);
  if (!set) {
    const controllers = (set = new Set());
    inflight.set(cancel, controllers);
    cancel.addEventListener(
      'abort',
      () => {
        for (const c of controllers) c.abort(cancel.reason);
      },
      { once: true },
    );
  }
  set.add(controller);
  return set;
}

export async function callWithRetries<T>(call: (attempt: Attempt) => Promise<T>, options: RetryOptions<T>): Promise<CallOutcome<T>> {
  const { policy, timeoutMs, slot, cancel, stop, rate } = options;
  const maxWaitMs = policy.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  // The controller tokenizes the prompt only when a token limit is known, once per call (not per attempt).
  const sizer: CallSizer | undefined = rate && { promptTokens: rate.promptTokens, maxOutputTokens: rate.maxOutputTokens };
  let failures = 0; // attempts that spent the retry budget (every retryable class but rate-limit)
  let limitedSince: number | undefined; // the first 429 of this call
  let limitedRetries = 0;
  for (let attempt = 1; ; attempt++) {
    // Wait for the slot first: time queued behind other calls to this provider is not this call's timeout.
    if (slot && !(await slot.acquireUnless(cancel))) return { ok: false, error: { ...CANCELLED }, attempts: attempt - 1 };
    let ticket: Ticket | null | undefined;
    if (rate && !cancel?.aborted) ticket = rate.controller.tryAcquire(sizer) ?? (await rate.controller.acquire(sizer, cancel));
    if (cancel?.aborted || ticket === null) {
      if (ticket) rate!.controller.release(ticket, { kind: 'failed' });
      slot?.release();
      return { ok: false, error: { ...CANCELLED }, attempts: attempt - 1 }; // not made: the run is being cancelled
    }
    const controller = new AbortController();
    const tracked = cancel ? track(cancel, controller) : undefined;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, timeoutMs);
    const started = performance.now();
    let error: ClassifiedError;
    try {
      const value = await call({ signal: controller.signal, timeoutMs, attempt });
      if (ticket) rate!.controller.release(ticket, { kind: 'ok', ...rate!.usage(value) });
      return { ok: true, value, attempts: attempt, latencyMs: performance.now() - started };
    } catch (thrown) {
      error = classifyError(thrown, { timedOut, cancelled: cancel?.aborted ?? false, timeoutMs });
      if (options.scrubber) error.message = options.scrubber.scrub(error.message);
      if (ticket)
        rate!.controller.release(ticket, error.errorClass === 'rate-limit' ? { kind: 'rejected', retryAfterMs: error.retryAfterMs } : { kind: 'failed' });
    } finally {
      clearTimeout(timer);
      tracked?.delete(controller);
      slot?.release();
    }
    const limited = error.errorClass === 'rate-limit';
    if (!limited) failures++;
    if (!error.retryable || options.noRetry?.has(error.errorClass) || failures > policy.max || stop?.aborted || cancel?.aborted) {
      return { ok: false, error, attempts: attempt };
    }
    // The slot is free while waiting: other calls to the provider go ahead.
    let delayMs: number;
    if (limited) {
      // A 429 waits its turn: the provider's retry-after, else backoff; bounded in time, not in attempts.
      const now = performance.now();
      limitedSince ??= now;
      delayMs = backoffMs(++limitedRetries, policy, error.retryAfterMs);
      if (now + delayMs - limitedSince > maxWaitMs) {
        const waited = Math.round((now - limitedSince) / 1000);
        const limitS = Math.round(maxWaitMs / 1000);
        const message = `rate-limited for ${waited} s, and the next try would pass retries.max_wait_s (${limitS} s); raise it, lower concurrency or declare the provider's rate_limit (last answer: ${error.message})`;
        return { ok: false, error: { ...error, message }, attempts: attempt };
      }
      rate?.controller.noteWait(delayMs);
    } else {
      delayMs = backoffMs(failures, policy, error.retryAfterMs);
    }
    options.onRetry?.({ attempt, error, delayMs });
    await sleep(delayMs, stop, cancel);
    if (cancel?.aborted) return { ok: false, error: { ...CANCELLED }, attempts: attempt };
    if (stop?.aborted) return { ok: false, error, attempts: attempt };
  }
}
