// OTLP JSON details the exporters produce: AnyValue kinds (kvlist and array nesting for structured GenAI messages,
// intValue as a string, bool, double), 64-bit nanosecond times, and the content-type / encoding checks.
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpTraces, ingestContext, spansToRecords } from '../../src/ingest/index.js';
import { loadLanguageDetector } from '../../src/ingest/index.js';

// Finishing records detects the input language: the detector loads on demand, as the collector and `ingest` do.
beforeAll(() => loadLanguageDetector());

const kv = (key: string, value: unknown) => ({ key, value });
const text = (s: string) => ({ stringValue: s });
const list = (...values: unknown[]) => ({ arrayValue: { values } });
const map = (...values: unknown[]) => ({ kvlistValue: { values } });

const body = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [kv('service.name', text('bot')), kv('deployment.tier', { intValue: '3' })] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: 'AF7651916CD43DD8448EB211C80319C0',
              spanId: '53995C3F42CD8AD8',
              parentSpanId: '',
              name: 'chat gpt-4o',
              startTimeUnixNano: '1764581400123456789',
              endTimeUnixNano: '1764581400623456789',
              attributes: [
                kv('gen_ai.provider.name', text('openai')),
                kv('gen_ai.request.model', text('gpt-4o')),
                kv('gen_ai.usage.input_tokens', { intValue: '9007199254740' }),
                kv('gen_ai.request.temperature', { doubleValue: 0.2 }),
                kv('app.beta', { boolValue: true }),
                kv(
                  'gen_ai.input.messages',
                  list(map(kv('role', text('user')), kv('parts', list(map(kv('type', text('text')), kv('content', text('Hi there'))))))),
                ),
                kv(
                  'gen_ai.output.messages',
                  list(map(kv('role', text('assistant')), kv('parts', list(map(kv('type', text('text')), kv('content', text('Hello!'))))))),
                ),
                kv('traceloop.association.properties.app.plan', text('pro')),
              ],
            },
          ],
        },
      ],
    },
  ],
});

describe('decodeOtlpTraces (JSON)', () => {
  it('decodes ids (case-insensitive hex), nanosecond times and every AnyValue kind', () => {
    const [span] = decodeOtlpTraces(Buffer.from(body), 'application/json; charset=utf-8');
    expect(span).toMatchObject({ traceId: 'af7651916cd43dd8448eb211c80319c0', spanId: '53995c3f42cd8ad8', parentSpanId: null });
    // 1764581400123456789 ns = 1764581400123.456789 ms; end - start = 500 ms exactly.
    expect(span!.startTimeMs).toBeCloseTo(1764581400123.4568, 3);
    expect(span!.endTimeMs! - span!.startTimeMs!).toBeCloseTo(500, 6);
    expect(span!.attributes['gen_ai.request.temperature']).toBe(0.2);
    expect(span!.attributes['app.beta']).toBe(true);
    expect(span!.resourceAttributes['deployment.tier']).toBe(3);
  });

  it('also reads base64 ids in JSON (protobuf generic JSON mapping), and refuses ids that are neither', () => {
    const base64 = body.replace('AF7651916CD43DD8448EB211C80319C0', Buffer.from('af7651916cd43dd8448eb211c80319c0', 'hex').toString('base64'));
    expect(decodeOtlpTraces(Buffer.from(base64), 'application/json')[0]!.traceId).toBe('af7651916cd43dd8448eb211c80319c0');
    expect(() => decodeOtlpTraces(Buffer.from(body.replace('53995C3F42CD8AD8', '53995C3F42CD8AZZ')), 'application/json')).toThrow(/spanId/);
  });

  it('maps structured (kvlist) GenAI messages to the same record as their JSON-string form', () => {
    const ctx = ingestContext({ suite: { name: 's' } });
    const [record] = spansToRecords(decodeOtlpTraces(Buffer.from(body), 'application/json'), ctx).records;
    expect(record).toMatchObject({
      input: [{ role: 'user', content: 'Hi there' }],
      output: 'Hello!',
      inputTokens: 9007199254740,
      latencyMs: 500,
      attributes: { 'service.name': 'bot', 'deployment.tier': 3, 'app.beta': true, 'app.plan': 'pro' },
    });
  });

  it('names the status for each refusal', () => {
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as { status?: number }).status;
      }
      return 200;
    };
    expect(status(() => decodeOtlpTraces(Buffer.from(body), 'text/plain'))).toBe(415);
    expect(status(() => decodeOtlpTraces(Buffer.from(body), 'application/json', 'deflate'))).toBe(415);
    expect(status(() => decodeOtlpTraces(Buffer.from('{"resourceSpans": {}}'), 'application/json'))).toBe(400);
    expect(status(() => decodeOtlpTraces(Buffer.from('\x0a\xff\xff'), 'application/x-protobuf'))).toBe(400);
    expect(status(() => decodeOtlpTraces(Buffer.from(body), 'application/json', 'identity'))).toBe(200);
  });
});
