// run/errors.ts: every failure a call can end in, produced for real (the AI SDK over evalspec's own fetch
// against the loopback fake provider), classified into its class and retry decision; Retry-After parsing
// (seconds, milliseconds, HTTP-date, Gemini's body delay) and the backoff caps.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type Fault } from '../fake-provider/server.js';
import { backoffMs, classifyError, parseRetryAfter } from '../../src/run/index.js';
import { CallFailure, parseRetryDelayFromBody } from '../../src/run/errors.js';
import { providerFetch } from '../../src/run/http-fetch.js';

const KEY = 'sk-errors-test-0123456789abcdef';
const idle = { timedOut: false, cancelled: false };

describe('classifyError on real provider failures', () => {
  let server: FakeProvider;
  beforeAll(async () => {
    // The prompt names the fault to inject.
    server = await startFakeProvider({
      apiKey: KEY,
      fault: (req): Fault | undefined => {
        const kind = req.messages.at(-1)!.content;
        if (kind === '429') return { kind: '429', retryAfterS: 7 };
        if (kind === 'slow') return { kind: 'slow', ms: 5_000 };
        return ['500', '503', 'reset', 'malformed', '400'].includes(kind) ? ({ kind } as Fault) : undefined;
      },
    });
  });
  afterAll(() => server.close());

  /** The error one call rejects with. */
  async function failWith(prompt: string, apiKey = KEY, signal?: AbortSignal): Promise<unknown> {
    const model = createOpenAI({ baseURL: server.openaiBaseURL, apiKey, fetch: providerFetch }).chat('gpt-4o-mini');
    try {
      await generateText({ model, prompt, maxRetries: 0, abortSignal: signal });
    } catch (error) {
      return error;
    }
    throw new Error(`${prompt}: expected the call to fail`);
  }

  it('429 is a retryable rate-limit carrying the Retry-After delay', async () => {
    const c = classifyError(await failWith('429'), idle);
    expect(c).toMatchObject({ errorClass: 'rate-limit', retryable: true, status: 429, retryAfterMs: 7_000 });
    expect(c.message).toMatch(/^429 Rate limit reached/);
  });

  it('500 and 503 are retryable server errors', async () => {
    expect(classifyError(await failWith('500'), idle)).toMatchObject({ errorClass: 'server', retryable: true, status: 500 });
    expect(classifyError(await failWith('503'), idle)).toMatchObject({ errorClass: 'server', retryable: true, status: 503 });
  });

  it('a connection reset is a retryable network error', async () => {
    const c = classifyError(await failWith('reset'), idle);
    expect(c).toMatchObject({ errorClass: 'network', retryable: true });
    expect(c.status).toBeUndefined();
  });

  it('a 200 with a body that is not JSON is a retryable malformed-response', async () => {
    expect(classifyError(await failWith('malformed'), idle)).toMatchObject({ errorClass: 'malformed-response', retryable: true });
  });

  it('a wrong key is auth and a 400 is bad-request: neither is retried', async () => {
    expect(classifyError(await failWith('hello', 'sk-wrong-key-000000000000'), idle)).toMatchObject({ errorClass: 'auth', retryable: false, status: 401 });
    expect(classifyError(await failWith('400'), idle)).toMatchObject({ errorClass: 'bad-request', retryable: false, status: 400 });
  });

  it('an attempt timeout is a retryable timeout naming the limit and the setting; a cancel is cancelled', async () => {
    const error = await failWith('slow', KEY, AbortSignal.timeout(50));
    const timedOut = classifyError(error, { timedOut: true, cancelled: false, timeoutMs: 50 });
    expect(timedOut).toMatchObject({ errorClass: 'timeout', retryable: true });
    expect(timedOut.message).toContain('timeout_ms: 50');
    // Without our own timeout flag, the abort's TimeoutError is still read as a timeout.
    expect(classifyError(error, idle)).toMatchObject({ errorClass: 'timeout', retryable: true });
    expect(classifyError(error, { timedOut: true, cancelled: true })).toEqual({ errorClass: 'cancelled', message: 'cancelled', retryable: false });
  });

  it('a timeout message gives seconds for long limits and milliseconds for short ones', () => {
    expect(classifyError(new Error('x'), { timedOut: true, cancelled: false, timeoutMs: 90_000 }).message).toContain('after 90 s');
    expect(classifyError(new Error('x'), { timedOut: true, cancelled: false, timeoutMs: 250 }).message).toContain('after 250 ms');
    expect(classifyError(new Error('x'), { timedOut: true, cancelled: false }).message).toMatch(/raise timeout_ms/);
  });

  it('a CallFailure keeps its own class and retry decision; an unknown error is a non-retryable network error', () => {
    expect(classifyError(new CallFailure('missing-output', 'no log for c1'), idle)).toEqual({
      errorClass: 'missing-output',
      message: 'no log for c1',
      retryable: false,
    });
    expect(classifyError(new CallFailure('function-error', 'boom', true), idle)).toMatchObject({ retryable: true });
    expect(classifyError(new RangeError('weird'), idle)).toMatchObject({ errorClass: 'network', retryable: false, message: 'weird' });
    // Long messages are cut to one line of at most 400 characters (+ an ellipsis).
    const long = classifyError(new Error(`a\n${'b'.repeat(1000)}`), idle).message;
    expect(long).not.toContain('\n');
    expect(long.length).toBe(401);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-12-05T12:00:00Z');
  it('reads seconds (whole and fractional) as milliseconds', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2_000);
    expect(parseRetryAfter({ 'retry-after': ' 1.5 ' }, now)).toBe(1_500);
    expect(parseRetryAfter({ 'retry-after': '0' }, now)).toBe(0);
  });
  it('prefers retry-after-ms, and falls back to retry-after when it is not a number', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '9' }, now)).toBe(9_000);
  });
  it('reads an HTTP-date as the time left until then, never negative', () => {
    // 12:00:00 -> 12:00:30 GMT is 30 s.
    expect(parseRetryAfter({ 'retry-after': 'Sat, 05 Dec 2026 12:00:30 GMT' }, now)).toBe(30_000);
    expect(parseRetryAfter({ 'retry-after': 'Sat, 05 Dec 2026 11:59:00 GMT' }, now)).toBe(0);
  });
  it('is undefined without a usable header', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'tomorrow-ish' }, now)).toBeUndefined();
  });
});

describe('parseRetryDelayFromBody (Gemini RetryInfo)', () => {
  const body = (retryDelay: unknown, type = 'type.googleapis.com/google.rpc.RetryInfo') =>
    JSON.stringify({
      error: { code: 429, status: 'RESOURCE_EXHAUSTED', details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure' }, { '@type': type, retryDelay }] },
    });
  it('reads a protobuf duration in decimal seconds', () => {
    expect(parseRetryDelayFromBody(body('13s'))).toBe(13_000);
    expect(parseRetryDelayFromBody(body('0.5s'))).toBe(500);
    expect(parseRetryDelayFromBody(body('45.837906927s'))).toBeCloseTo(45_837.906927, 3);
  });
  it('also reads the array envelope, and ignores anything else', () => {
    expect(parseRetryDelayFromBody(`[${body('2s')}]`)).toBe(2_000);
    expect(parseRetryDelayFromBody(body('2m'))).toBeUndefined();
    expect(parseRetryDelayFromBody(body(2))).toBeUndefined();
    expect(parseRetryDelayFromBody(body('2s', 'type.googleapis.com/google.rpc.Help'))).toBeUndefined();
    expect(parseRetryDelayFromBody('{"error":{"message":"RetryInfo but not JSON details"}}')).toBeUndefined();
    expect(parseRetryDelayFromBody('not json RetryInfo')).toBeUndefined();
    expect(parseRetryDelayFromBody(undefined)).toBeUndefined();
  });
});

describe('backoffMs', () => {
  const policy = { max: 6, baseMs: 500, maxMs: 30_000 };
  it('exponential with jitter between half and all of base * 2^(attempt-1), capped at max_ms', () => {
    expect(backoffMs(1, policy, undefined, () => 0)).toBe(250); // 500 / 2
    expect(backoffMs(1, policy, undefined, () => 0.999)).toBe(499);
    expect(backoffMs(3, policy, undefined, () => 0)).toBe(1_000); // 2000 / 2
    expect(backoffMs(20, policy, undefined, () => 0)).toBe(15_000); // capped: 30000 / 2
  });
  it("a provider's delay wins, capped at max(max_ms, 60 s), plus up to 100 ms of jitter", () => {
    expect(backoffMs(1, policy, 1_000, () => 0)).toBe(1_000);
    expect(backoffMs(1, policy, 1_000, () => 0.5)).toBe(1_050);
    expect(backoffMs(1, policy, 10 * 60_000, () => 0)).toBe(60_000);
    expect(backoffMs(1, { ...policy, maxMs: 90_000 }, 10 * 60_000, () => 0)).toBe(90_000);
    expect(backoffMs(5, policy, 0, () => 0)).toBe(0);
  });
});
