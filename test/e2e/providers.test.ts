// Every kind of model a suite can name, end to end: the Anthropic Messages wire, an OpenAI-compatible
// server, `function:` (the user's own code) and `replay:` (logged outputs), plus CSV cases with tags.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { queryDb } from '../helpers/store.js';

const ANTHROPIC_KEY = 'sk-ant-test-key-000000000000000000';
const CASES = Array.from({ length: 6 }, (_, i) => ({ id: `c${i + 1}`, vars: { city: `City${i + 1}`, expected: `CITY${i + 1}` } }));
const PROMPT = `prompts:
  - id: v1
    messages:
      - { role: system, content: "Answer in capitals." }
      - { role: user, content: "Name {{city}}." }`;
const city = (req: Pick<FakeRequest, 'messages'>) => /Name (City\d+)\./.exec(req.messages.at(-1)!.content)![1];

function readReport(dir: string, file = 'out.json') {
  const raw = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const report = jsonReportSchema.parse(raw);
  const byKey = new Map<string, any>(raw.results.map((r: any) => [`${r.variantId}|${r.caseId}`, r]));
  return { raw, report, result: (variant: string, caseId: string) => byKey.get(`${variant}|${caseId}`) };
}

describe('network providers', () => {
  let anthropic: FakeProvider;
  let local: FakeProvider;
  beforeAll(async () => {
    // Anthropic answers right with fixed usage; the local server (no key) gets c5 and c6 wrong.
    anthropic = await startFakeProvider({ apiKey: ANTHROPIC_KEY, answer: (req) => ({ text: city(req).toUpperCase(), inputTokens: 11, outputTokens: 7 }) });
    local = await startFakeProvider({ answer: (req) => (/City[56]/.test(city(req)) ? 'no idea' : city(req).toUpperCase()) });
  });
  afterAll(async () => {
    await Promise.all([anthropic.close(), local.close()]);
    cleanupTempDirs();
  });

  it('Anthropic Messages and an OpenAI-compatible server, over their own wire formats', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: providers
providers:
  anthropic: { baseURL: "${anthropic.anthropicBaseURL}", apiKey: "\${ANTHROPIC_API_KEY}" }
  local: { type: openai-compatible, baseURL: "${local.openaiBaseURL}" }
models: [anthropic:claude-3-5-haiku-latest, local:llama-3.1-8b]
${PROMPT}
cases: cases.jsonl
checks: [{ type: equals, value: "{{expected}}" }]
`,
      'cases.jsonl': jsonl(CASES),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, env: { ANTHROPIC_API_KEY: ANTHROPIC_KEY } });
    expect(result.stderr).not.toContain('error[');
    expect(result.exitCode, result.stderr).toBe(0);

    // Anthropic: /v1/messages, the key in x-api-key, the system prompt as Anthropic's top-level `system`.
    expect(anthropic.requests).toHaveLength(6);
    for (const r of anthropic.requests) {
      expect(r).toMatchObject({ wire: 'anthropic', path: '/v1/messages', model: 'claude-3-5-haiku-latest', authorization: ANTHROPIC_KEY, status: 200 });
      expect(JSON.stringify(r.body.system)).toContain('Answer in capitals.');
      expect(r.body.messages.every((m: { role: string }) => m.role !== 'system')).toBe(true);
    }
    // OpenAI-compatible: Chat Completions, no key sent since none is configured.
    expect(local.requests).toHaveLength(6);
    for (const r of local.requests) {
      expect(r).toMatchObject({ wire: 'openai', path: '/v1/chat/completions', model: 'llama-3.1-8b', status: 200 });
      expect(r.authorization).toBeUndefined();
      expect(r.messages[0]).toEqual({ role: 'system', content: 'Answer in capitals.' });
    }

    const { report, result: res } = readReport(dir);
    const claude = report.variants.find((v) => v.id === 'claude-3-5-haiku-latest')!;
    const llama = report.variants.find((v) => v.id === 'llama-3.1-8b')!;
    expect([claude.passed, claude.failed, claude.errors]).toEqual([6, 0, 0]);
    expect([llama.passed, llama.failed, llama.errors]).toEqual([4, 2, 0]);
    expect(res('llama-3.1-8b', 'c5').pass).toBe(false);
    expect(res('llama-3.1-8b', 'c5').output).toBe('no idea');
    // Tokens come from Anthropic's usage; cost is the list price of Claude 3.5 Haiku ($0.80 / $4 per Mtok).
    expect(claude.tokens).toEqual({ input: 66, output: 42 });
    expect(res('claude-3-5-haiku-latest', 'c1').costUsd).toBeCloseTo((11 * 0.8 + 7 * 4) / 1e6, 12);
    expect(claude.costUsd).toBeCloseTo((6 * (11 * 0.8 + 7 * 4)) / 1e6, 12);
    // A local model has no price: its cost is unknown (null), not 0, and a warning says so.
    expect(llama.tokens.input).toBeGreaterThan(0);
    expect(llama.costUsd).toBeNull();
    expect(res('llama-3.1-8b', 'c1').costUsd).toBeNull();
    expect(result.stdout).toContain('no known price for local:llama-3.1-8b');
  });
});

describe('function: and replay: models', () => {
  afterAll(() => cleanupTempDirs());

  it('function: string and {output, costUsd} returns; a throw is a function-error result', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: functions
models:
  - function:./plain.mjs
  - { id: "function:./lib.mjs#priced", label: priced }
  - function:./broken.mjs
${PROMPT}
cases: cases.jsonl
checks: [{ type: equals, value: "{{expected}}" }]
`,
      'cases.jsonl': jsonl(CASES),
      // The function sees the case's vars and the rendered messages.
      'plain.mjs': `export default ({ vars, messages }) => messages[1].content === 'Name ' + vars.city + '.' ? vars.city.toUpperCase() : 'wrong messages';\n`,
      'lib.mjs': `export async function priced({ vars, caseId }) {
  await new Promise((r) => setTimeout(r, 5));
  return { output: caseId === 'c1' ? 'nope' : vars.city.toUpperCase(), costUsd: 0.002, inputTokens: 10, outputTokens: 3 };
}\n`,
      'broken.mjs': `export default ({ vars, caseId }) => { if (caseId === 'c2') throw new Error('boom for ' + caseId); return vars.city.toUpperCase(); };\n`,
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode, result.stderr).toBe(3); // one call is still in error
    const { raw, report, result: res } = readReport(dir);
    expect(report.status).toBe('incomplete');

    const plain = report.variants.find((v) => v.id === 'plain')!;
    expect([plain.passed, plain.failed, plain.errors]).toEqual([6, 0, 0]);
    // No tokens, no price: unknown is null, never 0.
    expect(plain.tokens).toEqual({ input: null, output: null });
    expect(plain.costUsd).toBeNull();
    for (const r of raw.results.filter((x: any) => x.variantId === 'plain')) {
      expect(r.tokens).toEqual({ input: null, output: null });
      expect(r.costUsd).toBeNull();
      expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      expect(r.cached).toBe(false);
    }

    const priced = report.variants.find((v) => v.id === 'priced')!;
    expect([priced.passed, priced.failed, priced.errors]).toEqual([5, 1, 0]);
    expect(priced.costUsd).toBeCloseTo(6 * 0.002, 12);
    expect(priced.tokens).toEqual({ input: 60, output: 18 });
    expect(res('priced', 'c2').latencyMs).toBeGreaterThanOrEqual(4);

    const broken = report.variants.find((v) => v.id === 'broken')!;
    expect([broken.passed, broken.failed, broken.errors]).toEqual([5, 0, 1]);
    expect(broken.passRate).toBeCloseTo(5 / 6, 12); // the errored result counts as not passed
    const thrown = res('broken', 'c2');
    expect(thrown.error).toEqual({ class: 'function-error', message: 'function:./broken.mjs threw: boom for c2' });
    expect(thrown.attempts).toBe(1); // the user's code is not retried
    expect([thrown.pass, thrown.output, thrown.costUsd]).toEqual([null, null, null]);
    expect(result.stdout).toContain('broken · c2: error function-error: function:./broken.mjs threw: boom for c2');
    // A second run calls functions again (never cached): same results.
    const again = await runCli(['run', 'evalspec.yaml', '--json', 'again.json'], { cwd: dir });
    expect(again.exitCode, again.stderr).toBe(3);
    expect(readReport(dir, 'again.json').raw.results.every((r: any) => r.cached === false)).toBe(true);
  });

  it('replay: logged outputs keyed by id, with logged latency and cost; a missing case is missing-output', async () => {
    const dir = tempDir();
    const log = [
      { id: 'c1', output: 'CITY1', latency_ms: 812, input_tokens: 20, output_tokens: 2, cost_usd: 0.0003 },
      { id: 'c2', output: 'CITY2', latency_ms: 9000, input_tokens: 20, output_tokens: 2, cost_usd: 0.0003 }, // too slow
      { case_id: 'c4', output: 'city 4', latency_ms: 100, input_tokens: 20, output_tokens: 3, cost_usd: 0.0004 },
      { id: 'c5', output: 'CITY5', latency_ms: 120, input_tokens: 20, output_tokens: 2, cost_usd: 0.0003 },
      { id: 'c6', output: 'CITY6', latency_ms: 130, input_tokens: 20, output_tokens: 2, cost_usd: 0.0003 },
      { id: 'not-a-case', output: 'ignored' },
    ];
    writeFiles(dir, {
      'evalspec.yaml': `name: replay
models: [replay:./logs/gpt-4.jsonl]
cases: cases.jsonl
checks:
  - { type: equals, value: "{{expected}}" }
  - { type: max-latency-ms, value: 5000 }
`,
      'cases.jsonl': jsonl(CASES),
      'logs/gpt-4.jsonl': jsonl(log),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    expect(result.stderr).not.toContain('internal error');
    expect(result.exitCode, result.stderr).toBe(3);
    const { report, result: res } = readReport(dir);
    const v = report.variants[0];
    expect(v.id).toBe('gpt-4');
    expect([v.cases, v.passed, v.failed, v.errors]).toEqual([6, 3, 2, 1]);
    expect(res('gpt-4', 'c1')).toMatchObject({ pass: true, latencyMs: 812, costUsd: 0.0003, tokens: { input: 20, output: 2 } });
    // c2's logged latency (not our replay time) fails the latency check.
    expect(res('gpt-4', 'c2').pass).toBe(false);
    expect(res('gpt-4', 'c2').checks.map((c: any) => [c.type, c.pass])).toEqual([
      ['equals', true],
      ['max-latency-ms', false],
    ]);
    expect(res('gpt-4', 'c4')).toMatchObject({ pass: false, output: 'city 4' });
    expect(res('gpt-4', 'c3').error).toEqual({ class: 'missing-output', message: 'replay:./logs/gpt-4.jsonl has no logged output for case c3' });
    expect(v.costUsd).toBeCloseTo(0.0003 * 4 + 0.0004, 12);
    expect(v.latencyMs.p50).toBe(130); // over the 5 logged latencies: 100, 120, 130, 812, 9000
  });

  it('CSV cases: vars from columns, tags split on ; and |, a JSON checks column', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: csv
models: [function:./app.mjs]
${PROMPT}
cases: cases.csv
checks: [{ type: contains, value: "{{expected}}" }]
`,
      'cases.csv': [
        'id,city,expected,tags,checks',
        'paris,Paris,PARIS,segment:eu;lang:fr,',
        '"nyc","New York, NY",NEW YORK,segment:us|big,"[{""type"":""length"",""max"":5}]"',
        'tiny,Oslo,OSLO,,',
        '',
      ].join('\n'),
      'app.mjs': 'export default ({ vars }) => vars.city.toUpperCase();\n',
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir });
    expect(result.stderr).not.toContain('error[');
    expect(result.exitCode, result.stderr).toBe(0);
    const { result: res } = readReport(dir);
    expect(res('app', 'paris')).toMatchObject({ pass: true, output: 'PARIS' });
    // The quoted comma stays in the value; the case's own length check is added to the default one.
    expect(res('app', 'nyc').output).toBe('NEW YORK, NY');
    expect(res('app', 'nyc').checks.map((c: any) => [c.type, c.pass])).toEqual([
      ['contains', true],
      ['length', false],
    ]);
    expect(res('app', 'tiny').pass).toBe(true);
    const cases = queryDb<{ case_id: string; tags_json: string; vars_json: string }>(dir, 'SELECT case_id, tags_json, vars_json FROM cases ORDER BY rowid');
    expect(cases.map((c) => [c.case_id, JSON.parse(c.tags_json)])).toEqual([
      ['paris', ['segment:eu', 'lang:fr']],
      ['nyc', ['segment:us', 'big']],
      ['tiny', []],
    ]);
    expect(JSON.parse(cases[1].vars_json)).toEqual({ city: 'New York, NY', expected: 'NEW YORK' });
  });
});
