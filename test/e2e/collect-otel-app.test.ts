// The OpenTelemetry path end to end: `evalspec collect` as a child process (the built CLI); an AI SDK app with
// experimental_telemetry and the real OTLP/HTTP exporter (BatchSpanProcessor, as docs/monitoring.md shows) calling the
// loopback fake provider; the collector stores, redacts and scores the calls; `monitor status --json` (another
// process on the same store) shows them as the monitor's samples with the pass rate the fake provider's answers give.
import { createOpenAI } from '@ai-sdk/openai';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { generateText } from 'ai';
import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

// Questions about refunds get an answer without the help link (the check fails); the others pass.
const fake = useFakeProvider({
  answer: (req) => {
    const question = req.messages.at(-1)?.content ?? '';
    return /refund/i.test(question) ? 'We are looking into it.' : 'Track it on help.example.com/orders.';
  },
});

const SUITE = `name: otel-support
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "help.example.com", metric: next-step }
production:
  attributes: { app.topic: "topic:{{value}}" }
  redact:
    attributes: [user.email]
    patterns: [{ regex: '[\\w.+-]+@[\\w-]+\\.[\\w.]+', replace: '[email]' }]
monitors:
  - name: answers
    window: 1d
    metrics: [pass_rate]
    alert: { min_samples: 1 }
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

async function startCollect(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = startCli(['collect', '--suite', 'evalspec.yaml', '--port', '0', '--status-every', '1'], { cwd: dir });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`collect did not start: ${out}`)), 20_000);
    child.stdout!.on('data', () => {
      const m = /POST (http:\/\/127\.0\.0\.1:\d+)\/v1\/traces/.exec(out);
      if (m) (clearTimeout(timer), resolve(m[1]!));
    });
    child.on('close', () => reject(new Error(`collect exited: ${out}`)));
  });
  return { child, url };
}

describe('collect + an AI SDK app with experimental_telemetry → scored samples in monitor status', () => {
  it('stores, redacts and scores each call; monitor status --json shows them', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE });
    const { child, url } = await startCollect(dir);

    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'support-bot' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${url}/v1/traces` }))],
    });
    const tracer = provider.getTracer('support-bot');
    const model = createOpenAI({ baseURL: fake.server.openaiBaseURL, apiKey: 'sk-test' }).chat('gpt-4o-mini');
    const questions = Array.from({ length: 12 }, (_, i) =>
      i % 4 === 0 ? `Can I get a refund for order ${i}? Mail me at user${i}@example.com` : `Where is my order ${i}?`,
    );
    for (const [i, prompt] of questions.entries()) {
      await generateText({
        model,
        prompt,
        maxRetries: 0,
        experimental_telemetry: {
          isEnabled: true,
          tracer,
          metadata: { 'app.topic': i % 4 === 0 ? 'billing' : 'shipping', 'user.email': `user${i}@example.com` },
        },
      });
    }
    await provider.forceFlush();
    await provider.shutdown();

    // Scoring is asynchronous to the acknowledgement: wait until the 12 scores are stored.
    const deadline = Date.now() + 30_000;
    const scored = () => queryDb<{ n: number }>(dir, 'SELECT COUNT(*) AS n FROM production_scores')[0]?.n ?? 0;
    while (scored() < 12 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(scored()).toBe(12);

    // One record per call (the AI SDK's outer ai.generateText span is not a second one), redacted before storing.
    const records = queryDb<{ model: string; input_json: string; attributes_json: string; tags_json: string; input_tokens: number | null }>(
      dir,
      'SELECT model, input_json, attributes_json, tags_json, input_tokens FROM production_records',
    );
    expect(records).toHaveLength(12);
    for (const r of records) {
      expect(r.model).toBe('gpt-4o-mini');
      expect(r.input_json).not.toMatch(/user\d+@example\.com/);
      expect(JSON.parse(r.attributes_json)).not.toHaveProperty('user.email');
      expect(r.input_tokens).toBeGreaterThan(0);
    }
    expect(records.filter((r) => r.input_json.includes('[email]'))).toHaveLength(3);
    expect(records.filter((r) => JSON.parse(r.tags_json).includes('topic:billing'))).toHaveLength(3);

    const status = await runCli(['monitor', 'status', 'evalspec.yaml', '--monitor', 'answers', '--json'], { cwd: dir });
    expect(status.exitCode, status.stderr).toBe(0);
    const json = JSON.parse(status.stdout);
    expect(json.samples).toMatchObject({ scored: 12, unscored: 0, errors: 0, queued: 0 });
    // 3 refund questions (i = 0, 4, 8) of 12 fail: 9/12 pass.
    expect(json.metrics[0].window.estimate).toBeCloseTo(9 / 12, 9);
    expect(json.metrics[0].window.n).toBe(12);
    expect(status.stdout).not.toMatch(/user\d+@example\.com/);

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('close', (c) => resolve(c)));
    expect(code).toBe(143);
  });
});
