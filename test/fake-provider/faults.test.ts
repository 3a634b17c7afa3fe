// The fake provider's faults, attempts, determinism, latency and stats, seen through the real AI SDK clients.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText } from 'ai';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, chatBody, claude, closeAll, failure, KEY, openai, post, start } from './helpers.js';
import { startFakeProvider } from './server.js';

/** The error body of OpenAI's wire format (only the fields asserted). */
type OpenAIError = { error: { message: string; type: string } };

afterEach(closeAll);

describe('faults', () => {
  it('429 carries Retry-After and the real body; the SDK error is retryable with the header', async () => {
    const p = await start({ fault: () => ({ kind: '429', retryAfterS: 7 }) });
    const err = await apiError(generateText({ model: openai(p), prompt: 'x', maxRetries: 0 }));
    expect(err.statusCode).toBe(429);
    expect(err.isRetryable).toBe(true);
    expect(err.responseHeaders?.['retry-after']).toBe('7');
    expect(JSON.parse(err.responseBody ?? '')).toMatchObject({ error: { type: 'requests', code: 'rate_limit_exceeded', param: null } });

    const aerr = await apiError(generateText({ model: claude(p), prompt: 'x', maxRetries: 0 }));
    expect(aerr.statusCode).toBe(429);
    expect(aerr.isRetryable).toBe(true);
    expect(aerr.responseHeaders?.['retry-after']).toBe('7');
    expect(JSON.parse(aerr.responseBody ?? '')).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(p.requests.map((r) => [r.status, r.fault])).toEqual([
      [429, '429'],
      [429, '429'],
    ]);
  });

  it('the SDK retries honour Retry-After and succeed on a later attempt', async () => {
    const p = await start({ fault: (req) => (req.attempt <= 2 ? { kind: '429', retryAfterS: 0 } : undefined) });
    const r = await generateText({ model: openai(p), prompt: 'retry me', maxRetries: 2 });
    expect(r.text).toBe('echo: retry me');
    expect(p.requests.map((q) => [q.attempt, q.status])).toEqual([
      [1, 429],
      [2, 429],
      [3, 200],
    ]);
  });

  it('500 and 503 are retryable server errors in each wire format', async () => {
    const kinds = ['500', '503'] as const;
    for (const kind of kinds) {
      const p = await start({ fault: () => ({ kind }) });
      const err = await apiError(generateText({ model: openai(p), prompt: 'x', maxRetries: 0 }));
      expect(err.statusCode).toBe(Number(kind));
      expect(err.isRetryable).toBe(true);
      expect(JSON.parse(err.responseBody ?? '').error.type).toBe('server_error');
      const aerr = await apiError(generateText({ model: claude(p), prompt: 'x', maxRetries: 0 }));
      expect(aerr.statusCode).toBe(Number(kind));
      expect(aerr.isRetryable).toBe(true);
      expect(JSON.parse(aerr.responseBody ?? '')).toMatchObject({ type: 'error', error: { type: 'api_error' } });
    }
  });

  it('400 fault is not retryable and carries its message', async () => {
    const p = await start({ fault: () => ({ kind: '400', message: 'context too long' }) });
    const err = await apiError(generateText({ model: openai(p), prompt: 'x', maxRetries: 0 }));
    expect(err.statusCode).toBe(400);
    expect(err.isRetryable).toBe(false);
    expect(err.message).toBe('context too long');
  });

  it('a wrong or missing key gets 401 (not retryable) and the key is never echoed whole', async () => {
    const p = await start({ apiKey: KEY });
    const wrong = 'sk-wrong-key-9999999999';
    const err = await apiError(generateText({ model: openai(p, wrong), prompt: 'x', maxRetries: 0 }));
    expect(err.statusCode).toBe(401);
    expect(err.isRetryable).toBe(false);
    expect(JSON.parse(err.responseBody ?? '')).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    expect(err.responseBody).not.toContain(wrong);
    expect(p.requests[0]).toMatchObject({ status: 401, authorization: `Bearer ${wrong}` });

    const aerr = await apiError(generateText({ model: claude(p, wrong), prompt: 'x', maxRetries: 0 }));
    expect(aerr.statusCode).toBe(401);
    expect(aerr.isRetryable).toBe(false);
    expect(JSON.parse(aerr.responseBody ?? '')).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    expect(aerr.responseBody).not.toContain(wrong);

    expect((await post(p, '/v1/chat/completions', chatBody('x'))).status).toBe(401); // no key at all
    expect((await generateText({ model: openai(p), prompt: 'x', maxRetries: 0 })).text).toBe('echo: x');
    expect((await generateText({ model: claude(p), prompt: 'x', maxRetries: 0 })).text).toBe('echo: x');
  });

  it('reset destroys the socket: the SDK reports a retryable network error without a status', async () => {
    const p = await start({ fault: () => ({ kind: 'reset' }) });
    const err = await apiError(generateText({ model: openai(p), prompt: 'x', maxRetries: 0 }));
    expect(err.statusCode).toBeUndefined();
    expect(err.isRetryable).toBe(true);
    expect(err.message).toMatch(/Cannot connect to API/);
    await expect(post(p, '/v1/messages', { ...chatBody('x'), max_tokens: 5 })).rejects.toThrow(/fetch failed/);
    expect(p.requests.map((r) => r.status)).toEqual([0, 0]);
  });

  it('malformed 200 makes the SDK throw, on both wires and when streaming', async () => {
    const p = await start({ fault: () => ({ kind: 'malformed' }) });
    const err = await apiError(generateText({ model: openai(p), prompt: 'x', maxRetries: 0 }));
    expect(err.statusCode).toBe(200);
    expect(err.message).toMatch(/Invalid JSON response/);
    const aerr = await apiError(generateText({ model: claude(p), prompt: 'x', maxRetries: 0 }));
    expect(aerr.statusCode).toBe(200);

    const errors: unknown[] = [];
    const s = streamText({
      model: openai(p),
      prompt: 'x',
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    let text = '';
    try {
      for await (const t of s.textStream) text += t;
    } catch {
      // either way (thrown or reported to onError) the stream must not yield the broken content
    }
    expect(text).toBe('');
    expect(errors.length).toBeGreaterThan(0);
  });

  it('slow answers after the delay, so a client timeout fires first; the server records no status', async () => {
    // Slow = 10 minutes, beyond the test's timeout: the call ending at all shows the client's 200 ms timeout won.
    const p = await start({ fault: (req) => (req.attempt === 1 ? { kind: 'slow', ms: 600_000 } : undefined) });
    const err = await failure(generateText({ model: openai(p), prompt: 'slow', maxRetries: 0, abortSignal: AbortSignal.timeout(200) }));
    expect(String((err as Error).name)).toMatch(/Abort|Timeout/);
    await vi.waitFor(() => expect(p.requests[0]).toMatchObject({ fault: 'slow', status: 0 }), { timeout: 10_000 });
    expect(p.stats().byStatus).toEqual({ '0': 1 });

    const res = await post(p, '/v1/chat/completions', chatBody('slow')); // same prompt: attempt 2, not slow
    expect(res.status).toBe(200);
    expect(p.requests[1]).toMatchObject({ attempt: 2, status: 200 });
    expect(p.requests[1].fault).toBeUndefined();
  });

  it('a slow fault without a client timeout still answers normally', async () => {
    const p = await start({ fault: () => ({ kind: 'slow', ms: 250 }) });
    const t0 = performance.now();
    const r = await generateText({ model: claude(p), prompt: 'patience', maxRetries: 0 });
    expect(r.text).toBe('echo: patience');
    // The delay is the behaviour under test: a lower bound (load only makes it longer; 10 ms of timer slack).
    expect(performance.now() - t0).toBeGreaterThanOrEqual(240);
    expect(p.requests[0]).toMatchObject({ fault: 'slow', status: 200 });
  });

  it('a throwing answer callback becomes a 500 in the wire format', async () => {
    const p = await start({
      answer: () => {
        throw new Error('boom');
      },
    });
    const res = await post(p, '/v1/chat/completions', chatBody('x'));
    expect(res.status).toBe(500);
    expect(((await res.json()) as OpenAIError).error.message).toMatch(/answer callback threw: boom/);
  });
});

describe('attempts, determinism, latency and stats', () => {
  it('counts attempts per identical (wire, model, messages); reset() clears them', async () => {
    const p = await start();
    for (let i = 0; i < 3; i++) await generateText({ model: openai(p), prompt: 'same', maxRetries: 0 });
    await generateText({ model: openai(p), prompt: 'other', maxRetries: 0 });
    await generateText({ model: createOpenAI({ baseURL: p.openaiBaseURL, apiKey: KEY }).chat('m2'), prompt: 'same', maxRetries: 0 });
    await generateText({ model: claude(p), prompt: 'same', maxRetries: 0 });
    expect(p.requests.map((r) => r.attempt)).toEqual([1, 2, 3, 1, 1, 1]);
    const reqs = p.requests;
    p.reset();
    expect(p.requests).toBe(reqs);
    expect(p.requests).toHaveLength(0);
    expect(p.stats()).toEqual({ total: 0, byStatus: {}, maxInFlight: 0 });
    await generateText({ model: openai(p), prompt: 'same', maxRetries: 0 });
    expect(p.requests[0].attempt).toBe(1);
  });

  it('faultRates draw the same fault sequence twice for the same seed', async () => {
    const rates = { rate429: 0.25, rate500: 0.15, rateMalformed: 0.1, seed: 7 };
    const run = async (seed: number) => {
      const p = await start({ faultRates: { ...rates, seed } });
      const out: string[] = [];
      for (let i = 0; i < 40; i++) {
        const prompt = `question ${i % 10}`; // repeats, so later attempts of the same prompt draw again
        const res = await post(p, '/v1/chat/completions', chatBody(prompt));
        await res.text();
        out.push(`${res.status}${res.status === 429 ? `/${res.headers.get('retry-after')}` : ''}`);
      }
      expect(p.requests.map((r) => String(r.status))).toEqual(out.map((s) => s.split('/')[0]));
      return out;
    };
    const a = await run(7);
    const b = await run(7);
    expect(b).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(2); // a mix of outcomes, not all one kind
    expect(a).toContain('429/1');
    expect(await run(8)).not.toEqual(a);
  });

  it('fault rates that add up to more than 1 are refused', async () => {
    await expect(startFakeProvider({ faultRates: { rate429: 0.7, rate500: 0.5 } })).rejects.toThrow(/add up/);
  });

  it('applies latencyMs to answers and tracks maxInFlight over concurrent requests', async () => {
    const p = await start({ latencyMs: 300 });
    const t0 = performance.now();
    const rs = await Promise.all([1, 2, 3, 4].map((i) => generateText({ model: openai(p), prompt: `q${i}`, maxRetries: 0 })));
    const elapsed = performance.now() - t0;
    expect(rs.map((r) => r.text)).toEqual(['echo: q1', 'echo: q2', 'echo: q3', 'echo: q4']);
    // The latency is the behaviour under test: a lower bound only (load makes it longer, never shorter).
    expect(elapsed).toBeGreaterThanOrEqual(290);
    // Concurrent, not serialised: the server held all four at once (no wall-time upper bound needed).
    expect(p.stats()).toEqual({ total: 4, byStatus: { '200': 4 }, maxInFlight: 4 });
  });
});
