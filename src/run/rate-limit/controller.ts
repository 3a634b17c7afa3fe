// A rate controller per provider endpoint, API key and model (limits are per model and per account): every
// attempt to call that model passes its gate. It paces attempts to the provider's limits (declared in the suite,
// or learned from the rate-limit headers of every response) with a token bucket per limit, and adapts how many
// attempts are in flight as TCP does (additive increase, multiplicative decrease on 429). While no limit is
// known and nothing was rejected, the gate is a counter and a comparison: runs that never meet a limit pay
// nothing for it.
import type { RateBucket, RateBudget } from './budget.js';
import { DIMENSIONS, type Dimension, type RateLimitReading } from './headers.js';
import { ShareDetector } from './sharing.js';
import { zeroTaken, type CallSize, type CallSizer, type DeclaredLimits, type RateLimitFigures, type SendMark, type Ticket } from './types.js';

export type { CallSize, CallSizer, DeclaredLimits, RateLimitFigures, SendMark, Ticket } from './types.js';

/** The controllers of one endpoint and key, and what they took together (a limit may be the key's: sharing.ts). */
export class RateGroup {
  readonly taken = zeroTaken();
  readonly members: RateController[] = [];
  constructor(readonly key: string) {}
}

/** Pace a little under the limit: the provider's clock and ours do not agree to the millisecond. */
const PACE = 0.995;
/** Declared limits assume a one-second burst: safe on every provider (the learned bucket size replaces it). */
const DECLARED_BURST_MS = 1000;
/** Attempts in flight per model until its first answer says whether the provider announces limits. */
const PROBE_WINDOW = 8;
/** 429s among the last outcomes that make a 429 without rate-limit headers a limit (not a transient fault). */
const OUTCOMES_KEPT = 50;
// Over a third: a provider over its limit rejects most of a burst, while 10% of 429s drawn at random (the
// benchmark's W4) reach 18 of the last 50 with probability 7.6e-7 (binomial tail; 0.24% for 7 of the first
// 20), so they stay transient faults.
const REJECTED_SHARE_FOR_LIMIT = 0.35;
const OUTCOMES_BEFORE_JUDGING = 20;

const dimensionOf = { rpm: 'requests', tpm: 'tokens' } as const;

interface Limit {
  bucket: RateBucket;
  key: string;
  /** When the limit became known: readings of requests sent before it are not counted in `taken`. */
  since: number;
  perMinute: number;
  source: 'declared' | 'learned';
}

export class RateController {
  private readonly limits = new Map<Dimension, Limit>();
  private readonly learned: Partial<Record<Dimension, number>> = {};
  /** Limits known to be this model's own (declared, or told apart by sharing.ts); the others are the key's. */
  private readonly separate = new Set<Dimension>();
  private readonly detectors = new Map<Dimension, ShareDetector>();
  private readonly queue: { sizer: CallSizer | undefined; resolve: (t: Ticket | null) => void; since: number; cancel?: AbortSignal }[] = [];
  private readonly listening = new WeakSet<AbortSignal>();
  private timer: NodeJS.Timeout | undefined;
  private window: number;
  private probing = true;
  private inflight = 0;
  private pausedUntil = 0;
  private lastDecrease = 0;
  private rateFactor = 1;
  private readonly taken = zeroTaken();
  private readonly outcomes: boolean[] = []; // true = rejected
  private inputRatio = 1;
  private outputMean: number | undefined;
  private attempts = 0;
  private rejected = 0;
  private waitedMs = 0;
  private readonly rejectedAt: number[] = [];
  private readonly admittedAt: number[] = [];

  constructor(
    readonly model: string,
    private readonly key: string,
    private readonly group: RateGroup,
    private readonly budget: RateBudget,
    readonly declared: DeclaredLimits = {},
    probe = true,
    private readonly now: () => number = () => performance.now(),
  ) {
    group.members.push(this);
    for (const [field, dim] of Object.entries(dimensionOf) as ['rpm' | 'tpm', Dimension][]) {
      const perMinute = declared[field];
      if (!perMinute) continue;
      this.separate.add(dim); // a declared limit is the model's own
      this.setLimit(dim, perMinute, 'declared', (perMinute / 60_000) * DECLARED_BURST_MS, undefined);
    }
    // Nothing known: a few attempts probe first, so a run does not open with a burst the provider rejects. A
    // connection that declares its `concurrency` has said how large a burst it takes: no probe (a probe costs one
    // latency of the run at 8 calls in flight).
    this.window = this.limits.size > 0 || !probe ? Infinity : PROBE_WINDOW;
  }

  /** True when a token limit is known: only then are prompts counted (tokenizing costs CPU on every call). */
  get countsTokens(): boolean {
    return this.limits.has('tokens') || this.limits.has('input-tokens') || this.limits.has('output-tokens');
  }

  /** Whether the provider has slowed this run: a wait, a rejection, or a limited window. */
  get throttled(): boolean {
    return this.rejected > 0 || this.waitedMs > 0;
  }

  /** The call's size for the token limits: the tokenizer's prompt count, corrected by reported usage, and the expected output. */
  size(promptTokens: number, maxOutputTokens: number | undefined): CallSize {
    const expected = this.outputMean ?? maxOutputTokens ?? 256;
    return { input: promptTokens * this.inputRatio, output: maxOutputTokens === undefined ? expected : Math.min(expected, maxOutputTokens) };
  }

  /** The call's size when a token limit is known (a limit learned while it waited counts too). */
  private sizeOf(sizer: CallSizer | undefined): CallSize | undefined {
    if (!sizer || !this.countsTokens) return undefined;
    sizer.rawInput ??= sizer.promptTokens();
    return this.size(sizer.rawInput, sizer.maxOutputTokens);
  }

  /** A ticket now, or null when the attempt has to wait (then call `acquire`). */
  tryAcquire(sizer: CallSizer | undefined): Ticket | null {
    if (this.queue.length > 0) return null;
    return this.admit(sizer, this.now());
  }

  /** Wait for the gate, in order of arrival; null when `cancel` aborts first. */
  acquire(sizer: CallSizer | undefined, cancel?: AbortSignal): Promise<Ticket | null> {
    const now = this.now();
    const ticket = this.queue.length === 0 ? this.admit(sizer, now) : null;
    if (ticket) return Promise.resolve(ticket);
    if (cancel && !this.listening.has(cancel)) {
      // One listener per signal (the run's), not one per waiting call.
      this.listening.add(cancel);
      cancel.addEventListener('abort', () => this.dropWaiting(cancel), { once: true });
    }
    return new Promise((resolve) => {
      this.queue.push({ sizer, since: now, cancel, resolve });
      this.pump();
    });
  }

  /** Where the request of an admitted attempt leaves (for reading its response's headers). */
  mark(): SendMark {
    return { at: this.now(), taken: { ...this.taken }, groupTaken: { ...this.group.taken } };
  }

  /** The attempt is over: answered (with the usage the provider reported), rejected with a 429, or failed otherwise. */
  release(ticket: Ticket, outcome: { kind: 'ok'; input?: number; output?: number } | { kind: 'rejected'; retryAfterMs?: number } | { kind: 'failed' }): void {
    const now = this.now();
    this.inflight--;
    if (this.probing) {
      this.probing = false;
      if (this.window === PROBE_WINDOW) this.window = Infinity;
    }
    if (outcome.kind === 'ok') {
      this.noteOutcome(false);
      if (this.window !== Infinity) this.window += 1 / this.window; // additive increase: about +1 per window of answers
      if (this.rateFactor < 1) this.recover(now);
      this.correct(ticket, outcome.input, outcome.output, now);
    } else if (outcome.kind === 'rejected') {
      this.rejected++;
      this.rejectedAt.push(now);
      if (this.rejectedAt.length > 4096) this.rejectedAt.splice(0, 2048);
      this.noteOutcome(true);
      this.onRejected(outcome.retryAfterMs, now);
    }
    // A failure that is not a 429 (server error, timeout) says nothing about the limit: its reservation stays spent,
    // as the provider may have counted the request.
    this.pump();
  }

  /** Time spent waiting after a 429 (the retry's backoff), for the report. */
  noteWait(ms: number): void {
    this.waitedMs += ms;
  }

  /** A response's rate-limit headers, read where its request left (mark()). */
  observe(reading: RateLimitReading, mark: SendMark): void {
    const now = this.now();
    for (const dim of DIMENSIONS) {
      const r = reading[dim];
      if (!r?.limit) continue;
      this.learned[dim] = r.limit;
      const perMs = r.limit / 60_000;
      // The provider's bucket size: what is left plus what refills until it is full again (the reset time).
      const capacity = r.remaining !== undefined && r.resetMs !== undefined ? Math.min(r.limit, r.remaining + r.resetMs * perMs) : undefined;
      if (r.remaining !== undefined && this.group.members.length > 1 && !this.declaredDimension(dim)) this.tellApart(dim, mark, r.remaining, perMs, capacity);
      // What is left now: its count when the request arrived, refilled since, less what was sent after it (by this
      // model, or by every model of the key when the limit is the key's).
      const own = this.separate.has(dim);
      const sentAfter = own ? this.taken[dim] - mark.taken[dim] : this.group.taken[dim] - mark.groupTaken[dim];
      const left = r.remaining === undefined ? undefined : r.remaining + (now - mark.at) * perMs - sentAfter;
      // A request that left before the limit was known: what was sent after it is not all counted (tokens are
      // counted only under a token limit), so its reading cannot set the level.
      const counted = (this.limits.get(dim)?.since ?? Infinity) <= mark.at || dim === 'requests';
      this.setLimit(dim, r.limit, 'learned', capacity, counted ? left : undefined, left);
    }
    this.pump();
  }

  /** Calls per second admitted over the last few seconds, and 429s in the last minute (the progress line). */
  pace(): { perSecond: number; rejectedLastMinute: number } {
    const now = this.now();
    while (this.rejectedAt.length > 0 && this.rejectedAt[0] < now - 60_000) this.rejectedAt.shift();
    while (this.admittedAt.length > 0 && this.admittedAt[0] < now - 5000) this.admittedAt.shift();
    const span = Math.min(5000, Math.max(1000, now - (this.admittedAt[0] ?? now)));
    return { perSecond: (this.admittedAt.length * 1000) / span, rejectedLastMinute: this.rejectedAt.length };
  }

  figures(): RateLimitFigures {
    return {
      model: this.model,
      declared: { rpm: this.declared.rpm ?? null, tpm: this.declared.tpm ?? null },
      learned: {
        rpm: this.learned.requests ?? null,
        tpm: this.learned.tokens ?? null,
        inputTpm: this.learned['input-tokens'] ?? null,
        outputTpm: this.learned['output-tokens'] ?? null,
      },
      attempts: this.attempts,
      rejected: this.rejected,
      waitedS: Math.round(this.waitedMs) / 1000,
      concurrencyWindow: this.window === Infinity ? null : Math.floor(this.window),
    };
  }

  private declaredDimension(dim: Dimension): boolean {
    return (dim === 'requests' && this.declared.rpm !== undefined) || (dim === 'tokens' && this.declared.tpm !== undefined);
  }

  /** Is this limit the model's own or the key's? Decided from the readings (sharing.ts); the key's until told apart. */
  private tellApart(dim: Dimension, mark: SendMark, remaining: number, perMs: number, capacity: number | undefined): void {
    const detector = this.detectors.get(dim) ?? this.detectors.set(dim, new ShareDetector()).get(dim)!;
    const size = capacity ?? this.limits.get(dim)?.bucket.capacity ?? remaining;
    // Enough of the other models' sending to tell the two apart: about ten requests' worth.
    const perRequest = dim === 'requests' ? 1 : this.group.taken[dim] / Math.max(1, this.group.taken.requests);
    const verdict = detector.add({ at: mark.at, own: mark.taken[dim], group: mark.groupTaken[dim] }, remaining, perMs, size, 10 * perRequest);
    if (verdict === 'separate') this.separate.add(dim);
    else if (verdict === 'shared') this.separate.delete(dim);
  }

  /**
   * Create or refine a limit. `left`: what the provider has left now, when known; `bound`: a reading that can only
   * lower the level of a new bucket (the calls in flight when the limit became known were not counted: at most
   * that is left, and the uncounted calls take the rest, so a new token bucket starts empty at best).
   */
  private setLimit(dim: Dimension, perMinute: number, source: Limit['source'], capacity: number | undefined, left: number | undefined, bound?: number): void {
    const now = this.now();
    const perMs = (perMinute / 60_000) * PACE * this.rateFactor;
    const existing = this.limits.get(dim);
    // A learned limit replaces a declared one; a later reading refines the size and the level.
    const size = Math.max(1, capacity ?? existing?.bucket.capacity ?? perMs * DECLARED_BURST_MS);
    // A limit the key's models share is one bucket for all of them.
    const bucketKey = this.separate.has(dim) ? `${this.key}|${dim}` : `${this.group.key}|${dim}`;
    if (!existing || existing.key !== bucketKey) {
      const start = left ?? (bound !== undefined ? Math.min(bound, 0) : (existing?.bucket.level(now) ?? size));
      const bucket = this.budget.bucket(bucketKey, perMs, size, start, now);
      bucket.onRefill?.(() => this.pump());
      if (left !== undefined) bucket.lowerTo(left, now);
      this.limits.set(dim, { bucket, key: bucketKey, perMinute, source, since: existing?.since ?? now });
      return;
    }
    if (existing.perMinute !== perMinute || existing.bucket.capacity !== size || source !== existing.source) {
      existing.bucket.configure(perMs, size, now);
      existing.perMinute = perMinute;
      existing.source = source;
    }
    if (left !== undefined) existing.bucket.lowerTo(left, now);
  }

  private cost(dim: Dimension, size: CallSize | undefined): number {
    if (dim === 'requests') return 1;
    if (!size) return 0;
    return dim === 'tokens' ? size.input + size.output : dim === 'input-tokens' ? size.input : size.output;
  }

  /** Milliseconds until an attempt of this size may go (0: now; Infinity: when an attempt in flight ends). */
  private waitFor(size: CallSize | undefined, now: number): number {
    if (this.inflight >= this.window) return Infinity;
    let wait = Math.max(0, this.pausedUntil - now);
    for (const [dim, limit] of this.limits) wait = Math.max(wait, limit.bucket.waitMs(this.cost(dim, size), now));
    return wait;
  }

  private admit(sizer: CallSizer | undefined, now: number): Ticket | null {
    const size = this.sizeOf(sizer);
    if (this.limits.size > 0 || this.inflight >= this.window || now < this.pausedUntil) {
      if (this.waitFor(size, now) > 0) return null;
    }
    const taken: Ticket['taken'] = {};
    for (const [dim, limit] of this.limits) {
      const c = this.cost(dim, size);
      limit.bucket.take(c, now);
      taken[dim] = c;
      if (dim === 'requests') continue; // counted below for every call
      this.taken[dim] += c;
      this.group.taken[dim] += c;
    }
    this.taken.requests++;
    this.group.taken.requests++;
    this.inflight++;
    this.attempts++;
    if (this.limits.size > 0 || this.rejected > 0) {
      this.admittedAt.push(now);
      if (this.admittedAt.length > 4096) this.admittedAt.splice(0, 2048); // pace() reads the last 5 s only
    }
    return { taken, rawInput: sizer?.rawInput };
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const head = this.queue[0];
      const now = this.now();
      const wait = this.waitFor(this.sizeOf(head.sizer), now);
      if (wait > 0) {
        if (wait !== Infinity) this.timer = setTimeout(() => this.pump(), Math.max(1, Math.ceil(wait)));
        return;
      }
      this.queue.shift();
      const ticket = this.admit(head.sizer, now)!;
      this.waitedMs += now - head.since;
      head.resolve(ticket);
    }
  }

  private dropWaiting(cancel: AbortSignal): void {
    const dropped = this.queue.filter((e) => e.cancel === cancel);
    if (dropped.length === 0) return;
    this.queue.splice(0, this.queue.length, ...this.queue.filter((e) => e.cancel !== cancel));
    for (const e of dropped) e.resolve(null);
    this.pump();
  }

  /** The reported usage corrects the reservation (refund or extra charge) and the next estimates. */
  private correct(ticket: Ticket, input: number | undefined, output: number | undefined, now: number): void {
    if (output !== undefined) this.outputMean = this.outputMean === undefined ? output : this.outputMean * 0.9 + output * 0.1;
    if (input !== undefined && ticket.rawInput) this.inputRatio = this.inputRatio * 0.9 + (input / ticket.rawInput) * 0.1;
    for (const dim of ['tokens', 'input-tokens', 'output-tokens'] as const) {
      const reserved = ticket.taken[dim];
      if (reserved === undefined) continue;
      const actual = dim === 'tokens' ? (input === undefined || output === undefined ? undefined : input + output) : dim === 'input-tokens' ? input : output;
      if (actual === undefined) continue;
      this.limits.get(dim)?.bucket.adjust(reserved - actual, now);
      this.taken[dim] += actual - reserved;
      this.group.taken[dim] += actual - reserved;
    }
  }

  /** After a decrease, each answer gives back a little of the rate (additive increase). */
  private recover(now: number): void {
    this.rateFactor = Math.min(1, this.rateFactor + 0.002);
    for (const [, limit] of this.limits) limit.bucket.configure((limit.perMinute / 60_000) * PACE * this.rateFactor, limit.bucket.capacity, now);
  }

  private noteOutcome(rejected: boolean): void {
    this.outcomes.push(rejected);
    if (this.outcomes.length > OUTCOMES_KEPT) this.outcomes.shift();
  }

  /**
   * A 429. With a known limit, the pacing slows a little (multiplicative decrease of the rate, recovered slowly
   * by answers). With none, the 429 counts as a limit only when 429s are frequent (a stray 429 of an overloaded
   * server is a transient fault, retried as such): then everyone waits the retry-after and the window of
   * attempts in flight halves, at most once per second.
   */
  private onRejected(retryAfterMs: number | undefined, now: number): void {
    const known = this.limits.size > 0;
    const share = this.outcomes.filter(Boolean).length / this.outcomes.length;
    const isLimit = known || (this.outcomes.length >= OUTCOMES_BEFORE_JUDGING && share >= REJECTED_SHARE_FOR_LIMIT);
    if (!isLimit) return;
    if (retryAfterMs !== undefined) this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(retryAfterMs, 60_000));
    if (now - this.lastDecrease < 1000) return;
    this.lastDecrease = now;
    if (known) {
      this.rateFactor = Math.max(0.5, this.rateFactor * 0.9);
      for (const [, limit] of this.limits) limit.bucket.configure((limit.perMinute / 60_000) * PACE * this.rateFactor, limit.bucket.capacity, now);
    } else {
      this.window = Math.max(1, Math.floor((this.inflight + 1) / 2));
    }
  }
}
