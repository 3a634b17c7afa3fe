// The receiver driven by the real OpenTelemetry exporters (OTLP/HTTP JSON and protobuf) from an AI SDK app with
// experimental_telemetry, calling the loopback fake provider; every bad-input case of the issue; the durable ack.
import { createOpenAI } from '@ai-sdk/openai';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { generateText, streamText } from 'ai';
import http from 'node:http';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../src/ingest/index.js';
import type { ProductionRecord } from '../../src/store/production-types.js';
import { productionSchema } from '../../src/suite/monitor-schema.js';
import { useFakeProvider } from '../helpers/suite.js';

interface ProtoType {
  fromObject(o: unknown): unknown;
  encode(m: unknown): { finish(): Uint8Array };
}
const otlpRoot = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: ProtoType } } } } };
};

const ANSWER = 'Your order ships today.';
// Explicit usage so the expected token counts do not depend on how the fake provider counts words.
const fake = useFakeProvider({ answer: () => ({ text: ANSWER, inputTokens: 1000, outputTokens: 500 }) });
const production = productionSchema.parse({
  attributes: { 'app.plan': 'plan:{{value}}' },
  redact: { patterns: [{ regex: 'ORDER-\\d+', replace: '[order]' }] },
});

let collector: Collector;
const stored: ProductionRecord[][] = [];
let failSink = false;
beforeAll(async () => {
  collector = await startCollector({
    port: 0,
    suite: { name: 'support', production },
    sink: async (records) => {
      if (failSink) throw new Error('disk full');
      stored.push(records);
    },
  });
});
afterAll(() => collector.close());
beforeEach(() => {
  stored.length = 0;
  failSink = false;
});
const all = () => stored.flat();

/** An AI SDK app whose spans go through `exporter` (SimpleSpanProcessor: each span exported as it ends). */
async function app(exporter: SpanExporter, run: (tracer: ReturnType<BasicTracerProvider['getTracer']>) => Promise<unknown>): Promise<void> {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  await run(provider.getTracer('support-app'));
  await provider.forceFlush();
  await provider.shutdown();
}
const model = () => createOpenAI({ baseURL: fake.server.openaiBaseURL, apiKey: 'sk-test' }).chat('gpt-4o-mini');
const telemetry = (tracer: ReturnType<BasicTracerProvider['getTracer']>) => ({ isEnabled: true, tracer, metadata: { 'app.plan': 'pro' } });

describe('real OpenTelemetry exporters from an AI SDK app', () => {
  it('OTLP JSON: generateText → one record (the outer span adds none), acknowledged after the sink stored it', async () => {
    await app(new JsonExporter({ url: `${collector.url}/v1/traces` }), (tracer) =>
      generateText({ model: model(), prompt: 'Where is ORDER-42?', maxRetries: 0, experimental_telemetry: telemetry(tracer) }),
    );
    const records = all();
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r).toMatchObject({
      suite: 'support',
      source: 'otlp',
      provider: 'openai',
      model: 'gpt-4o-mini',
      input: [{ role: 'user', content: 'Where is [order]?' }],
      output: ANSWER,
      inputTokens: 1000,
      outputTokens: 500,
      finishReason: 'stop',
      tags: ['plan:pro'],
    });
    expect(r!.attributes).toMatchObject({ 'app.plan': 'pro', 'service.name': 'support-bot' });
    expect(r!.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(r!.latencyMs).toBeGreaterThanOrEqual(0);
    // gpt-4o-mini at $0.15 / $0.60 per M tokens: 1000·0.15e-6 + 500·0.60e-6 = 0.00045.
    expect(r!.costUsd).toBeCloseTo(0.00045, 9);
    expect(JSON.stringify(records)).not.toContain('ORDER-42');
  });

  it('OTLP protobuf, gzip: streamText → one record with time to first token', async () => {
    // CompressionAlgorithm.GZIP is 'gzip' (the enum lives in otlp-exporter-base, not a direct dependency).
    const exporter = new ProtoExporter({ url: `${collector.url}/v1/traces`, compression: 'gzip' } as ConstructorParameters<typeof ProtoExporter>[0]);
    await app(exporter, async (tracer) => {
      const result = streamText({ model: model(), prompt: 'Stream please', maxRetries: 0, experimental_telemetry: telemetry(tracer) });
      await result.consumeStream();
      await result.text;
    });
    const records = all();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ model: 'gpt-4o-mini', output: ANSWER, inputTokens: 1000, outputTokens: 500, tags: ['plan:pro'] });
    expect(records[0]!.ttftMs).not.toBeNull();
    expect(records[0]!.ttftMs!).toBeGreaterThanOrEqual(0);
  });
});

/** A protobuf ExportTraceServiceRequest with one GenAI span, encoded by the OTel project's generated encoder. */
async function protobufBody(): Promise<Uint8Array> {
  const { ExportTraceServiceRequest } = otlpRoot.opentelemetry.proto.collector.trace.v1;
  const message = ExportTraceServiceRequest.fromObject({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: Buffer.from('5b8efff798038103d269b633813fc60c', 'hex'),
                spanId: Buffer.from('00f067aa0ba902b7', 'hex'),
                name: 'chat',
                startTimeUnixNano: '1764581400000000000',
                endTimeUnixNano: '1764581401000000000',
                attributes: [
                  { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                  { key: 'gen_ai.usage.input_tokens', value: { intValue: 7 } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  return ExportTraceServiceRequest.encode(message).finish();
}

const post = (body: string | Uint8Array, headers: Record<string, string>, path = '/v1/traces', base = collector.url) =>
  fetch(`${base}${path}`, { method: 'POST', headers, body });
const genAiJson = (spanId = '00f067aa0ba902b7') =>
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bot' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId,
                name: 'chat',
                startTimeUnixNano: '1764581400000000000',
                endTimeUnixNano: '1764581401500000000',
                attributes: [
                  { key: 'gen_ai.request.model', value: { stringValue: 'gpt-4o-mini' } },
                  { key: 'gen_ai.usage.input_tokens', value: { intValue: '12' } },
                  { key: 'app.tags', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } } },
                  { key: 'gen_ai.input.messages', value: { stringValue: '[{"role":"user","parts":[{"type":"text","content":"hi"}]}]' } },
                ],
              },
              {
                traceId: '5b8efff798038103d269b633813fc60c',
                spanId: '1111111111111111',
                name: 'GET /',
                attributes: [{ key: 'http.method', value: { stringValue: 'GET' } }],
              },
            ],
          },
        ],
      },
    ],
  });

describe('OTLP JSON and gzip details', () => {
  it('reads hex ids, nanosecond strings, intValue strings and arrays; counts the non-GenAI span as ignored', async () => {
    const res = await post(gzipSync(genAiJson()), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({});
    expect(res.headers.get('x-evalspec-ignored-spans')).toBe('1');
    expect(all()).toHaveLength(1);
    expect(all()[0]).toMatchObject({
      spanId: '00f067aa0ba902b7',
      startedAt: '2025-12-01T09:30:00.000Z',
      latencyMs: 1500,
      inputTokens: 12,
      attributes: { 'app.tags': '["a",2]', 'service.name': 'bot' },
    });
  });
});

describe('spans without GenAI attributes', () => {
  it('acknowledges a batch of only HTTP spans, stores nothing and reports how many were ignored', async () => {
    const before = collector.stats().ignoredSpans;
    const onlyHttp = genAiJson().replace(/"gen_ai\.[a-z_.]+"/g, '"http.other"');
    const res = await post(onlyHttp, { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-evalspec-ignored-spans')).toBe('2');
    expect(stored).toEqual([]);
    expect(collector.stats().ignoredSpans - before).toBe(2);
  });

  it('refuses to start with an invalid redact pattern (the suite error, not a 500 later)', async () => {
    const bad = productionSchema.parse({ redact: { patterns: [{ regex: '([a-z' }] } });
    await expect(startCollector({ port: 0, suite: { name: 's', production: bad }, sink: async () => undefined })).rejects.toMatchObject({
      code: 'SUITE_SCHEMA',
    });
  });
});

describe('bad input: the right 4xx, nothing passed to the sink, the next good request still acknowledged', () => {
  const cases: [string, () => Promise<Response>, number][] = [
    ['wrong content type', () => post(genAiJson(), { 'content-type': 'text/plain' }), 415],
    ['unknown encoding', () => post(genAiJson(), { 'content-type': 'application/json', 'content-encoding': 'br' }), 415],
    ['invalid JSON', () => post('{"resourceSpans": [', { 'content-type': 'application/json' }), 400],
    ['JSON that is not an ExportTraceServiceRequest', () => post('[1, 2, 3]', { 'content-type': 'application/json' }), 400],
    [
      'a span with a malformed trace id',
      () => post(genAiJson().replace('5b8efff798038103d269b633813fc60c', 'xyz'), { 'content-type': 'application/json' }),
      400,
    ],
    // 21 MB of spaces inflate past the 20 MB limit from a ~21 kB body: refused while inflating, not after.
    ['a gzip bomb', () => post(gzipSync(Buffer.alloc(21 * 1024 * 1024, 0x20)), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 413],
    ['gzip header on a plain body', () => post(genAiJson(), { 'content-type': 'application/json', 'content-encoding': 'gzip' }), 400],
    ['truncated protobuf', async () => post((await protobufBody()).slice(0, -9), { 'content-type': 'application/x-protobuf' }), 400],
    ['GET on /v1/traces', () => fetch(`${collector.url}/v1/traces`), 405],
    ['JSONL records with a bad line', () => post('{"model": "x"}\n', { 'content-type': 'application/x-ndjson' }, '/v1/records'), 400],
  ];
  it.each(cases)('%s', async (_name, send, status) => {
    const res = await send();
    expect(res.status).toBe(status);
    const body = (await res.json()) as { message: string };
    expect(body.message.length).toBeGreaterThan(10);
    expect(stored).toEqual([]);
    const good = await post(genAiJson(), { 'content-type': 'application/json' });
    expect(good.status).toBe(200);
    expect(all()).toHaveLength(1);
  });

  it('refuses a 50 MB body with 413 from its Content-Length, and keeps serving', async () => {
    const res = await post(Buffer.alloc(50 * 1024 * 1024, 0x20), { 'content-type': 'application/json' }).catch((err: unknown) => err);
    // The collector answers before reading the body and closes the connection; the client sees the 413.
    expect(res instanceof Response ? res.status : String(res)).toBe(413);
    expect(stored).toEqual([]);
    expect((await post(genAiJson(), { 'content-type': 'application/json' })).status).toBe(200);
  });

  it('refuses a streamed (chunked) body past the limit with 413 once the limit is crossed', async () => {
    const small = await startCollector({ port: 0, suite: { name: 'support' }, maxBodyBytes: 64 * 1024, sink: async (r) => void stored.push(r) });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(`${small.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) =>
          resolve(res.statusCode ?? 0),
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        let sent = 0;
        const write = () => {
          // Keep sending (up to 50 MB) until the collector answers: it must not wait for the end of the body.
          while (sent < 50 * 1024 * 1024 && req.write(chunk)) sent += chunk.length;
          if (sent < 50 * 1024 * 1024) req.once('drain', write);
        };
        write();
      });
      expect(status).toBe(413);
      expect(stored).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('survives a sender that disconnects mid-body: nothing stored, the next batch acknowledged', async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(`${collector.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100000' } });
      req.on('error', () => resolve());
      req.write(genAiJson().slice(0, 200), () => setTimeout(() => req.destroy(), 20));
    });
    expect(stored).toEqual([]);
    expect((await post(genAiJson(), { 'content-type': 'application/json' })).status).toBe(200);
    expect(all()).toHaveLength(1);
  });

  it('acknowledges only after the sink resolved (the commit), not when the body was read', async () => {
    let committed = false;
    const slow = await startCollector({
      port: 0,
      suite: { name: 'support' },
      sink: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        committed = true;
      },
    });
    try {
      const res = await post(genAiJson(), { 'content-type': 'application/json' }, '/v1/traces', slow.url);
      // The answer's headers arrived: the commit must already have happened.
      expect(committed).toBe(true);
      expect(res.status).toBe(200);
    } finally {
      await slow.close();
    }
  });

  it('answers 503 and acknowledges nothing when the sink fails; the next batch is acknowledged', async () => {
    failSink = true;
    const res = await post(genAiJson(), { 'content-type': 'application/json' });
    expect(res.status).toBe(503);
    expect(stored).toEqual([]);
    failSink = false;
    expect((await post(genAiJson(), { 'content-type': 'application/json' })).status).toBe(200);
    expect(all()).toHaveLength(1);
  });

  it('answers the protobuf request with an empty protobuf ExportTraceServiceResponse', async () => {
    const res = await post(await protobufBody(), { 'content-type': 'application/x-protobuf' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array());
    expect(all()).toHaveLength(1);
    expect(all()[0]).toMatchObject({ traceId: '5b8efff798038103d269b633813fc60c', spanId: '00f067aa0ba902b7', inputTokens: 7, latencyMs: 1000 });
  });
});

describe('binding and tokens', () => {
  it('refuses a non-loopback host without a token', async () => {
    await expect(startCollector({ port: 0, host: '0.0.0.0', suite: { name: 's' }, sink: async () => undefined })).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('with a token: 401 without it or with a wrong one, 200 with Bearer', async () => {
    const guarded = await startCollector({ port: 0, host: '0.0.0.0', token: 'collector-secret', suite: { name: 's' }, sink: async (r) => void stored.push(r) });
    try {
      const url = `http://127.0.0.1:${guarded.port}/v1/traces`;
      const send = (authorization?: string) =>
        fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: genAiJson() });
      expect((await send()).status).toBe(401);
      expect((await send('Bearer collector-secrex')).status).toBe(401);
      expect(stored).toEqual([]);
      expect((await send('Bearer collector-secret')).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${guarded.port}/healthz`)).status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});
