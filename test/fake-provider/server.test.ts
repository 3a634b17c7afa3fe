// The fake provider's wires, exercised through the real AI SDK clients over real loopback HTTP.
import { generateText, Output, streamText, tool } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { chatBody, claude, closeAll, KEY, openai, post, start } from './helpers.js';
import { startFakeProvider } from './server.js';

/** The error body of OpenAI's wire format (only the fields asserted). */
type OpenAIError = { error: { message: string; type: string } };

afterEach(closeAll);

describe('OpenAI Chat Completions wire', () => {
  it('answers generateText with the deterministic echo, usage and a full request record', async () => {
    const p = await start();
    const r = await generateText({
      model: openai(p),
      system: 'Be terse.',
      prompt: 'please repeat one two three four five six seven',
      maxRetries: 0,
    });
    expect(r.text).toBe('echo: two three four five six seven');
    expect(r.finishReason).toBe('stop');
    expect(r.usage.inputTokens).toBe(11); // 2 system words + 9 user words
    expect(r.usage.outputTokens).toBe(7);
    expect(p.requests).toHaveLength(1);
    const req = p.requests[0];
    expect(req).toMatchObject({
      wire: 'openai',
      path: '/v1/chat/completions',
      model: 'm1',
      attempt: 1,
      stream: false,
      status: 200,
      authorization: `Bearer ${KEY}`,
      messages: [
        { role: 'system', content: 'Be terse.' },
        { role: 'user', content: 'please repeat one two three four five six seven' },
      ],
    });
    expect(req.body.model).toBe('m1');
    expect(p.stats()).toMatchObject({ total: 1, byStatus: { '200': 1 } });
  });

  it('uses the answer callback: text, token counts and finish reason', async () => {
    const p = await start({ answer: (req) => ({ text: `model ${req.model} says hi`, inputTokens: 42, outputTokens: 7, finishReason: 'length' }) });
    const r = await generateText({ model: openai(p), prompt: 'x', maxRetries: 0 });
    expect(r.text).toBe('model m1 says hi');
    expect(r.usage).toMatchObject({ inputTokens: 42, outputTokens: 7, totalTokens: 49 });
    expect(r.finishReason).toBe('length');
  });

  it('streams SSE chunks to streamText, with the final usage chunk', async () => {
    const p = await start({ answer: () => 'alpha beta gamma delta' });
    const result = streamText({ model: openai(p), prompt: 'stream please', maxRetries: 0 });
    const parts: string[] = [];
    for await (const t of result.textStream) parts.push(t);
    expect(parts.join('')).toBe('alpha beta gamma delta');
    expect(parts.length).toBeGreaterThan(1);
    expect((await result.usage).outputTokens).toBe(4);
    expect(await result.finishReason).toBe('stop');
    expect(p.requests[0]).toMatchObject({ stream: true, status: 200 });
    expect(p.requests[0].body.stream_options).toEqual({ include_usage: true });
  });

  it('raw SSE ends with data: [DONE] and only sends usage when asked', async () => {
    const p = await start();
    const text = await (await post(p, '/v1/chat/completions', { ...chatBody('a b c'), stream: true })).text();
    const lines = text.split('\n\n').filter(Boolean);
    expect(lines.at(-1)).toBe('data: [DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l.replace(/^data: /, '')));
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('echo: a b c');
  });

  it('returns the real non-streaming response shape', async () => {
    const p = await start();
    const res = await post(p, '/v1/chat/completions', chatBody('hello there'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: unknown; created: unknown };
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'm1',
      choices: [{ index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
    });
    expect(typeof body.id).toBe('string');
    expect(typeof body.created).toBe('number');
  });

  it('structured output: response_format json_schema, the answer callback supplies the JSON', async () => {
    const p = await start({ answer: () => JSON.stringify({ verdict: 'pass', score: 0.9 }) });
    const r = await generateText({
      model: openai(p),
      prompt: 'grade this',
      output: Output.object({ schema: z.object({ verdict: z.string(), score: z.number() }) }),
      maxRetries: 0,
    });
    expect(r.output).toEqual({ verdict: 'pass', score: 0.9 });
    expect(p.requests[0].body.response_format.type).toBe('json_schema');
  });

  it('a forced tool choice gets a tool call whose arguments are the answer JSON', async () => {
    const p = await start({ answer: () => '{"city":"Paris"}' });
    const r = await generateText({
      model: openai(p),
      prompt: 'weather?',
      tools: { weather: tool({ description: 'get weather', inputSchema: z.object({ city: z.string() }) }) },
      toolChoice: { type: 'tool', toolName: 'weather' },
      maxRetries: 0,
    });
    expect(r.toolCalls).toHaveLength(1);
    expect(r.toolCalls[0]).toMatchObject({ toolName: 'weather', input: { city: 'Paris' } });
    expect(r.finishReason).toBe('tool-calls');
  });
});

describe('Anthropic Messages wire', () => {
  it('answers generateText; system becomes a leading system message; x-api-key is recorded', async () => {
    const p = await start();
    const r = await generateText({
      model: claude(p),
      system: 'You grade.',
      messages: [
        { role: 'user', content: 'first turn' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: [{ type: 'text', text: 'the final question' }] },
      ],
      maxRetries: 0,
    });
    expect(r.text).toBe('echo: the final question');
    expect(r.finishReason).toBe('stop');
    expect(r.usage).toMatchObject({ inputTokens: 8, outputTokens: 4 });
    expect(p.requests[0]).toMatchObject({
      wire: 'anthropic',
      path: '/v1/messages',
      model: 'claude-x',
      status: 200,
      authorization: KEY,
      stream: false,
      messages: [
        { role: 'system', content: 'You grade.' },
        { role: 'user', content: 'first turn' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'the final question' },
      ],
    });
  });

  it('streams message_start … message_stop events to streamText', async () => {
    const p = await start({ answer: () => ({ text: 'one two three', outputTokens: 3 }) });
    const result = streamText({ model: claude(p), prompt: 'go', maxRetries: 0 });
    let text = '';
    for await (const t of result.textStream) text += t;
    expect(text).toBe('one two three');
    expect((await result.usage).outputTokens).toBe(3);
    expect(await result.finishReason).toBe('stop');

    const raw = await (await post(p, '/v1/messages', { ...chatBody('hi'), max_tokens: 10, stream: true })).text();
    const events = [...raw.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('content_block_delta');
    expect(events.slice(-4)).toEqual(['content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  it('returns the real response shape', async () => {
    const p = await start();
    const res = await post(p, '/v1/messages', { ...chatBody('hi you'), system: 'sys', max_tokens: 5 });
    expect(await res.json()).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'm1',
      content: [{ type: 'text', text: 'echo: hi you' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 3 },
    });
  });

  it('structured output: output_config.format (native) and the forced json tool (tool_use block)', async () => {
    const p = await start({ answer: () => '{"label":"yes"}' });
    const schema = z.object({ label: z.string() });
    const native = await generateText({ model: claude(p), prompt: 'classify', output: Output.object({ schema }), maxRetries: 0 });
    expect(native.output).toEqual({ label: 'yes' });
    expect(p.requests[0].body.output_config?.format?.type).toBe('json_schema');

    const viaTool = await generateText({
      model: claude(p),
      prompt: 'classify',
      output: Output.object({ schema }),
      providerOptions: { anthropic: { structuredOutputMode: 'jsonTool' } },
      maxRetries: 0,
    });
    expect(viaTool.output).toEqual({ label: 'yes' });
    expect(p.requests[1].body.tools?.[0]?.name).toBe('json');
    const raw = await post(p, '/v1/messages', { ...p.requests[1].body }, { 'x-api-key': KEY });
    expect(((await raw.json()) as { content: unknown }).content).toEqual([{ type: 'tool_use', id: expect.any(String), name: 'json', input: { label: 'yes' } }]);
  });

  it('requires max_tokens and user/assistant roles (400, Anthropic error body)', async () => {
    const p = await start();
    const res = await post(p, '/v1/messages', chatBody('x'));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    const res2 = await post(p, '/v1/messages', { model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 's' }] });
    expect(res2.status).toBe(400);
  });
});

describe('other routes', () => {
  it('serves /health and /v1/models, 404s unknown paths, 400s bad JSON in each wire format', async () => {
    const p = await start({ models: ['a', 'b'] });
    expect(await (await fetch(`${p.url}/health`)).json()).toEqual({ ok: true });
    const models = await (await fetch(`${p.openaiBaseURL}/models`)).json();
    expect(models).toMatchObject({
      object: 'list',
      data: [
        { id: 'a', object: 'model' },
        { id: 'b', object: 'model' },
      ],
    });

    const nf = await post(p, '/v1/nope', {});
    expect(nf.status).toBe(404);
    expect(((await nf.json()) as OpenAIError).error.message).toMatch(/Invalid URL/);

    const bad = await post(p, '/v1/chat/completions', '{"model": "m1", ');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as OpenAIError).error.type).toBe('invalid_request_error');
    const abad = await post(p, '/v1/messages', 'not json', { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
    expect(abad.status).toBe(400);
    expect(await abad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(p.requests.map((r) => [r.wire, r.status, r.body])).toEqual([
      ['openai', 400, '{"model": "m1", '],
      ['anthropic', 400, 'not json'],
    ]);
  });

  it('close() does not wait for a request still being answered: the client sees its connection end', async () => {
    // The request is answered after 10 minutes, far beyond the test's timeout: close() resolving at all shows
    // it did not wait. The fault callback runs once the request has arrived, so it really is in flight.
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const p = await startFakeProvider({
      fault: () => {
        arrived();
        return { kind: 'slow', ms: 600_000 };
      },
    });
    const pending = post(p, '/v1/chat/completions', chatBody('x')).catch((e: unknown) => e);
    await inFlight;
    await p.close();
    expect(await pending).toBeInstanceOf(Error);
    expect(p.requests).toHaveLength(1);
    expect(p.requests[0]).toMatchObject({ fault: 'slow', status: 0 }); // no HTTP response was ever sent
  });
});
