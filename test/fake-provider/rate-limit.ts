// A real rate limit for the fake provider (FakeProviderOptions.rateLimit): a token bucket per model, as OpenAI
// and Anthropic limit each model apart, refilling at rpm/60 requests and tpm/60 tokens per second and holding
// burstS seconds of them. Input tokens are charged when a request arrives, output tokens when it is answered.
// Every response carries the wire's headers: OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens}
// (reset as "1s" / "20ms"), Anthropic's anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
// {limit,remaining,reset} (reset as an RFC 3339 time); a request over the limit gets 429 with retry-after.
import type { WireName } from './types.js';

export interface FakeRateLimit {
  /** Requests per minute, per model. */
  rpm?: number;
  /** Tokens (input + output) per minute, per model; on the Anthropic wire the input and output limits are each this. */
  tpm?: number;
  /** Seconds of refill the bucket holds (default 1). */
  burstS?: number;
}

interface Bucket {
  level: number;
  at: number;
}

type Kind = 'requests' | 'tokens';

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(private readonly limit: FakeRateLimit) {}

  private bucket(model: string, kind: Kind): { b: Bucket; perMs: number; capacity: number; perMinute: number } | undefined {
    const perMinute = kind === 'requests' ? this.limit.rpm : this.limit.tpm;
    if (!perMinute) return undefined;
    const perMs = perMinute / 60_000;
    const capacity = perMs * 1000 * (this.limit.burstS ?? 1);
    const key = `${model}|${kind}`;
    const now = performance.now();
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { level: capacity, at: now }));
    b.level = Math.min(capacity, b.level + (now - b.at) * perMs);
    b.at = now;
    return { b, perMs, capacity, perMinute };
  }

  /** On arrival: take one request and the input tokens, or refuse with the wait until they fit. */
  admit(model: string, inputTokens: number): { ok: true } | { ok: false; waitMs: number } {
    const parts = (['requests', 'tokens'] as const).map((kind) => ({ kind, s: this.bucket(model, kind), cost: kind === 'requests' ? 1 : inputTokens }));
    let waitMs = 0;
    for (const { s, cost } of parts)
      if (s && s.b.level < Math.min(cost, s.capacity)) waitMs = Math.max(waitMs, (Math.min(cost, s.capacity) - s.b.level) / s.perMs);
    if (waitMs > 0) return { ok: false, waitMs: Math.ceil(waitMs) };
    for (const { s, cost } of parts) if (s) s.b.level -= cost;
    return { ok: true };
  }

  /** On answering: charge the output tokens. */
  charge(model: string, outputTokens: number): void {
    const s = this.bucket(model, 'tokens');
    if (s) s.b.level -= outputTokens;
  }

  /** The wire's rate-limit headers for this model, now. */
  headers(wire: WireName, model: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const kind of ['requests', 'tokens'] as const) {
      const s = this.bucket(model, kind);
      if (!s) continue;
      const remaining = Math.max(0, Math.floor(s.b.level));
      const resetMs = Math.ceil((s.capacity - Math.max(0, s.b.level)) / s.perMs);
      if (wire === 'anthropic') {
        const names = kind === 'requests' ? ['requests'] : ['tokens', 'input-tokens', 'output-tokens'];
        for (const n of names) {
          out[`anthropic-ratelimit-${n}-limit`] = String(s.perMinute);
          out[`anthropic-ratelimit-${n}-remaining`] = String(remaining);
          out[`anthropic-ratelimit-${n}-reset`] = new Date(Date.now() + resetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
        }
      } else if (wire !== 'google') {
        out[`x-ratelimit-limit-${kind}`] = String(s.perMinute);
        out[`x-ratelimit-remaining-${kind}`] = String(remaining);
        out[`x-ratelimit-reset-${kind}`] = resetMs >= 1000 ? `${(resetMs / 1000).toFixed(3).replace(/\.?0+$/, '')}s` : `${resetMs}ms`;
      }
    }
    return out;
  }
}
