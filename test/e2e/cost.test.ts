// Cost through the built CLI against the loopback fake provider with fixed token usage: prices and totals
// at list price, unpriced models, the --max-cost stop and its resume, the --dry-run estimate, and
// `evalspec select` with its chart-ready JSON.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { calcPrice } from '@pydantic/genai-prices';
import type { FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { countRows, queryDb } from '../helpers/store.js';
import { countMessageTokens } from '../../src/run/tokens.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-cost-test-key-0123456789';
const INPUT_TOKENS = 1000;
const OUTPUT_TOKENS = 200;
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);
/** gpt-4o answers every case; the others miss every fourth. */
const passes = (model: string, n: number): boolean => model === 'gpt-4o' || n % 4 !== 0;

/** The list cost of one call, computed from the price database's per-million prices. */
function listCost(model: string): number {
  const price = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId: 'openai' })!.model_price;
  return (INPUT_TOKENS * (price.input_mtok as number) + OUTPUT_TOKENS * (price.output_mtok as number)) / 1e6;
}

const suite = (url: string, models: string, extra = '') =>
  openAiSuite({ name: 'cost-test', url, models, checks: '[{ type: contains, value: "CODE-{{n}}" }]', extra });
const cases = (n: number) => ticketCases(n, { segments: true });

describe('cost, budget and model selection (built CLI, fake provider)', () => {
  const fake = useFakeProvider({
    apiKey: KEY,
    latencyMs: 15,
    // gpt-4o is slower: 60 ms more per call.
    fault: (req) => (req.model === 'gpt-4o' ? { kind: 'slow', ms: 60 } : undefined),
    answer: (req) => ({
      text: passes(req.model, caseNumber(req)) ? `Your code: CODE-${caseNumber(req)}` : 'Sorry.',
      inputTokens: INPUT_TOKENS,
      outputTokens: OUTPUT_TOKENS,
    }),
  });
  const env = { OPENAI_API_KEY: KEY };

  it('prices every call at list price and totals per variant, with the cost of quality', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini, openai:gpt-4o]'), 'cases.jsonl': cases(20) });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-progress'], { cwd: dir, env });
    expect(result.stderr).not.toContain('error[');
    expect(result.exitCode).toBe(0);
    const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const report = jsonReportSchema.parse(raw);
    for (const model of ['gpt-4o-mini', 'gpt-4o']) {
      const perCall = listCost(model);
      for (const r of report.results.filter((x) => x.variantId === model)) expect(r.costUsd).toBeCloseTo(perCall, 15);
      expect(report.variants.find((v) => v.id === model)!.costUsd).toBeCloseTo(20 * perCall, 12);
      const costs = raw.costs.variants.find((v: { variant: string }) => v.variant === model);
      const passed = model === 'gpt-4o' ? 20 : 15;
      expect(costs.calls).toBe(20);
      expect(costs.totalCostUsd).toBeCloseTo(20 * perCall, 12);
      expect(costs.costPerCase).toBeCloseTo(perCall, 15);
      expect(costs.costPerPass).toBeCloseTo((20 * perCall) / passed, 12);
      expect(costs.judgeCostUsd).toBe(0);
      expect(costs.latencyMs.p99).toBeGreaterThanOrEqual(costs.latencyMs.p95);
      expect(costs.latencyMs.tokensPerSecond).toBeGreaterThan(0);
    }
    // gpt-4o-mini at $0.15 / $0.60 per million: 1,000 in + 200 out = $0.00027 a call.
    expect(listCost('gpt-4o-mini')).toBeCloseTo(0.00027, 15);
    expect(raw.costs.segments.map((s: { segment: string }) => s.segment)).toEqual(['enterprise', 'smb']);
  });

  it('shows an unpriced model as unknown, names it, and keeps it off the cost frontier', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini, openai:gpt-nonexistent-9]'), 'cases.jsonl': cases(8) });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-progress'], { cwd: dir, env });
    expect(result.exitCode).toBe(0);
    const report = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')));
    const unknown = report.variants.find((v) => v.id === 'gpt-nonexistent-9')!;
    expect(unknown.costUsd).toBeNull();
    expect(report.results.filter((r) => r.variantId === 'gpt-nonexistent-9').every((r) => r.costUsd === null)).toBe(true);
    expect(result.stdout).toContain('no known price for openai:gpt-nonexistent-9');

    const runId = queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id;
    const select = await runCli(['select', runId, '--json', 'frontier.json'], { cwd: dir });
    expect(select.exitCode).toBe(0);
    expect(select.stdout).toContain('no known price for gpt-nonexistent-9');
    const chart = JSON.parse(readFileSync(join(dir, 'frontier.json'), 'utf8'));
    const point = chart.points.find((p: { variant: string }) => p.variant === 'gpt-nonexistent-9');
    expect(point).toMatchObject({ costPerCase: null, onFrontier: false });
    expect(chart.unpricedModels).toEqual(['openai:gpt-nonexistent-9']);

    // A budget cannot count an unpriced model's spend: refused before any call.
    const before = fake.server.requests.length;
    const capped = await runCli(['run', 'evalspec.yaml', '--max-cost', '1'], { cwd: dir, env });
    expect(capped.exitCode).toBe(2);
    expect(capped.stderr).toContain('no known price for gpt-nonexistent-9');
    expect(fake.server.requests.length).toBe(before);
  });

  it('--max-cost stops before the call that would pass the cap, keeps everything, and --resume finishes', async () => {
    const dir = tempDir();
    const N = 40;
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini]', 'concurrency: 4\n'), 'cases.jsonl': cases(N) });
    const perCall = listCost('gpt-4o-mini');
    const cap = 10.5 * perCall;
    fake.server.reset();
    const capped = await runCli(['run', 'evalspec.yaml', '--max-cost', String(cap), '--no-progress'], { cwd: dir, env });
    expect(capped.exitCode).toBe(3);
    expect(capped.stderr).toContain('budget reached');
    expect(capped.stderr).toContain('evalspec run --resume');
    // No call beyond the cap: exactly the 10 calls that fit, all stored.
    expect(fake.server.requests.length).toBe(10);
    expect(countRows(dir, 'results')).toBe(10);
    const spent = queryDb<{ s: number }>(dir, 'SELECT SUM(cost_usd) AS s FROM results')[0].s;
    expect(spent).toBeLessThanOrEqual(cap);
    const [run] = queryDb<{ id: string; status: string }>(dir, 'SELECT id, status FROM runs');
    expect(run.status).toBe('incomplete');

    const resumed = await runCli(['run', '--resume', run.id, '--no-progress'], { cwd: dir, env });
    expect(resumed.stderr).not.toContain('error[');
    expect(resumed.exitCode).toBe(0);
    expect(countRows(dir, 'results')).toBe(N);
    // Every case was requested exactly once over both invocations.
    const requested = fake.server.requests.map((r) => caseNumber(r));
    expect(requested).toHaveLength(N);
    expect(new Set(requested).size).toBe(N);
  });

  it('--dry-run estimates from the tokenizer and the expected output without calling, then from a previous run', async () => {
    const dir = tempDir();
    const N = 12;
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini]', 'concurrency: 4\n'), 'cases.jsonl': cases(N) });
    const before = fake.server.requests.length;
    const dry = await runCli(['run', 'evalspec.yaml', '--dry-run', '--expected-output-tokens', '100', '--json', 'estimate.json'], { cwd: dir, env });
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toContain('no provider was called');
    expect(fake.server.requests.length).toBe(before);
    expect(existsSync(join(dir, '.evalspec'))).toBe(false); // a dry run creates no store
    const estimate = JSON.parse(readFileSync(join(dir, 'estimate.json'), 'utf8'));
    const input = Array.from({ length: N }, (_, i) => countMessageTokens([{ role: 'user', content: `Ticket ${i + 1}: the code is CODE-${i + 1}.` }])).reduce(
      (a, b) => a + b,
      0,
    );
    const v = estimate.variants[0];
    expect(v.calls).toBe(N);
    expect(v.inputTokens).toBe(input);
    expect(v.outputTokens).toBe(100 * N);
    expect(v.costUsd).toBeCloseTo((input * 0.15 + 100 * N * 0.6) / 1e6, 15);
    expect(v.outputSource).toContain('--expected-output-tokens 100');

    // After a real run, the estimate uses its mean output tokens (the provider reported 200) and p50 latency.
    const real = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(real.exitCode).toBe(0);
    const again = await runCli(['run', 'evalspec.yaml', '--dry-run', '--json', 'estimate.json', '--max-cost', '0.0001'], { cwd: dir, env });
    expect(again.exitCode).toBe(0);
    const second = JSON.parse(readFileSync(join(dir, 'estimate.json'), 'utf8')).variants[0];
    expect(second.outputTokensPerCall).toBe(OUTPUT_TOKENS);
    expect(second.outputSource).toMatch(/^mean of run /);
    expect(second.latencyMsPerCall).toBeGreaterThanOrEqual(15);
    expect(second.latencySource).toMatch(/^p50 of run /);
    expect(again.stdout).toContain('exceeds --max-cost');
  });

  it('select: the frontier on cost and on p95 latency, with the chart-ready JSON', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini, openai:gpt-4o, openai:gpt-4-turbo]'), 'cases.jsonl': cases(16) });
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(run.exitCode).toBe(0);
    const select = await runCli(['select', 'latest', '--volume', '500k/day', '--json', 'frontier.json'], { cwd: dir });
    expect(select.exitCode).toBe(0);
    expect(select.stdout).toContain('Pareto frontier (quality vs cost per case), cheapest first: gpt-4o-mini → gpt-4o');
    // gpt-4-turbo passes the same cases as gpt-4o-mini at a higher price (and fewer than gpt-4o, dearer too).
    expect(select.stdout).toContain('gpt-4-turbo by gpt-4o-mini');
    expect(select.stdout).toContain('projection at 500,000 cases/day (15,208,333/month, 182,500,000/year)');
    const pointSchema = z.object({
      variant: z.string(),
      quality: z.number(),
      qualityCi: z.object({ method: z.string(), level: z.number(), low: z.number(), high: z.number() }),
      costPerCase: z.number().nullable(),
      p95LatencyMs: z.number().nullable(),
      dominatedBy: z.array(z.string()),
      onFrontier: z.boolean(),
    });
    const chart = z
      .object({ kind: z.literal('evalspec-selection'), frontier: z.array(z.string()), points: z.array(pointSchema) })
      .parse(JSON.parse(readFileSync(join(dir, 'frontier.json'), 'utf8')));
    const byId = new Map(chart.points.map((p) => [p.variant, p]));
    expect(chart.frontier).toEqual(['gpt-4o-mini', 'gpt-4o']);
    expect(byId.get('gpt-4-turbo')!.dominatedBy).toEqual(['gpt-4o-mini', 'gpt-4o']); // cheapest first
    expect(byId.get('gpt-4o-mini')!.quality).toBeCloseTo(12 / 16, 12);
    expect(byId.get('gpt-4o-mini')!.costPerCase).toBeCloseTo(listCost('gpt-4o-mini'), 15);
    expect(byId.get('gpt-4o')!.p95LatencyMs!).toBeGreaterThan(byId.get('gpt-4o-mini')!.p95LatencyMs!);

    const byLatency = await runCli(['select', 'latest', '--by', 'latency'], { cwd: dir });
    expect(byLatency.exitCode).toBe(0);
    expect(byLatency.stdout).toContain('Pareto frontier (quality vs p95 latency), fastest first: ');

    const bad = await runCli(['select', 'latest', '--within', '3'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--within');
  });
});
