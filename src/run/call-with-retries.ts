// The one call-with-retries of run/, used by model calls (execute.ts) and judge calls (judge-client.ts): take
// the provider's concurrency slot, start the attempt's timeout only then, classify a failure (errors.ts),
// back off with jitter (Retry-After honoured, capped) and try again, until an answer, an error that is not
// retried, the retry limit, a stop or a cancel.
import { backoffMs, classifyError, type ClassifiedError, type ErrorClass, type RetryPolicy } from './errors.js';
import { Semaphore, sleep } from './concurrency.js';
import type { SecretScrubber } from './secrets.js';

/** What one attempt is given: its signal is aborted at its timeout or on cancel. */
export interface Attempt {
  signal: AbortSignal;
  timeoutMs: number;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface RetryOptions {
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
  /** Before each backoff wait. */
  onRetry?: (retry: { attempt: number; error: ClassifiedError; delayMs: number }) => void;
}

export type CallOutcome<T> =
  | { ok: true; value: T; attempts: number; /** Of the successful attempt, from the slot being taken. */ latencyMs: number }
  | { ok: false; error: ClassifiedError; attempts: number };

const CANCELLED: ClassifiedError = { errorClass: 'cancelled', message: 'cancelled', retryable: false };

/** One semaphore per provider connection that sets its own `concurrency`. */
export class ProviderSlots {
  private readonly slots = new Map<string, Semaphore>();
  get(connectionKey: string, concurrency: number | undefined): Semaphore | undefined {
    if (!concurrency) return undefined;
    let slot = this.slots.get(connectionKey);
    if (!slot) this.slots.set(connectionKey, (slot = new Semaphore(concurrency)));
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

export async function callWithRetries<T>(call: (attempt: Attempt) => Promise<T>, options: RetryOptions): Promise<CallOutcome<T>> {
  const { policy, timeoutMs, slot, cancel, stop } = options;
  for (let attempt = 1; ; attempt++) {
    // Wait for the slot first: time queued behind other calls to this provider is not this call's timeout.
    if (slot) await slot.acquire();
    if (cancel?.aborted) {
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
      return { ok: true, value, attempts: attempt, latencyMs: performance.now() - started };
    } catch (thrown) {
      error = classifyError(thrown, { timedOut, cancelled: cancel?.aborted ?? false, timeoutMs });
      if (options.scrubber) error.message = options.scrubber.scrub(error.message);
    } finally {
      clearTimeout(timer);
      tracked?.delete(controller);
      slot?.release();
    }
    if (!error.retryable || options.noRetry?.has(error.errorClass) || attempt > policy.max || stop?.aborted || cancel?.aborted) {
      return { ok: false, error, attempts: attempt };
    }
    // The slot is free while waiting: other calls to the provider go ahead.
    const delayMs = backoffMs(attempt, policy, error.retryAfterMs);
    options.onRetry?.({ attempt, error, delayMs });
    await sleep(delayMs, stop, cancel);
    if (cancel?.aborted) return { ok: false, error: { ...CANCELLED }, attempts: attempt };
    if (stop?.aborted) return { ok: false, error, attempts: attempt };
  }
}
