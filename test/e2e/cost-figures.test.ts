// Cost figures where "$0" would be a lie, through the built CLI against the loopback fake provider: a run
// served from the cache paid $0 but its calls still have a list cost (JSON, terminal, Markdown, `runs`);
// an unpriced model whose calls all errored has an unknown cost, not $0; the progress line does not say
// "$0.0000 spent" for unpriced calls; replay: and function: variants get one note, not a price warning.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { openAiSuite, useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-cost-figures-key-0123456789';
const INPUT_TOKENS = 1000;
const OUTPUT_TOKENS = 200;
const N = 10;

/** One call of gpt-4o-mini at list price, from the price database's per-million prices. */
function listCostPerCall(): number {
  const price = calcPrice({ input_tokens: 1, output_tokens: 1 }, 'gpt-4o-mini', { providerId: 'openai' })!.model_price;
  return (INPUT_TOKENS * (price.input_mtok as number) + OUTPUT_TOKENS * (price.output_mtok as number)) / 1e6;
}

const suite = (url: string, models: string) =>
  openAiSuite({
    name: 'cost-figures',
    url,
    models,
    provider: 'timeout_ms: 5000',
    checks: '[{ type: contains, value: "fine" }]',
    extra: 'retries: { max: 0 }\n',
  });
const CASES = jsonl(Array.from({ length: N }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Is item ${i + 1} fine?` } })));

describe('cost figures: paid, list and unknown (built CLI, fake provider)', () => {
  const env = { OPENAI_API_KEY: KEY };
  const fake = useFakeProvider({
    apiKey: KEY,
    // Every call to the unknown models is refused: 400 is not retried.
    fault: (req) => (req.model.startsWith('gpt-nonexistent') || req.model === 'gpt-4o' ? { kind: '400', message: 'no such model' } : undefined),
    answer: () => ({ text: 'It is fine.', inputTokens: INPUT_TOKENS, outputTokens: OUTPUT_TOKENS }),
  });

  it('a run served from the cache paid $0 and shows the list cost of its calls beside it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-4o-mini]'), 'cases.jsonl': CASES });
    const first = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    const second = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json', '--md', 'out.md'], { cwd: dir, env });
    expect(second.exitCode, second.stderr).toBe(0);

    const perCall = listCostPerCall();
    // gpt-4o-mini at $0.15 / $0.60 per million: 1,000 in + 200 out = $0.00027 a call, $0.0027 for 10.
    expect(perCall).toBeCloseTo(0.00027, 15);
    const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const report = jsonReportSchema.parse(raw);
    expect(report.results.every((r) => r.cached)).toBe(true);
    const v = raw.variants[0];
    expect(v.costUsd).toBe(0); // paid now
    expect(v.listCostUsd).toBeCloseTo(N * perCall, 12);
    for (const r of raw.results) {
      expect(r.costUsd).toBe(0);
      expect(r.listCostUsd).toBeCloseTo(perCall, 15);
    }
    // The cost-of-quality block is at list price too.
    expect(raw.costs.variants[0].totalCostUsd).toBeCloseTo(N * perCall, 12);

    // Terminal and Markdown show both figures.
    const row = second.stdout.split('\n').find((l) => l.startsWith('gpt-4o-mini'))!;
    expect(second.stdout).toMatch(/\bpaid\b.*\blist cost\b/);
    expect(row).toMatch(/\$0\s+\$0\.00270\b/);
    const md = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(md).toContain('| paid | list cost |');
    expect(md).toContain('| $0 | $0.00270 |');

    // `runs`: the first run paid the list cost, the second paid nothing.
    const runs = await runCli(['runs'], { cwd: dir });
    expect(runs.exitCode).toBe(0);
    const lines = runs.stdout.split('\n').filter((l) => l.includes('cost-figures'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/\$0\s+\$0\.00270$/); // newest first: the cached run
    expect(lines[1]).toMatch(/\$0\.00270\s+\$0\.00270$/);
  });

  it('an unpriced model whose calls all errored has an unknown cost, not $0; a priced one paid $0', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '[openai:gpt-nonexistent-9, openai:gpt-4o]'), 'cases.jsonl': CASES });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(3); // every call errored
    const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const byId = new Map(raw.variants.map((v: { id: string }) => [v.id, v]));
    expect(byId.get('gpt-nonexistent-9')).toMatchObject({ errors: N, costUsd: null, listCostUsd: null });
    // gpt-4o has a list price: its refused calls were not billed, so $0 is a known figure.
    expect(byId.get('gpt-4o')).toMatchObject({ errors: N, costUsd: 0, listCostUsd: 0 });
    const row = result.stdout.split('\n').find((l) => l.startsWith('gpt-nonexistent-9'))!;
    expect(row).toMatch(/unknown\s+unknown/);
    expect(row).not.toContain('$0');
    expect(result.stdout).toContain('no known price for openai:gpt-nonexistent-9');
  });

  it('the progress line does not say "$0.0000 spent" for calls whose price is unknown', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: progress
models: [function:./app.mjs]
cases: cases.jsonl
checks: [{ type: contains, value: "fine" }]
`,
      'app.mjs': 'export default () => "It is fine.";\n',
      'cases.jsonl': CASES,
    });
    // Without --no-progress and without a TTY, progress prints plain lines on stderr.
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const progress = result.stderr.split('\n').filter((l) => l.startsWith('progress:'));
    expect(progress.length).toBeGreaterThan(0);
    expect(result.stderr).not.toContain('$0.0000 spent');
    expect(progress.at(-1)).toContain(`spend unknown (${N} unpriced calls)`);
  });

  it('replay: and function: variants get one note about having no list price, not a warning', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: no-price-by-nature
models: [replay:./log.jsonl, function:./app.mjs]
cases: cases.jsonl
checks: [{ type: contains, value: "fine" }]
`,
      'app.mjs': 'export default () => "It is fine.";\n',
      'log.jsonl': jsonl(Array.from({ length: N }, (_, i) => ({ id: `c${i + 1}`, output: 'fine' }))),
      'cases.jsonl': CASES,
    });
    for (let run = 0; run < 2; run++) {
      const result = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'out.json'], { cwd: dir });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stdout).not.toMatch(/warning: .*price/);
      const notes = result.stdout.split('\n').filter((l) => l.startsWith('note:'));
      expect(notes).toHaveLength(1);
      expect(notes[0]).toContain('replay:./log.jsonl, function:./app.mjs have no list price');
      const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
      expect(raw.warnings.filter((w: string) => w.includes('price'))).toEqual([]);
      expect(raw.notes).toHaveLength(1);
      expect(raw.variants.map((v: { costUsd: unknown }) => v.costUsd)).toEqual([null, null]);
    }
  });
});
