// The response cache: an identical second run makes no HTTP request and pays nothing, with the same
// pass/fail; --no-cache calls again; repeats are distinct entries; anything that changes the output (a
// generation parameter, the prompt text) misses; and no API key is ever written to the cache.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { jsonReportSchema, type JsonReport } from '../helpers/report-schema.js';
import { countRows, dbPath, queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-cache-test-key-9876543210fedcba';
const N = 10;
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/item (\d+)/.exec(req.messages.at(-1)!.content)![1]);
/** gpt-4o-mini fails odd items. The answer carries the temperature, so a changed param is visible. */
const answer = (req: FakeRequest) => {
  const n = caseNumber(req);
  const ok = req.model === 'gpt-4o' || n % 2 === 0;
  return `${ok ? `item ${n} is fine` : 'unsure'} (t=${req.body.temperature ?? 'default'})`;
};

function suite(url: string, opts: { repeat?: number; params?: string; system?: string } = {}): string {
  return `name: cache
providers:
  openai: { baseURL: "${url}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:gpt-4o-mini, openai:gpt-4o]
prompts:
  - id: v1
    messages:
      - { role: system, content: "${opts.system ?? 'Be brief.'}" }
      - { role: user, content: "{{question}}" }
cases: cases.jsonl
checks: [{ type: contains, value: "item {{n}} is fine" }]
repeat: ${opts.repeat ?? 1}
${opts.params ? `params: ${opts.params}` : ''}
`;
}
const CASES = jsonl(Array.from({ length: N }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Check item ${i + 1}`, n: String(i + 1) } })));

describe('the response cache', () => {
  const env = { OPENAI_API_KEY: KEY };
  const fake = useFakeProvider({ apiKey: KEY, answer });

  async function run(dir: string, extra: string[] = []): Promise<{ report: JsonReport; raw: any; requests: FakeRequest[] }> {
    fake.server.reset();
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', ...extra], { cwd: dir, env });
    expect(result.stderr).not.toContain('error[');
    expect(result.exitCode, result.stderr).toBe(0);
    const raw = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    return { report: jsonReportSchema.parse(raw), raw, requests: [...fake.server.requests] };
  }
  const passes = (r: JsonReport) => r.results.map((x) => `${x.caseId}|${x.variantId}|${x.repeat}|${x.pass}`).sort();

  it('a second identical run makes 0 requests, is all cached at cost 0, with the same pass/fail; --no-cache calls again', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL), 'cases.jsonl': CASES });
    const first = await run(dir);
    expect(first.requests).toHaveLength(N * 2);
    expect(first.report.results.every((r) => r.cached === false)).toBe(true);
    const firstCost = first.report.variants.map((v) => v.costUsd);
    expect(firstCost.every((c) => c !== null && c > 0)).toBe(true);
    expect(first.report.variants.map((v) => v.passed)).toEqual([N / 2, N]);
    expect(countRows(dir, 'cache')).toBe(N * 2);

    const second = await run(dir);
    expect(second.requests).toHaveLength(0);
    expect(second.report.runId).not.toBe(first.report.runId);
    expect(second.report.results).toHaveLength(N * 2);
    expect(second.report.results.every((r) => r.cached === true && r.costUsd === 0)).toBe(true);
    expect(second.report.variants.map((v) => v.costUsd)).toEqual([0, 0]);
    expect(passes(second.report)).toEqual(passes(first.report));
    // The cached output is the original one, byte for byte.
    const outputs = (r: JsonReport) => new Map(r.results.map((x) => [`${x.caseId}|${x.variantId}`, x.output]));
    expect(outputs(second.report)).toEqual(outputs(first.report));
    expect(countRows(dir, 'cache')).toBe(N * 2);

    const third = await run(dir, ['--no-cache']);
    expect(third.requests).toHaveLength(N * 2);
    expect(third.report.results.every((r) => r.cached === false)).toBe(true);
    expect(third.report.variants.map((v) => v.costUsd)).toEqual(firstCost);
    expect(passes(third.report)).toEqual(passes(first.report));
  });

  it('repeat: 3 keeps 3 distinct entries per case and model', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, { repeat: 3 }), 'cases.jsonl': CASES });
    const first = await run(dir);
    expect(first.requests).toHaveLength(N * 2 * 3);
    // 3 requests per (case, model), each a fresh call (attempt 1, 2, 3 of the same prompt at the server).
    const perKey = new Map<string, number>();
    for (const r of first.requests) perKey.set(`${r.model}|${caseNumber(r)}`, (perKey.get(`${r.model}|${caseNumber(r)}`) ?? 0) + 1);
    expect(perKey.size).toBe(N * 2);
    expect([...perKey.values()].every((n) => n === 3)).toBe(true);
    expect(countRows(dir, 'cache')).toBe(N * 2 * 3);
    expect(first.report.results.map((r) => r.repeat).sort()).toEqual(Array.from({ length: N * 2 * 3 }, (_, i) => Math.floor(i / (N * 2))));

    const second = await run(dir);
    expect(second.requests).toHaveLength(0);
    expect(second.report.results).toHaveLength(N * 2 * 3);
    expect(second.report.results.every((r) => r.cached)).toBe(true);
    expect(passes(second.report)).toEqual(passes(first.report));
  });

  it('a changed generation parameter or prompt text misses the cache', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL), 'cases.jsonl': CASES });
    await run(dir);

    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, { params: '{ temperature: 0.5 }' }) });
    const warmer = await run(dir);
    expect(warmer.requests).toHaveLength(N * 2);
    expect(warmer.requests.every((r) => r.body.temperature === 0.5)).toBe(true);
    expect(warmer.report.results.every((r) => !r.cached && r.output!.endsWith('(t=0.5)'))).toBe(true);
    // ...and the new parameter is cached under its own key.
    expect((await run(dir)).requests).toHaveLength(0);

    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, { params: '{ temperature: 0.5 }', system: 'Be very brief.' }) });
    const reworded = await run(dir);
    expect(reworded.requests).toHaveLength(N * 2);
    expect(reworded.requests.every((r) => r.messages[0].content === 'Be very brief.')).toBe(true);
    expect(countRows(dir, 'cache')).toBe(N * 2 * 3);

    // Going back to the first version hits its entries again.
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL) });
    const back = await run(dir);
    expect(back.requests).toHaveLength(0);
    expect(back.report.results.every((r) => r.cached && r.output!.endsWith('(t=default)'))).toBe(true);
  });

  it('the store (cache table, file and WAL) holds no API key', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL), 'cases.jsonl': CASES });
    await run(dir);
    await run(dir);
    const rows = queryDb<{ key: string; response_json: string }>(dir, 'SELECT key, response_json FROM cache');
    expect(rows).toHaveLength(N * 2);
    for (const r of rows) {
      expect(r.key).toMatch(/^[0-9a-f]{64}$/);
      expect(r.response_json).not.toContain(KEY);
      expect(Object.keys(JSON.parse(r.response_json)).sort()).toEqual(['costUsd', 'finishReason', 'inputTokens', 'latencyMs', 'outputTokens', 'text']);
    }
    const files = [dbPath(dir), `${dbPath(dir)}-wal`].filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(f);
      expect(bytes.includes(Buffer.from(KEY)), f).toBe(false);
      expect(bytes.includes(Buffer.from(KEY.slice(3, 20))), f).toBe(false);
    }
    // The stored suite config keeps the placeholder, never the value.
    const config = queryDb<{ config_json: string }>(dir, 'SELECT config_json FROM runs')[0].config_json;
    expect(config).not.toContain(KEY);
  });
});
