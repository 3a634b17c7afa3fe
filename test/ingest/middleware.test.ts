// The AI SDK middleware against the loopback fake provider, posting to the real receiver: one record per call
// (generate and stream, TTFT for streams), and a collector that is down never fails the user's call.
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, streamText, wrapLanguageModel } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { evalspecMiddleware, startCollector, type Collector } from '../../src/ingest/index.js';
import type { ProductionRecord } from '../../src/store/production-types.js';
import { productionSchema } from '../../src/suite/monitor-schema.js';
import { useFakeProvider } from '../helpers/suite.js';

const ANSWER = 'Refunds take five days.';
const fake = useFakeProvider({ answer: () => ({ text: ANSWER, inputTokens: 40, outputTokens: 6 }) });
const production = productionSchema.parse({
  attributes: { 'app.plan': 'plan:{{value}}' },
  redact: { patterns: [{ regex: 'card \\d{4}', replace: 'card [card]' }] },
});

let collector: Collector;
const stored: ProductionRecord[] = [];
beforeAll(async () => {
  collector = await startCollector({
    port: 0,
    token: 'mw-token',
    suite: { name: 'support', production },
    sink: async (records) => void stored.push(...records),
  });
});
afterAll(() => collector.close());
beforeEach(() => {
  stored.length = 0;
});

const base = () => createOpenAI({ baseURL: fake.server.openaiBaseURL, apiKey: 'sk-test' }).chat('gpt-4o-mini');

describe('evalspecMiddleware', () => {
  it('records a generateText call: prompt, answer, tokens, latency, attributes (redacted and tagged by the collector)', async () => {
    const middleware = evalspecMiddleware({ endpoint: collector.url, token: 'mw-token', attributes: { 'app.plan': 'pro' } });
    const { text } = await generateText({
      model: wrapLanguageModel({ model: base(), middleware }),
      system: 'You are support.',
      prompt: 'My card 1234 was charged twice',
      maxRetries: 0,
    });
    expect(text).toBe(ANSWER);
    await middleware.flush();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      source: 'middleware',
      provider: 'openai',
      model: 'gpt-4o-mini',
      input: [
        { role: 'system', content: 'You are support.' },
        { role: 'user', content: 'My card [card] was charged twice' },
      ],
      output: ANSWER,
      inputTokens: 40,
      outputTokens: 6,
      finishReason: 'stop',
      ttftMs: null,
      tags: ['plan:pro'],
      attributes: { 'app.plan': 'pro' },
    });
    expect(stored[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('records a streamText call once the stream ends, with time to first token', async () => {
    const middleware = evalspecMiddleware({ endpoint: `${collector.url}/v1/records`, token: 'mw-token' });
    const result = streamText({ model: wrapLanguageModel({ model: base(), middleware }), prompt: 'Refund timing?', maxRetries: 0 });
    expect(await result.text).toBe(ANSWER);
    await middleware.flush();
    expect(stored).toHaveLength(1);
    const [r] = stored;
    expect(r).toMatchObject({ output: ANSWER, inputTokens: 40, outputTokens: 6, input: [{ role: 'user', content: 'Refund timing?' }] });
    expect(r!.ttftMs).not.toBeNull();
    expect(r!.ttftMs!).toBeGreaterThanOrEqual(0);
    expect(r!.ttftMs!).toBeLessThanOrEqual(r!.latencyMs!);
  });

  it('two identical calls are two records', async () => {
    const middleware = evalspecMiddleware({ endpoint: collector.url, token: 'mw-token' });
    const model = wrapLanguageModel({ model: base(), middleware });
    await generateText({ model, prompt: 'same', maxRetries: 0 });
    await generateText({ model, prompt: 'same', maxRetries: 0 });
    await middleware.flush();
    expect(new Set(stored.map((r) => r.id)).size).toBe(2);
  });

  it('never fails the call when the collector refuses or is unreachable; onError is told', async () => {
    const errors: unknown[] = [];
    const refused = evalspecMiddleware({ endpoint: collector.url, token: 'wrong', onError: (e) => errors.push(e) });
    const { text } = await generateText({ model: wrapLanguageModel({ model: base(), middleware: refused }), prompt: 'hello', maxRetries: 0 });
    expect(text).toBe(ANSWER);
    await refused.flush();
    expect(String(errors[0])).toContain('401');

    const closed = await startCollector({ port: 0, suite: { name: 'support' }, sink: async () => undefined });
    const url = closed.url;
    await closed.close();
    const down = evalspecMiddleware({
      endpoint: url,
      onError: () => {
        throw new Error('a throwing onError must not reach the call either');
      },
    });
    const streamed = streamText({ model: wrapLanguageModel({ model: base(), middleware: down }), prompt: 'hello', maxRetries: 0 });
    expect(await streamed.text).toBe(ANSWER);
    await down.flush();
    expect(stored).toEqual([]);
  });
});
