// The providers' rate-limit headers, read into one shape. Reset formats: OpenAI sends a Go duration ("1s",
// "6m0s", "20ms"; https://platform.openai.com/docs/guides/rate-limits, "Rate limits in headers"), Anthropic an
// RFC 3339 time (https://docs.anthropic.com/en/api/rate-limits, "Response headers").
import { describe, expect, it } from 'vitest';
import { parseDuration, parseResetTime, readRateLimitHeaders } from '../../src/run/rate-limit/headers.js';

const getter = (headers: Record<string, string>) => (name: string) => headers[name] ?? null;

describe('parseDuration (OpenAI x-ratelimit-reset-*)', () => {
  it('reads the examples of OpenAI documentation and compound durations', () => {
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('6m0s')).toBe(360_000); // 6 × 60 000
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500); // 3 600 000 + 120 000 + 3 500
    expect(parseDuration('0.5s')).toBe(500);
    expect(parseDuration('17.28s')).toBeCloseTo(17_280, 6);
  });
  it('reads a bare number as seconds and refuses what is not a duration', () => {
    expect(parseDuration('2')).toBe(2000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration('1s later')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
  });
});

describe('parseResetTime (Anthropic anthropic-ratelimit-*-reset)', () => {
  const now = Date.parse('2026-12-05T14:00:00Z');
  it('is the time until the given instant, 0 when it has passed', () => {
    expect(parseResetTime('2026-12-05T14:00:30Z', now)).toBe(30_000);
    expect(parseResetTime('2026-12-05T15:00:00+01:00', now)).toBe(0); // the same instant in another offset
    expect(parseResetTime('2026-12-05T13:59:00Z', now)).toBe(0);
    expect(parseResetTime('2026-12-05T14:00:01.250Z', now)).toBe(1250);
  });
  it('refuses what is not an RFC 3339 time', () => {
    expect(parseResetTime('30', now)).toBeUndefined();
    expect(parseResetTime('tomorrow', now)).toBeUndefined();
  });
});

describe('readRateLimitHeaders', () => {
  it('reads OpenAI headers per dimension', () => {
    const reading = readRateLimitHeaders(
      getter({
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-tokens': '149984',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
    );
    expect(reading).toEqual({
      requests: { limit: 60, remaining: 59, resetMs: 1000 },
      tokens: { limit: 150_000, remaining: 149_984, resetMs: 360_000 },
    });
  });

  it('reads Anthropic headers, input and output tokens apart', () => {
    const now = Date.parse('2026-12-05T14:00:00Z');
    const reading = readRateLimitHeaders(
      getter({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-12-05T14:00:01Z',
        'anthropic-ratelimit-input-tokens-limit': '40000',
        'anthropic-ratelimit-input-tokens-remaining': '39000',
        'anthropic-ratelimit-input-tokens-reset': '2026-12-05T14:00:02Z',
        'anthropic-ratelimit-output-tokens-limit': '8000',
        'anthropic-ratelimit-output-tokens-remaining': '8000',
        'anthropic-ratelimit-output-tokens-reset': '2026-12-05T14:00:00Z',
      }),
      now,
    );
    expect(reading).toEqual({
      requests: { limit: 50, remaining: 49, resetMs: 1000 },
      'input-tokens': { limit: 40_000, remaining: 39_000, resetMs: 2000 },
      'output-tokens': { limit: 8000, remaining: 8000, resetMs: 0 },
    });
  });

  it('is undefined for a response with no rate-limit headers, and skips unreadable values', () => {
    expect(readRateLimitHeaders(getter({ 'content-type': 'application/json', 'retry-after': '1' }))).toBeUndefined();
    expect(readRateLimitHeaders(getter({ 'x-ratelimit-limit-requests': 'many', 'x-ratelimit-remaining-requests': '-3' }))).toBeUndefined();
  });
});
