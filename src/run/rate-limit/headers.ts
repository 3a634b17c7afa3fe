// What a provider's response says about its rate limits: OpenAI's x-ratelimit-{limit,remaining,reset}-{requests,tokens}
// (reset as a Go duration: "1s", "6m0s", "20ms", "1h2m3.5s"), Anthropic's
// anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset} (reset as an RFC 3339
// time), and retry-after / retry-after-ms (errors.ts parses those). Limits are per minute for both providers.

/** The budgets a provider may limit: requests, all tokens, or input and output tokens apart (Anthropic). */
export const DIMENSIONS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface DimensionReading {
  /** Per minute. */
  limit?: number;
  remaining?: number;
  /** Milliseconds until the budget is full again. */
  resetMs?: number;
}

export type RateLimitReading = Partial<Record<Dimension, DimensionReading>>;

/** A header lookup: Headers.get, or a plain object's lower-cased keys (APICallError.responseHeaders). */
export type HeaderGetter = (name: string) => string | null | undefined;

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };

/** A Go duration string ("6m0s", "1.5s", "20ms") in milliseconds; a bare number is seconds; undefined if unreadable. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  return matched > 0 && matched === s.length ? total : undefined;
}

/** An RFC 3339 time ("2026-12-05T14:00:30Z") as milliseconds from now (0 when past); undefined if unreadable. */
export function parseResetTime(text: string, now = Date.now()): number | undefined {
  if (!/^\d{4}-\d\d-\d\dT/.test(text.trim())) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function number(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

function put(out: RateLimitReading, dim: Dimension, field: keyof DimensionReading, value: number | undefined): void {
  if (value === undefined) return;
  (out[dim] ??= {})[field] = value;
}

/**
 * Both providers' rate-limit headers, or undefined when the response has none (the common case: checked with
 * two lookups first, so a provider that sends none costs next to nothing).
 */
export function readRateLimitHeaders(get: HeaderGetter, now = Date.now()): RateLimitReading | undefined {
  const openai = get('x-ratelimit-limit-requests') ?? get('x-ratelimit-limit-tokens');
  const anthropic = get('anthropic-ratelimit-requests-limit') ?? get('anthropic-ratelimit-tokens-limit') ?? get('anthropic-ratelimit-input-tokens-limit');
  if (openai == null && anthropic == null) return undefined;
  const out: RateLimitReading = {};
  if (openai != null) {
    for (const dim of ['requests', 'tokens'] as const) {
      put(out, dim, 'limit', number(get(`x-ratelimit-limit-${dim}`)));
      put(out, dim, 'remaining', number(get(`x-ratelimit-remaining-${dim}`)));
      const reset = get(`x-ratelimit-reset-${dim}`);
      put(out, dim, 'resetMs', reset ? parseDuration(reset) : undefined);
    }
  }
  if (anthropic != null) {
    for (const dim of DIMENSIONS) {
      put(out, dim, 'limit', number(get(`anthropic-ratelimit-${dim}-limit`)));
      put(out, dim, 'remaining', number(get(`anthropic-ratelimit-${dim}-remaining`)));
      const reset = get(`anthropic-ratelimit-${dim}-reset`);
      put(out, dim, 'resetMs', reset ? (parseResetTime(reset, now) ?? parseDuration(reset)) : undefined);
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
