// `evalspec collect` as a real child process (the built CLI) fed by the real OpenTelemetry protobuf exporter, batch
// after batch: killed with SIGKILL mid-stream and restarted on the same store, every batch the exporter saw
// acknowledged is stored, and once the queue drained each sampled record has exactly one score per monitor (rows
// counted, no duplicates, nothing scored that was not sampled). Ctrl-C and SIGTERM stop it cleanly (130 / 143).
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { cleanupTempDirs, startCli, tempDir, writeFiles } from '../helpers/cli.js';

const SUITE = `name: crash-support
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "order", metric: mentions-order }
  - { type: length, max: 40, unit: words }
monitors:
  - name: all
    sample: 1.0
  - name: half
    sample: 0.5
    checks: [mentions-order]
`;
const BATCHES = 60;
const SPANS_PER_BATCH = 20;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
afterAll(() => cleanupTempDirs());

/** Start `collect`, resolve with its URL once it listens (port 0: a free one). */
async function startCollect(dir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string; out: () => string; err: () => string }> {
  const child = startCli(
    ['collect', '--suite', 'evalspec.yaml', '--db', 'store.db', '--port', '0', '--lease', '2', '--status-every', '1', '--cycle-every', '1', ...extra],
    {
      cwd: dir,
    },
  );
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collect did not start: ${out}${err}`)), 20_000);
    const look = () => {
      const m = /POST (http:\/\/127\.0\.0\.1:\d+)\/v1\/traces/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    };
    child.stdout!.on('data', look);
    child.on('close', () => reject(new Error(`collect exited: ${out}${err}`)));
  });
  return { child, url, out: () => out, err: () => err };
}

/** Batch b's spans: GenAI chat spans (current semantic conventions) made by a real tracer, ids chosen by the SDK. */
function makeBatches(): ReadableSpan[][] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  const tracer = provider.getTracer('crash-app');
  const batches: ReadableSpan[][] = [];
  for (let b = 0; b < BATCHES; b++) {
    memory.reset();
    for (let i = 0; i < SPANS_PER_BATCH; i++) {
      const k = b * SPANS_PER_BATCH + i;
      const span = tracer.startSpan('chat gpt-4o-mini', {
        startTime: Date.UTC(2026, 11, 1) + k * 1000,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o-mini',
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Where is order ${k}?` }] }]),
          'gen_ai.output.messages': JSON.stringify([
            { role: 'assistant', parts: [{ type: 'text', content: k % 3 ? `Your order ${k} ships today.` : 'It ships today.' }] },
          ]),
          'gen_ai.usage.input_tokens': 12,
          'gen_ai.usage.output_tokens': 6,
        },
      });
      span.end(Date.UTC(2026, 11, 1) + k * 1000 + 400);
    }
    batches.push([...memory.getFinishedSpans()]);
  }
  return batches;
}

const recordId = (suite: string, traceId: string, spanId: string) => createHash('sha256').update(`${suite}\0${traceId}\0${spanId}`).digest('hex').slice(0, 32);
// The design's sampling rule, restated: keep when the first 13 hex digits of sha256(monitor \0 traceId) / 2^52 < rate.
const kept = (monitor: string, traceId: string, rate: number) =>
  parseInt(createHash('sha256').update(`${monitor}\0${traceId}`).digest('hex').slice(0, 13), 16) / 2 ** 52 < rate;

function exportBatch(exporter: OTLPTraceExporter, spans: ReadableSpan[]): Promise<boolean> {
  return new Promise((resolve) => exporter.export(spans, (result) => resolve(result.code === 0 /* ExportResultCode.SUCCESS */)));
}

async function waitFor(test: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!test()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function query<T>(dir: string, sql: string): T[] {
  const db = new Database(join(dir, 'store.db'), { readonly: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

describe('evalspec collect: crash safety', () => {
  it('kill -9 mid-stream, restart: every acknowledged record stored, each sampled record scored exactly once per monitor', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const batches = makeBatches();
    const first = await startCollect(dir);
    const exporter = new OTLPTraceExporter({ url: `${first.url}/v1/traces`, timeoutMillis: 2000 });
    const acked: ReadableSpan[] = [];
    const exited = once(first.child, 'close');
    // Four exports in flight at a time; the collector is killed once a third of the batches were acknowledged.
    let next = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < BATCHES) {
          const spans = batches[next++]!;
          if (await exportBatch(exporter, spans)) acked.push(...spans);
          if (!killed && acked.length >= (BATCHES / 3) * SPANS_PER_BATCH) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      }),
    );
    await exporter.shutdown();
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    expect(acked.length).toBeGreaterThanOrEqual((BATCHES / 3) * SPANS_PER_BATCH);
    expect(acked.length).toBeLessThan(BATCHES * SPANS_PER_BATCH);

    // Every acknowledged span is a stored record, right after the kill (before any restart).
    const stored = new Set(query<{ id: string }>(dir, 'SELECT id FROM production_records').map((r) => r.id));
    const ackedIds = acked.map((s) => recordId('crash-support', s.spanContext().traceId, s.spanContext().spanId));
    expect(ackedIds.filter((id) => !stored.has(id))).toEqual([]);

    // Restart on the same store: the claims of the killed scorer expire (--lease 2) and the queue drains.
    const second = await startCollect(dir);
    await waitFor(() => query<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM production_queue')[0]!.n === 0, 'the queue to drain');
    second.child.kill('SIGINT');
    const [code2] = await once(second.child, 'close');
    expect(code2, second.err()).toBe(130);

    const records = query<{ id: string; trace_id: string }>(dir, 'SELECT id, trace_id FROM production_records');
    expect(records.length).toBe(stored.size);
    const scores = query<{ record_id: string; monitor: string; n: number }>(
      dir,
      'SELECT record_id, monitor, COUNT(*) AS n FROM production_scores GROUP BY record_id, monitor',
    );
    expect(scores.filter((s) => s.n !== 1)).toEqual([]);
    const scored = new Set(scores.map((s) => `${s.record_id}|${s.monitor}`));
    const expected = new Set(records.flatMap((r) => [`${r.id}|all`, ...(kept('half', r.trace_id, 0.5) ? [`${r.id}|half`] : [])]));
    expect([...scored].sort()).toEqual([...expected].sort());
    // The sample of "half" is neither empty nor everything (about 50% of the traces).
    const half = [...scored].filter((k) => k.endsWith('|half')).length;
    expect(half).toBeGreaterThan(0);
    expect(half).toBeLessThan(records.length);
  });

  it('Ctrl-C exits 130 and SIGTERM 143, each with the final counts', async () => {
    for (const [sig, exit] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      const dir = tempDir();
      writeFiles(dir, { 'evalspec.yaml': SUITE });
      const c = await startCollect(dir);
      const exporter = new OTLPTraceExporter({ url: `${c.url}/v1/traces` });
      const spans = makeBatches()[0]!;
      expect(await exportBatch(exporter, spans)).toBe(true);
      await exporter.shutdown();
      // Each span is its own trace: "all" scores the 20, "half" those its sample keeps.
      const expected = 20 + spans.filter((s) => kept('half', s.spanContext().traceId, 0.5)).length;
      await waitFor(() => c.out().includes(`scored ${expected}\n`), 'the batch to be scored');
      await new Promise((r) => setTimeout(r, 1500)); // at least one monitor cycle over the scored records
      c.child.kill(sig);
      const [code] = await once(c.child, 'close');
      expect(code, c.err()).toBe(exit);
      expect(c.out()).toMatch(/stopped: received 20, stored 20, duplicates 0, ignored spans 0, rejected 0, queued 0, scored \d+\n/);
      expect(c.out()).toContain(`stopped: received 20, stored 20, duplicates 0, ignored spans 0, rejected 0, queued 0, scored ${expected}\n`);
      // The monitor cycle (alerts) ran every second beside ingest and scoring without failing.
      expect(c.err()).not.toMatch(/error|internal|cycle failed/);
    }
  });
});
