// The shipped chain example (examples/chain) through the built CLI against the loopback fake provider: a
// `function:` target that classifies a support ticket and answers it in two model steps through
// `evalspec/chain`. Two model entries of the same file differ only in the classify step's model; the test checks
// that each step is stored with its model, messages and tokens, that each step is priced at its model's
// published list price (worked below by hand), that the result's cost and tokens are the steps' sums, that a
// failing step is stored with its error while the chain goes on, and that the key never reaches the function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeProvider } from '../fake-provider/server.js';
import { KEY } from '../fake-provider/helpers.js';
import { cleanupTempDirs, runCli, tempDir, writeFiles, type CliResult } from '../helpers/cli.js';
import { CHAIN_CASES as CASES, runChainExample, startChainFake } from '../helpers/chain-example.js';
import { queryDb } from '../helpers/store.js';

// OpenAI's published list prices, USD per million tokens: gpt-4o $2.50 in / $10.00 out, gpt-4o-mini $0.15 / $0.60;
// the fake reports 60 in / 2 out for a classify step and 80 in / 40 out for an answer (helpers/chain-example.ts).
const classify4o = (60 * 2.5 + 2 * 10) / 1e6; // 0.000170
const classifyMini = (60 * 0.15 + 2 * 0.6) / 1e6; // 0.0000102
const answer4o = (80 * 2.5 + 40 * 10) / 1e6; // 0.000600

interface Row {
  case_id: string;
  variant_id: string;
  pass: number;
  output: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  transcript_json: string | null;
  error_class: string | null;
}

describe('examples/chain', () => {
  let fake: FakeProvider;
  let dir: string;
  let run: CliResult;
  let rows: Row[];
  beforeAll(async () => {
    // The rude-agent ticket is refused by the classify step (a 400, not retried): the chain goes on as "general".
    fake = await startChainFake();
    ({ dir, run } = await runChainExample(fake, ['--json', 'out.json']));
    rows = queryDb<Row>(dir, 'SELECT case_id, variant_id, pass, output, input_tokens, output_tokens, cost_usd, transcript_json, error_class FROM results');
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });
  const row = (variant: string, caseId: string) => rows.find((r) => r.variant_id === variant && r.case_id === caseId)!;
  const chainOf = (r: Row) =>
    JSON.parse(r.transcript_json!).chain as {
      name: string;
      model: string | null;
      messages?: unknown[];
      output: string;
      costUsd: number | null;
      error?: string;
      inputTokens: number | null;
    }[];

  it('runs both chains on every ticket, each step calling the model its entry names', () => {
    expect(run.exitCode, run.stderr).toBe(0);
    // Each step passes the system message the chain wrote: no SDK warning per step (src/chain.ts).
    expect(run.stderr).not.toContain('System messages');
    expect(rows).toHaveLength(2 * CASES.length);
    for (const r of rows) expect(r.error_class, `${r.variant_id} · ${r.case_id}`).toBeNull();
    const classifyModels = (variant: string) => new Set(rows.filter((r) => r.variant_id === variant).map((r) => chainOf(r)[0].model));
    expect(classifyModels('all-4o')).toEqual(new Set(['openai:gpt-4o']));
    expect(classifyModels('mini-classifier')).toEqual(new Set(['openai:gpt-4o-mini']));
    // What the provider saw: per variant, one classify call per ticket and one answer per ticket, all on gpt-4o but
    // the mini variant's classify calls; every request carried the key the worker read from OPENAI_API_KEY.
    const byModel = (model: string) => fake.requests.filter((r) => r.model === model).length;
    expect(byModel('gpt-4o-mini')).toBe(CASES.length);
    expect(byModel('gpt-4o')).toBe(CASES.length * 3);
    for (const r of fake.requests) expect(r.authorization).toBe(`Bearer ${KEY}`);
  });

  it('stores each step with its name, messages, output and tokens', () => {
    const steps = chainOf(row('mini-classifier', 'seats-added'));
    expect(steps.map((s) => [s.name, s.model, s.output])).toEqual([
      ['classify', 'openai:gpt-4o-mini', 'account'],
      ['answer', 'openai:gpt-4o', 'Thanks for writing: we are on it (account).'],
    ]);
    expect(steps[0].messages).toEqual([
      { role: 'system', content: 'Classify the support ticket as one of: billing, technical, account. Answer with the topic only.' },
      { role: 'user', content: 'We added three people to our workspace; will the plan cost more this month?' },
    ]);
    expect(steps[0].inputTokens).toBe(60);
    // The cheaper classifier misroutes it: the check fails, and the stored steps show it was the classify step.
    expect(row('mini-classifier', 'seats-added').pass).toBe(0);
    expect(row('all-4o', 'seats-added').pass).toBe(1);
  });

  it("prices each step at its model's list price and sums the steps into the result", () => {
    const r4o = row('all-4o', 'charged-twice');
    const rMini = row('mini-classifier', 'charged-twice');
    expect(chainOf(r4o).map((s) => s.costUsd)).toEqual([expect.closeTo(classify4o, 12), expect.closeTo(answer4o, 12)]);
    expect(chainOf(rMini).map((s) => s.costUsd)).toEqual([expect.closeTo(classifyMini, 12), expect.closeTo(answer4o, 12)]);
    expect(r4o.cost_usd).toBeCloseTo(classify4o + answer4o, 12); // 0.000770
    expect(rMini.cost_usd).toBeCloseTo(classifyMini + answer4o, 12); // 0.0006102
    expect([r4o.input_tokens, r4o.output_tokens]).toEqual([60 + 80, 2 + 40]);
  });

  it('stores a failing step with its error; the chain went on and its check failed', () => {
    for (const variant of ['all-4o', 'mini-classifier']) {
      const r = row(variant, 'rude-agent');
      const [classify, answerStep] = chainOf(r);
      expect(classify.error).toContain('content filtered');
      expect(classify.costUsd).toBeNull();
      expect(answerStep.output).toBe('Thanks for writing: we are on it (general).');
      expect(r.output.startsWith('[general]')).toBe(true);
      expect(r.pass).toBe(0);
      // An errored call is not billed: the result costs its answer step only.
      expect(r.cost_usd).toBeCloseTo(answer4o, 12);
    }
    // The terminal's failure lines name the steps, so the misrouting step is visible without the viewer.
    expect(run.stdout).toContain('classify [openai:gpt-4o] failed: ');
    expect(run.stdout).toContain('chain of 2 steps: classify [openai:gpt-4o-mini] "account" → answer [openai:gpt-4o]');
  });

  it('the report compares the two chains paired, on cost as on routing', () => {
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const variant = (id: string) => report.variants.find((v: { id: string }) => v.id === id);
    // all-4o fails only rude-agent (7/8); mini-classifier fails it and seats-added (6/8).
    expect(variant('all-4o').passRate).toBeCloseTo(7 / 8, 12);
    expect(variant('mini-classifier').passRate).toBeCloseTo(6 / 8, 12);
    // 7 answered classify steps + 8 answer steps per variant.
    expect(variant('all-4o').costUsd).toBeCloseTo(7 * classify4o + 8 * answer4o, 12);
    expect(variant('mini-classifier').costUsd).toBeCloseTo(7 * classifyMini + 8 * answer4o, 12);
    expect(report.comparisons.some((c: { baseline: string; variant: string }) => c.baseline === 'all-4o' && c.variant === 'mini-classifier')).toBe(true);
    expect(readFileSync(join(dir, 'out.json'), 'utf8')).not.toContain(KEY);
  });
});

describe('a function model is told the providers and its config, never a key', () => {
  afterAll(() => cleanupTempDirs());

  it('input.providers names the variable of each key; input.config is the provider config under the entry config', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: chain-input
providers:
  openai: { baseURL: "\${FAKE_URL:-http://127.0.0.1:9/v1}", config: { answer: "openai:gpt-4o", tone: plain } }
  anthropic: { apiKey: "\${MY_CLAUDE_KEY}" }
  local: { type: openai-compatible, baseURL: http://127.0.0.1:9/v1, apiKey: sk-written-out-000000 }
  fn: { type: function, config: { tone: plain } }
models:
  - { id: "fn:./spy.mjs", label: spy, config: { tone: friendly, classify: "openai:gpt-4o-mini" } }
cases: [{ id: one }]
`,
      'spy.mjs': 'export default (input) => JSON.stringify({ providers: input.providers, config: input.config });\n',
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY, MY_CLAUDE_KEY: KEY } });
    expect(result.exitCode, result.stderr).toBe(0);
    const [{ output }] = queryDb<{ output: string }>(dir, 'SELECT output FROM results');
    expect(output).not.toContain(KEY);
    expect(output).not.toContain('sk-written-out');
    const seen = JSON.parse(output);
    // The model entry's config over its own provider's (fn:); the openai provider's config is not this model's.
    expect(seen.config).toEqual({ tone: 'friendly', classify: 'openai:gpt-4o-mini' });
    expect(seen.providers).toEqual({
      openai: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', apiKeyEnv: 'OPENAI_API_KEY' },
      anthropic: { type: 'anthropic', apiKeyEnv: 'MY_CLAUDE_KEY' },
      local: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1', apiKeyWrittenOut: true },
      google: { type: 'google', apiKeyEnv: 'GOOGLE_GENERATIVE_AI_API_KEY' },
    });
  });
});
