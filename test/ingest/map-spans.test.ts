// Span → record mapping for each convention real traffic carries, with hand-written spans: current OTel GenAI
// (structured and JSON-string messages), the older gen_ai.prompt/completion forms, and the AI SDK's own attributes,
// including the outer span that repeats its children's usage and tool spans attached to their call.
import { beforeAll, describe, expect, it } from 'vitest';
import { CallParentMemory, ingestContext, spansToRecords, type Attributes, type IngestSpan } from '../../src/ingest/index.js';
import { loadLanguageDetector } from '../../src/ingest/index.js';

// Finishing records detects the input language: the detector loads on demand, as the collector and `ingest` do.
beforeAll(() => loadLanguageDetector());

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const T0 = Date.parse('2026-12-01T09:30:00.000Z');
const ctx = ingestContext({ suite: { name: 'support' }, now: () => new Date('2026-12-01T10:00:00Z') });

let nextId = 1;
function span(attributes: Attributes, options: Partial<IngestSpan> = {}): IngestSpan {
  return {
    traceId: TRACE,
    spanId: (nextId++).toString(16).padStart(16, '0'),
    parentSpanId: null,
    name: 'chat',
    startTimeMs: T0,
    endTimeMs: T0 + 1250,
    attributes,
    resourceAttributes: { 'service.name': 'support-bot', 'telemetry.sdk.language': 'nodejs' },
    events: [],
    ...options,
  };
}

describe('current OTel GenAI conventions', () => {
  const structuredSpan = span({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
    'gen_ai.usage.input_tokens': 1000,
    'gen_ai.usage.output_tokens': 500,
    'gen_ai.conversation.id': 'conv-7',
    'gen_ai.response.finish_reasons': ['stop'],
    'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Where is my order?' }] }],
    'gen_ai.output.messages': [
      {
        role: 'assistant',
        parts: [
          { type: 'text', content: 'It ships ' },
          { type: 'text', content: 'today.' },
        ],
        finish_reason: 'stop',
      },
    ],
    'app.plan': 'pro',
  });

  it('maps structured messages, models, tokens, cost, latency and user attributes', () => {
    const { records, ignored } = spansToRecords([structuredSpan], ctx);
    expect(ignored).toBe(0);
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r).toMatchObject({
      traceId: TRACE,
      provider: 'openai',
      model: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      input: [{ role: 'user', content: 'Where is my order?' }],
      output: 'It ships today.',
      inputTokens: 1000,
      outputTokens: 500,
      conversationId: 'conv-7',
      finishReason: 'stop',
      startedAt: '2026-12-01T09:30:00.000Z',
      latencyMs: 1250,
      ttftMs: null,
      source: 'otlp',
      attributes: { 'service.name': 'support-bot', 'app.plan': 'pro' },
    });
    // gpt-4o-mini list price (OpenAI, 2024-07): $0.15 / M input, $0.60 / M output → 1000·0.15e-6 + 500·0.60e-6 = 0.00045.
    expect(r.costUsd).toBeCloseTo(0.00045, 9);
    expect(r.id).toMatch(/^[0-9a-f]{32}$/);
    expect(r.contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads the same messages sent as JSON strings', () => {
    const asStrings = span({
      ...structuredSpan.attributes,
      'gen_ai.input.messages': JSON.stringify(structuredSpan.attributes['gen_ai.input.messages']),
      'gen_ai.output.messages': JSON.stringify(structuredSpan.attributes['gen_ai.output.messages']),
    });
    const [a] = spansToRecords([structuredSpan], ctx).records;
    const [b] = spansToRecords([asStrings], ctx).records;
    expect(b!.input).toEqual(a!.input);
    expect(b!.output).toBe(a!.output);
    expect(b!.contentHash).toBe(a!.contentHash);
  });

  it('attaches an execute_tool span to its call by tool call id', () => {
    const call = span({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.input.messages': [{ role: 'user', parts: [{ type: 'text', content: 'Weather in Paris?' }] }],
      'gen_ai.output.messages': [{ role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'weather', arguments: { city: 'Paris' } }] }],
    });
    const tool = span(
      { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'weather', 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.call.result': '{"c":18}' },
      { startTimeMs: T0 + 1300, endTimeMs: T0 + 1400 },
    );
    const { records, merged } = spansToRecords([tool, call], ctx);
    expect(records).toHaveLength(1);
    expect(merged).toBe(1);
    expect(records[0]!.toolCalls).toEqual([{ name: 'weather', arguments: '{"city":"Paris"}', result: '{"c":18}' }]);
  });

  it('does not make a second record of a wrapper span around a call span (usage counted once)', () => {
    const outer = span({
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.provider.name': 'openai',
      'gen_ai.usage.input_tokens': 10,
      'gen_ai.usage.output_tokens': 4,
    });
    const inner = span({ ...outer.attributes }, { parentSpanId: outer.spanId });
    const { records, merged } = spansToRecords([outer, inner], ctx);
    expect(records.map((r) => r.spanId)).toEqual([inner.spanId]);
    expect(merged).toBe(1);
    expect(records.reduce((s, r) => s + (r.inputTokens ?? 0), 0)).toBe(10);
  });

  it('recognises the wrapper when it arrives in a later batch than its inner call (span-by-span export)', () => {
    const outer = span({ 'gen_ai.request.model': 'gpt-4o-mini', 'gen_ai.usage.input_tokens': 10 });
    const inner = span({ ...outer.attributes }, { parentSpanId: outer.spanId });
    const memory = new CallParentMemory();
    expect(spansToRecords([inner], ctx, memory).records).toHaveLength(1);
    expect(spansToRecords([outer], ctx, memory)).toMatchObject({ records: [], merged: 1 });
  });
});

describe('older conventions', () => {
  it('reads gen_ai.system, indexed gen_ai.prompt.N / gen_ai.completion.N and prompt_tokens / completion_tokens', () => {
    const { records } = spansToRecords(
      [
        span({
          'gen_ai.system': 'anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku-latest',
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.prompt.1.content': 'Hello there',
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': 'Be brief.',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'Hi!',
          'gen_ai.usage.prompt_tokens': 12,
          'gen_ai.usage.completion_tokens': 3,
        }),
      ],
      ctx,
    );
    expect(records[0]).toMatchObject({
      provider: 'anthropic',
      model: 'claude-3-5-haiku-latest',
      input: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      output: 'Hi!',
      inputTokens: 12,
      outputTokens: 3,
    });
  });

  it('reads gen_ai.prompt / gen_ai.completion as JSON strings of messages', () => {
    const { records } = spansToRecords(
      [
        span({
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'Ping' }]),
          'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'Pong' }]),
        }),
      ],
      ctx,
    );
    expect(records[0]).toMatchObject({ input: [{ role: 'user', content: 'Ping' }], output: 'Pong', inputTokens: null, costUsd: null });
  });
});

describe('AI SDK telemetry', () => {
  const outer = span(
    {
      'ai.operationId': 'ai.streamText',
      'operation.name': 'ai.streamText',
      'ai.model.id': 'gpt-4o-mini',
      'ai.model.provider': 'openai.chat',
      'ai.usage.inputTokens': 30,
      'ai.usage.outputTokens': 9,
      'ai.response.text': 'Paris is sunny.',
      'ai.telemetry.metadata.app.plan': 'pro',
    },
    { name: 'ai.streamText', endTimeMs: T0 + 900 },
  );
  const step = (attrs: Attributes, start: number) =>
    span(
      {
        'ai.operationId': 'ai.streamText.doStream',
        'ai.model.id': 'gpt-4o-mini',
        'ai.model.provider': 'openai.chat',
        'gen_ai.system': 'openai.chat',
        'gen_ai.request.model': 'gpt-4o-mini',
        'ai.telemetry.metadata.app.plan': 'pro',
        ...attrs,
      },
      { name: 'ai.streamText.doStream', parentSpanId: outer.spanId, startTimeMs: T0 + start, endTimeMs: T0 + start + 300 },
    );
  const first = step(
    {
      'ai.prompt.messages': JSON.stringify([{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }]),
      'ai.response.text': '',
      'ai.response.toolCalls': JSON.stringify([{ toolCallId: 'call_9', toolName: 'weather', input: '{"city":"Paris"}' }]),
      'ai.response.msToFirstChunk': 42.5,
      'ai.usage.inputTokens': 20,
      'ai.usage.outputTokens': 5,
      'gen_ai.usage.input_tokens': 20,
      'gen_ai.usage.output_tokens': 5,
    },
    0,
  );
  const tool = span(
    {
      'ai.operationId': 'ai.toolCall',
      'ai.toolCall.name': 'weather',
      'ai.toolCall.id': 'call_9',
      'ai.toolCall.args': '{"city":"Paris"}',
      'ai.toolCall.result': '"sunny"',
    },
    { name: 'ai.toolCall', parentSpanId: outer.spanId, startTimeMs: T0 + 310, endTimeMs: T0 + 320 },
  );
  const second = step({ 'ai.response.text': 'Paris is sunny.', 'ai.usage.inputTokens': 10, 'ai.usage.outputTokens': 4, 'ai.response.msToFirstChunk': 17 }, 400);
  const http = span({ 'http.method': 'POST', 'http.url': 'https://api.openai.com/v1/chat/completions' }, { name: 'POST', parentSpanId: first.spanId });

  it('makes one record per doStream step, none for the outer span, and counts each step’s tokens once', () => {
    const { records, ignored, merged } = spansToRecords([http, second, tool, first, outer], ctx);
    expect(records.map((r) => r.spanId)).toEqual([first.spanId, second.spanId]);
    expect(ignored).toBe(1); // the HTTP span
    expect(merged).toBe(2); // the outer span and the tool span
    // The outer span says 30 + 9; the steps 20 + 5 and 10 + 4: the stored sum is the steps', not doubled.
    expect(records.reduce((s, r) => s + r.inputTokens!, 0)).toBe(30);
    expect(records.reduce((s, r) => s + r.outputTokens!, 0)).toBe(9);
  });

  it('maps model, provider, prompt messages, TTFT, metadata attributes and the tool call with its result', () => {
    const [r1, r2] = spansToRecords([second, tool, first, outer], ctx).records;
    expect(r1).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini',
      input: [{ role: 'user', content: 'Weather in Paris?' }],
      ttftMs: 42.5,
      attributes: { 'app.plan': 'pro', 'service.name': 'support-bot' },
      toolCalls: [{ name: 'weather', arguments: '{"city":"Paris"}', result: '"sunny"' }],
    });
    expect(r2).toMatchObject({ output: 'Paris is sunny.', ttftMs: 17, toolCalls: [] });
  });

  it('reads TTFT from the ai.stream.firstChunk event when the attribute is absent', () => {
    const withEvent = step({ 'ai.response.text': 'x' }, 0);
    withEvent.events = [{ name: 'ai.stream.firstChunk', attributes: { 'ai.response.msToFirstChunk': 8 } }];
    expect(spansToRecords([withEvent], ctx).records[0]!.ttftMs).toBe(8);
  });
});

describe('spans that are not model calls', () => {
  it('skips and counts spans without GenAI attributes; stores nothing for them', () => {
    const { records, ignored } = spansToRecords([span({ 'http.method': 'GET' }), span({ 'db.system': 'sqlite' })], ctx);
    expect(records).toEqual([]);
    expect(ignored).toBe(2);
  });
});
