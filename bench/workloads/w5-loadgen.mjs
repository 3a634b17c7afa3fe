// W5's load generator (a process of its own, so its CPU is not the collector's): OTLP/HTTP protobuf requests of
// SPANS_PER_REQUEST GenAI chat spans each, encoded once with the OpenTelemetry project's generated protobuf code
// (@opentelemetry/otlp-transformer), then sent INFLIGHT at a time with fresh trace ids patched into the encoded bytes
// (16-byte ids at fixed offsets), so every span is a new record and the generator spends almost nothing per request.
// Open loop at RATE spans/s (request r is due at r × SPANS_PER_REQUEST / RATE s, sent then, or as soon as one of the
// INFLIGHT connections is free when the collector falls behind); RATE 0: closed loop, as fast as acknowledged.
// Usage: node w5-loadgen.mjs URL TOTAL_SPANS [SPANS_PER_REQUEST=100] [INFLIGHT=8] [RATE=0] → one JSON line of figures.
import http from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const root = require('@opentelemetry/otlp-transformer/build/src/generated/root.js');
const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;

const PLANS = ['free', 'pro', 'team', 'enterprise'];
const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: value } });
const T0 = BigInt(Date.now()) * 1_000_000n;
/** Spans 100 µs apart (10,000 spans/s): request r's span i starts at T0 + (r × PER + i) × 100 µs, as live traffic is in time order. */
const SPAN_GAP_NS = 100_000n;
const le64 = (value) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
};

/** One request's template: PER spans with random ids; the trace ids' offsets in the encoding are found afterwards. */
export function template(PER) {
  const traceIds = [];
  const starts = [];
  const spans = [];
  for (let i = 0; i < PER; i++) {
    const traceId = randomBytes(16);
    traceIds.push(traceId);
    const start = T0 + BigInt(i) * SPAN_GAP_NS;
    starts.push(start);
    const plan = PLANS[i % 4];
    spans.push({
      traceId,
      spanId: randomBytes(8),
      name: 'chat gpt-4o-mini',
      kind: 3,
      startTimeUnixNano: String(start),
      endTimeUnixNano: String(start + 850_000_000n),
      attributes: [
        str('gen_ai.operation.name', 'chat'),
        str('gen_ai.provider.name', 'openai'),
        str('gen_ai.request.model', 'gpt-4o-mini'),
        str('gen_ai.response.model', 'gpt-4o-mini-2024-07-18'),
        str(
          'gen_ai.input.messages',
          JSON.stringify([
            { role: 'system', parts: [{ type: 'text', content: 'You are a support assistant for an online shop. Answer in two sentences at most.' }] },
            {
              role: 'user',
              parts: [{ type: 'text', content: `Ticket ${i}: my order has not arrived and tracking shows no update since Monday. What can I do?` }],
            },
          ]),
        ),
        str(
          'gen_ai.output.messages',
          JSON.stringify([
            {
              role: 'assistant',
              parts: [
                {
                  type: 'text',
                  content:
                    i % 10 === 0
                      ? "I'm sorry, I can't help with that."
                      : `Sorry about the delay with your order. If tracking has not moved by Friday, reply here and we will send a replacement or refund you in full.`,
                },
              ],
              finish_reason: 'stop',
            },
          ]),
        ),
        int('gen_ai.usage.input_tokens', 60),
        int('gen_ai.usage.output_tokens', 55),
        { key: 'gen_ai.response.finish_reasons', value: { arrayValue: { values: [{ stringValue: 'stop' }] } } },
        str('app.plan', plan),
        str('app.locale', i % 3 === 0 ? 'fr' : 'en'),
        str('app.feature', 'support'),
      ],
      status: { code: 1 },
    });
  }
  const message = Request.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'support-bot'), str('telemetry.sdk.language', 'nodejs')] },
        scopeSpans: [{ scope: { name: 'ai', version: '6.0.0' }, spans }],
      },
    ],
  });
  const bytes = Buffer.from(Request.encode(message).finish());
  const offsets = traceIds.map((id) => bytes.indexOf(id));
  if (offsets.some((o) => o < 0)) throw new Error('trace id not found in the encoding');
  // The start and end times (fixed64, little-endian) of each span, patched per request by timesAt().
  const times = starts.flatMap((start) => [
    [bytes.indexOf(le64(start)), start],
    [bytes.indexOf(le64(start + 850_000_000n)), start + 850_000_000n],
  ]);
  if (times.some(([o]) => o < 0)) throw new Error('span time not found in the encoding');
  return { bytes, offsets, times, per: PER };
}

/** Request r's body: the template with fresh trace ids (the first 8 bytes of each replaced by r) and its spans' times. */
export function requestBody({ bytes, offsets, times, per }, r) {
  const out = Buffer.from(bytes);
  for (const o of offsets) out.writeBigUInt64BE(BigInt(r) + 1n, o);
  const shift = BigInt(r) * BigInt(per) * SPAN_GAP_NS;
  for (const [o, value] of times) out.writeBigUInt64LE(value + shift, o);
  return out;
}

if (import.meta.url !== pathToFileURL(process.argv[1]).href) {
  // Imported (a profile of the collector's decode and map steps): the template only.
} else await main();

async function main() {
  const [url, totalArg, perArg = '100', inflightArg = '8', rateArg = '0'] = process.argv.slice(2);
  const RATE = Number(rateArg);
  const TOTAL = Number(totalArg);
  const PER = Number(perArg);
  const INFLIGHT = Number(inflightArg);
  const request = template(PER);
  const agent = new http.Agent({ keepAlive: true, maxSockets: INFLIGHT });
  const target = new URL('/v1/traces', url);

  const body = (r) => requestBody(request, r);

  function post(buf) {
    return new Promise((resolve) => {
      const req = http.request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf', 'content-length': buf.length } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        },
      );
      req.on('error', () => resolve(0));
      req.end(buf);
    });
  }

  const requests = Math.ceil(TOTAL / PER);
  const latencies = new Float64Array(requests);
  let next = 0;
  let acked = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: INFLIGHT }, async () => {
      while (next < requests) {
        const r = next++;
        const buf = body(r);
        if (RATE > 0) {
          const due = t0 + (r * PER * 1000) / RATE;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
        }
        const start = performance.now();
        const status = await post(buf);
        latencies[r] = performance.now() - start;
        if (status === 200) acked += PER;
        else failed++;
      }
    }),
  );
  const wallS = (performance.now() - t0) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  agent.destroy();
  console.log(
    JSON.stringify({
      rate: RATE,
      requests,
      acked,
      failed,
      wallS,
      spansPerS: acked / wallS,
      p50Ms: q(0.5),
      p99Ms: q(0.99),
      maxMs: sorted.at(-1),
      // Which requests were slowest (their index in send order): start-up stalls and periodic ones look different.
      slowest: Array.from(latencies, (ms, r) => [r, Math.round(ms)])
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12),
      bodyBytes: request.bytes.length,
    }),
  );
}
