// A counting semaphore (one per run, one per provider connection) and an abortable sleep.
export class Semaphore {
  private waiting: (() => void)[] = [];
  private active = 0;
  /** Told when an acquirer has to wait (a distributed worker then asks for more of a provider's slots). */
  onQueued: (() => void) | undefined;
  /** Told when a holder leaves without a waiter taking its slot (a distributed worker may give it back). */
  onFreed: (() => void) | undefined;

  constructor(private limit: number) {}

  async acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return;
    }
    const queued = new Promise<void>((resolve) => this.waiting.push(resolve));
    this.onQueued?.();
    await queued;
  }

  /**
   * `acquire`, unless `signal` aborts first: then false, no slot held, and the place in the queue given up (a
   * stopping worker's calls waiting for slots that another worker holds, or that the team store cannot grant).
   */
  async acquireUnless(signal: AbortSignal | undefined): Promise<boolean> {
    if (!signal) return this.acquire().then(() => true);
    if (signal.aborted) return false;
    if (this.active < this.limit) {
      this.active++;
      return true;
    }
    let waiter!: () => void;
    const granted = new Promise<boolean>((resolve) => {
      waiter = () => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    this.waiting.push(waiter);
    this.onQueued?.();
    return granted;
  }

  release(): void {
    // Over a lowered limit: the slot is not handed on (the holders drain down to the new limit).
    const next = this.active <= this.limit ? this.waiting.shift() : undefined;
    // Hand the slot straight to the next waiter so `active` never dips and lets a newcomer jump the queue.
    if (next) next();
    else {
      this.active--;
      this.onFreed?.();
    }
  }

  /** Holders now (may exceed a lowered limit until they release). */
  get inUse(): number {
    return this.active;
  }

  /** Acquirers waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /** The limit now. */
  get size(): number {
    return this.limit;
  }

  /** A new limit (a distributed run's worker's slots of a provider's, distribute/provider-slots.ts): raised, waiters go at once. */
  setLimit(limit: number): void {
    this.limit = limit;
    while (this.active < this.limit && this.waiting.length > 0) {
      this.active++;
      this.waiting.shift()!();
    }
  }
}

/** Resolves after `ms`, or as soon as one of the signals aborts. */
export function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s?.aborted)) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      for (const s of signals) s?.removeEventListener('abort', done);
      resolve();
    }
    for (const s of signals) s?.addEventListener('abort', done, { once: true });
  });
}
