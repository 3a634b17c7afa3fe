// The fake provider's OpenAI Responses and Google Gemini wires, exercised through the real AI SDK clients
// (what evalspec runs) over real loopback HTTP: answers, usage, finish reasons, request records, errors.
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, jsonSchema, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { apiError, closeAll, KEY, post, start } from './helpers.js';
import type { FakeProvider } from './server.js';

afterEach(closeAll);

const responses = (p: FakeProvider, apiKey = KEY) => createOpenAI({ baseURL: p.openaiBaseURL, apiKey }).responses('gpt-4o-mini');
const gemini = (p: FakeProvider, apiKey = KEY) => createGoogleGenerativeAI({ baseURL: p.googleBaseURL, apiKey })('gemini-2.0-flash');

describe('OpenAI Responses wire', () => {
  it('answers generateText with the echo, usage and the request as the SDK sent it', async () => {
    const p = await start();
    const r = await generateText({
      model: responses(p),
      system: 'Be terse.',
      prompt: 'please repeat one two three four five six seven',
      temperature: 0.3,
      maxOutputTokens: 50,
      maxRetries: 0,
    });
    expect(r.text).toBe('echo: two three four five six seven');
    expect(r.finishReason).toBe('stop');
    expect(r.usage).toMatchObject({ inputTokens: 11, outputTokens: 7, totalTokens: 18 }); // 2 system + 9 user words
    expect(p.requests).toHaveLength(1);
    const req = p.requests[0];
    expect(req).toMatchObject({
      wire: 'openai-responses',
      path: '/v1/responses',
      model: 'gpt-4o-mini',
      status: 200,
      authorization: `Bearer ${KEY}`,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'please repeat one two three four five six seven' },
      ],
    });
    expect(req.body).toMatchObject({
      model: 'gpt-4o-mini',
      temperature: 0.3,
      max_output_tokens: 50,
      input: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: [{ type: 'input_text', text: 'please repeat one two three four five six seven' }] },
      ],
    });
    expect(req.body.messages).toBeUndefined();
  });

  it('a cut-off answer is status incomplete, which the SDK reads as finish reason length', async () => {
    const p = await start({ answer: () => ({ text: 'partial', inputTokens: 5, outputTokens: 3, finishReason: 'length' }) });
    const r = await generateText({ model: responses(p), prompt: 'x', maxRetries: 0 });
    expect(r.text).toBe('partial');
    expect(r.finishReason).toBe('length');
    expect(r.usage).toMatchObject({ inputTokens: 5, outputTokens: 3 });
  });

  it('rate limits and bad keys answer with the OpenAI error body the SDK turns into APICallError', async () => {
    const p = await start({ apiKey: KEY, fault: () => ({ kind: '429', retryAfterS: 3 }) });
    const limited = await apiError(generateText({ model: responses(p), prompt: 'x', maxRetries: 0 }));
    expect(limited.statusCode).toBe(429);
    expect(limited.responseHeaders?.['retry-after']).toBe('3');
    expect(limited.message).toMatch(/Rate limit reached for gpt-4o-mini/);
    const denied = await apiError(generateText({ model: responses(p, 'sk-wrong-key-0000000000'), prompt: 'x', maxRetries: 0 }));
    expect(denied.statusCode).toBe(401);
    expect(JSON.parse(denied.responseBody ?? '')).toMatchObject({ error: { code: 'invalid_api_key' } });
  });

  it('rejects a request without input', async () => {
    const p = await start();
    const missing = await post(p, '/v1/responses', { model: 'm' });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/'input'/);
  });
});

// Streamed answers (issue #20): the SDK's streamText reads the wire's events into the same text, usage and finish
// reason as the JSON answer, in several pieces; a tool call arrives whole.
describe.each([
  ['OpenAI Responses', responses, '/v1/responses'],
  ['Google Gemini', gemini, '/v1beta/models/gemini-2.0-flash:streamGenerateContent'],
] as const)('%s wire, streamed', (_name, model, path) => {
  it('streams the answer in pieces with the usage and finish reason of the JSON answer', async () => {
    const p = await start({ answer: () => ({ text: 'one two three four', inputTokens: 9, outputTokens: 4 }) });
    const r = streamText({ model: model(p), prompt: 'count', maxRetries: 0 });
    const pieces: string[] = [];
    for await (const t of r.textStream) pieces.push(t);
    expect(pieces).toEqual(['one ', 'two ', 'three ', 'four']);
    expect(await r.finishReason).toBe('stop');
    expect(await r.usage).toMatchObject({ inputTokens: 9, outputTokens: 4 });
    expect(p.requests[0]).toMatchObject({ path, stream: true, status: 200 });
  });

  it('streams a tool call and a cut-off answer as the JSON answer gives them', async () => {
    const p = await start({
      answer: (req) =>
        req.tools.length > 0
          ? { text: '', toolCalls: [{ id: 'call_1', name: 'lookup', args: { q: 'x' } }] }
          : { text: 'partial answer', finishReason: 'length' },
    });
    const cut = streamText({ model: model(p), prompt: 'x', maxRetries: 0 });
    expect(await cut.text).toBe('partial answer');
    expect(await cut.finishReason).toBe('length');
    const tools = { lookup: tool({ inputSchema: jsonSchema<{ q: string }>({ type: 'object', properties: { q: { type: 'string' } } }) }) };
    const called = streamText({ model: model(p), prompt: 'x', tools, maxRetries: 0 });
    expect((await called.toolCalls).map((c) => [c.toolName, c.input])).toEqual([['lookup', { q: 'x' }]]);
    expect(await called.finishReason).toBe('tool-calls');
  });
});

describe('Google Gemini wire', () => {
  it('answers generateText with the echo, usage and the request as the SDK sent it', async () => {
    const p = await start();
    const r = await generateText({
      model: gemini(p),
      system: 'Be terse.',
      prompt: 'please repeat one two three four five six seven',
      temperature: 0.2,
      maxOutputTokens: 64,
      topP: 0.9,
      maxRetries: 0,
    });
    expect(r.text).toBe('echo: two three four five six seven');
    expect(r.finishReason).toBe('stop');
    expect(r.usage).toMatchObject({ inputTokens: 11, outputTokens: 7, totalTokens: 18 });
    const req = p.requests[0];
    expect(req).toMatchObject({
      wire: 'google',
      path: '/v1beta/models/gemini-2.0-flash:generateContent',
      model: 'gemini-2.0-flash',
      status: 200,
      authorization: KEY,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'please repeat one two three four five six seven' },
      ],
    });
    expect(req.body).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be terse.' }] },
      contents: [{ role: 'user', parts: [{ text: 'please repeat one two three four five six seven' }] }],
      generationConfig: { temperature: 0.2, maxOutputTokens: 64, topP: 0.9 },
    });
  });

  it('MAX_TOKENS is finish reason length; a prior model turn is normalised to assistant', async () => {
    const p = await start({ answer: () => ({ text: 'cut', inputTokens: 9, outputTokens: 2, finishReason: 'length' }) });
    const r = await generateText({
      model: gemini(p),
      maxRetries: 0,
      messages: [
        { role: 'user', content: 'a' },
        { role: 'assistant', content: 'b' },
        { role: 'user', content: 'c' },
      ],
    });
    expect(r.finishReason).toBe('length');
    expect(r.usage).toMatchObject({ inputTokens: 9, outputTokens: 2 });
    expect(p.requests[0].body.contents.map((c: { role: string }) => c.role)).toEqual(['user', 'model', 'user']);
    expect(p.requests[0].messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  });

  it('a 429 carries RESOURCE_EXHAUSTED with RetryInfo; a wrong key is 400 API_KEY_INVALID as Gemini answers it', async () => {
    const p = await start({ apiKey: KEY, fault: () => ({ kind: '429', retryAfterS: 2 }) });
    const limited = await apiError(generateText({ model: gemini(p), prompt: 'x', maxRetries: 0 }));
    expect(limited.statusCode).toBe(429);
    const body = JSON.parse(limited.responseBody ?? '');
    expect(body.error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED' });
    expect(body.error.details).toContainEqual({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' });
    expect(limited.responseHeaders?.['retry-after']).toBeUndefined(); // Gemini says it in the body only
    const denied = await apiError(generateText({ model: gemini(p, 'wrong-key-0000000000'), prompt: 'x', maxRetries: 0 }));
    expect(denied.statusCode).toBe(400);
    expect(denied.message).toMatch(/API key not valid/);
  });

  it('lists models in Google shape and rejects an empty contents', async () => {
    const p = await start({ models: ['gemini-2.0-flash'] });
    const list = (await (await fetch(`${p.url}/v1beta/models`)).json()) as { models: unknown[] };
    expect(list.models[0]).toMatchObject({ name: 'models/gemini-2.0-flash', supportedGenerationMethods: expect.arrayContaining(['generateContent']) });
    const empty = await post(p, '/v1beta/models/g:generateContent', { contents: [] });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { status: string } }).error.status).toBe('INVALID_ARGUMENT');
  });
});
