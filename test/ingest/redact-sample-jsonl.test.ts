// Redaction (a secret never reaches any record field), segment tags, the deterministic monitor sample and the
// JSONL line format's errors (file:line and the fix).
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { isEvalspecError } from '../../src/errors.js';
import { ingestContext, parseJsonlRecords, productionRecordId, queueEntriesFor, sampled, spansToRecords, type IngestSpan } from '../../src/ingest/index.js';
import { mulberry32 } from '../../src/stats/random.js';
import { monitorSchema, productionSchema } from '../../src/suite/monitor-schema.js';
import { loadLanguageDetector } from '../../src/ingest/index.js';

// Finishing records detects the input language: the detector loads on demand, as the collector and `ingest` do.
beforeAll(() => loadLanguageDetector());

const production = productionSchema.parse({
  attributes: { 'app.plan': 'plan:{{value}}', 'app.locale': 'locale:{{value}}' },
  redact: {
    attributes: ['user.email', 'enduser.id'],
    patterns: [
      { regex: '[\\w.+-]+@[\\w-]+\\.[\\w.]+', replace: '[email]' },
      { regex: 'sk-[A-Za-z0-9]{10,}', replace: '[key]' },
    ],
  },
});
const ctx = ingestContext({ suite: { name: 'support', production } });
const EMAIL = 'jane.doe@example.com';
const KEY = 'sk-abcdefghijklmnop';

describe('redaction', () => {
  it('keeps a secret out of every field of the record (messages, output, tool args and results, attributes, conversation)', () => {
    const span: IngestSpan = {
      traceId: '1'.repeat(32),
      spanId: '2'.repeat(16),
      parentSpanId: null,
      name: 'chat',
      startTimeMs: 1_764_581_400_000,
      endTimeMs: 1_764_581_401_000,
      resourceAttributes: { 'service.name': 'bot', 'user.email': EMAIL },
      attributes: {
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o-mini',
        'gen_ai.conversation.id': `conv-${EMAIL}`,
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `I am ${EMAIL}, my key is ${KEY}` }] }]),
        'gen_ai.output.messages': [
          {
            role: 'assistant',
            parts: [
              { type: 'text', content: `Hello ${EMAIL}` },
              { type: 'tool_call', id: 'c1', name: 'lookup', arguments: { email: EMAIL } },
            ],
          },
        ],
        'enduser.id': 'u-123',
        'app.note': `contact ${EMAIL}`,
        'app.plan': 'pro',
      },
      events: [],
    };
    const tool: IngestSpan = {
      ...span,
      spanId: '3'.repeat(16),
      parentSpanId: span.spanId,
      resourceAttributes: {},
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.call.id': 'c1',
        'gen_ai.tool.name': 'lookup',
        'gen_ai.tool.call.result': `{"owner":"${EMAIL}"}`,
      },
    };
    const [record] = spansToRecords([span, tool], ctx).records;
    const everything = JSON.stringify(record);
    expect(everything).not.toContain(EMAIL);
    expect(everything).not.toContain('jane.doe');
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain('u-123');
    expect(record!.attributes).not.toHaveProperty('user.email');
    expect(record!.attributes).not.toHaveProperty('enduser.id');
    expect(record!.attributes['app.note']).toBe('contact [email]');
    expect(record!.input![0]!.content).toBe('I am [email], my key is [key]');
    expect(record!.toolCalls).toEqual([{ name: 'lookup', arguments: '{"email":"[email]"}', result: '{"owner":"[email]"}' }]);
    expect(record!.tags).toEqual(['plan:pro']);
  });
});

describe('sampling', () => {
  it('keeps each trace by the design formula: the same decision every time, per monitor', () => {
    // The design's formula, computed here from node:crypto: u = parseInt(sha256("answers\0" + id)[0..13], 16) / 2^52;
    // the trace is kept exactly for rates above u.
    for (const id of ['a'.repeat(32), '0af7651916cd43dd8448eb211c80319c']) {
      const u = parseInt(createHash('sha256').update(`answers\0${id}`).digest('hex').slice(0, 13), 16) / 2 ** 52;
      expect(sampled('answers', id, Math.min(1, u + 1e-9))).toBe(true);
      expect(sampled('answers', id, u)).toBe(false);
      expect(sampled('answers', id, u)).toBe(sampled('answers', id, u));
    }
  });

  it('keeps 10,000 seeded trace ids at rate 0.2 within 4 binomial standard deviations', () => {
    const random = mulberry32(15);
    const hex = () =>
      Math.floor(random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0');
    let kept = 0;
    for (let i = 0; i < 10_000; i++) if (sampled('answers', hex() + hex() + hex() + hex(), 0.2)) kept++;
    // Binomial(10,000, 0.2): mean 2,000, sd = sqrt(10,000 · 0.2 · 0.8) = 40 → 4 sd = 160.
    expect(Math.abs(kept - 2000)).toBeLessThanOrEqual(160);
  });

  it('queues a record for each monitor whose filter (models, tags, attributes) matches', () => {
    const [record] = parseJsonlRecords(
      JSON.stringify({
        timestamp: '2026-12-01T09:30:00Z',
        model: 'gpt-4o-mini',
        input: 'hi',
        output: 'hello',
        attributes: { 'app.plan': 'pro', 'app.tier': '2' },
      }),
      ctx,
    );
    const monitors = [
      monitorSchema.parse({ name: 'all' }),
      monitorSchema.parse({ name: 'pro-mini', filter: { models: ['gpt-4o-mini'], tags: ['plan:pro'], attributes: { 'app.tier': 2 } } }),
      monitorSchema.parse({ name: 'other-model', filter: { models: ['gpt-4o'] } }),
      monitorSchema.parse({ name: 'free', filter: { tags: ['plan:free'] } }),
    ];
    expect(queueEntriesFor(record!, monitors)).toEqual([
      { recordId: record!.id, monitor: 'all' },
      { recordId: record!.id, monitor: 'pro-mini' },
    ]);
  });
});

describe('JSONL line format', () => {
  const line = { timestamp: '2026-12-01T09:30:00Z', model: 'gpt-4o-mini', provider: 'openai', input: 'Where is my order?', output: 'Shipped.' };

  it('maps a line; re-importing the same file gives the same ids', () => {
    const text = [JSON.stringify({ ...line, usage: { input_tokens: 1000, output_tokens: 500 }, latency_ms: 800, ttft_ms: 120 }), '', JSON.stringify(line)].join(
      '\n',
    );
    const a = parseJsonlRecords(text, ctx, { file: 'logs/day.jsonl' });
    const b = parseJsonlRecords(text, ctx, { file: 'logs/day.jsonl' });
    expect(a.map((r) => r.id)).toEqual(b.map((r) => r.id));
    expect(new Set(a.map((r) => r.id)).size).toBe(2);
    expect(a[0]).toMatchObject({
      source: 'jsonl',
      input: [{ role: 'user', content: 'Where is my order?' }],
      latencyMs: 800,
      ttftMs: 120,
      endedAt: '2026-12-01T09:30:00.800Z',
    });
    expect(a[0]!.costUsd).toBeCloseTo(0.00045, 9); // same published gpt-4o-mini prices as in map-spans.test.ts
    expect(a[1]).toMatchObject({ inputTokens: null, costUsd: null, latencyMs: null });
  });

  it('prices each call at the list price in force at its start time (not at the import)', () => {
    // Claude Opus 4.6 (Anthropic's published pricing): until 2026-03-13 a request over 200K input tokens paid the
    // long-context rate, $10 / M on all input tokens → 300,000 · 10e-6 = $3.00; from then on a flat $5 / M → $1.50.
    const opus = (timestamp: string) =>
      JSON.stringify({
        timestamp,
        model: 'claude-opus-4-6',
        provider: 'anthropic',
        input: 'x',
        output: 'y',
        usage: { input_tokens: 300_000, output_tokens: 0 },
      });
    const [before, after] = parseJsonlRecords(`${opus('2026-02-01T00:00:00Z')}\n${opus('2026-04-01T00:00:00Z')}`, ctx);
    expect(before!.costUsd).toBeCloseTo(3, 9);
    expect(after!.costUsd).toBeCloseTo(1.5, 9);
  });

  it("prices the suite's own models by their price: override", () => {
    const own = ingestContext({
      suite: { name: 'support', models: [{ providerType: 'openai', modelId: 'ft:support-v3', price: { input_per_mtok: 2, output_per_mtok: 8 } }] },
    });
    const [r] = parseJsonlRecords(JSON.stringify({ ...line, model: 'ft:support-v3', usage: { input_tokens: 1000, output_tokens: 500 } }), own);
    // 1000 · 2e-6 + 500 · 8e-6 = 0.002 + 0.004 = 0.006
    expect(r!.costUsd).toBeCloseTo(0.006, 12);
  });

  it('uses given trace and span ids for the record id', () => {
    const [r] = parseJsonlRecords(JSON.stringify({ ...line, trace_id: 'AB'.repeat(16), span_id: 'cd'.repeat(8) }), ctx);
    expect(r!.id).toBe(productionRecordId('support', 'ab'.repeat(16), 'cd'.repeat(8)));
  });

  it('names file:line and the fix for each bad line, and imports nothing', () => {
    const text = [JSON.stringify(line), '{not json', JSON.stringify({ ...line, timestamp: 'yesterday' }), JSON.stringify({ ...line, modle: 'x' })].join('\n');
    let error: unknown;
    try {
      parseJsonlRecords(text, ctx, { file: 'logs/day.jsonl' });
    } catch (err) {
      error = err;
    }
    expect(isEvalspecError(error)).toBe(true);
    if (!isEvalspecError(error)) return;
    expect(error.code).toBe('INGEST_INPUT');
    expect(error.location).toMatchObject({ file: 'logs/day.jsonl', line: 2 });
    expect(error.message).toContain('3 invalid lines');
    expect(error.message).toContain('logs/day.jsonl:2: not valid JSON');
    expect(error.message).toMatch(/logs\/day\.jsonl:3: timestamp: write an ISO 8601 time/);
    expect(error.message).toMatch(/logs\/day\.jsonl:4: .*modle/);
    expect(error.hint).toContain('docs/monitoring.md');
  });
});
