// The `steps` a `function:` model returns, without the helper, and `evalspec/chain`'s own failures, through the
// built CLI: the steps' prices (the price database, or the suite's `price:` for that model), the result's figures
// from the steps (the function's own win; unknown when a model step that answered lacks one), a malformed step as
// a function-error naming the item, and a step the helper cannot call (unknown provider, key written out, key
// variable unset) recorded with the reason while the chain goes on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { REPO, cleanupTempDirs, runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

interface Row {
  case_id: string;
  variant_id: string;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: number | null;
  error_class: string | null;
  error_message: string | null;
  transcript_json: string | null;
}
type Step = { name: string; model: string | null; costUsd: number | null; error?: string; output: string };

describe('steps returned by a function', () => {
  let fake: FakeProvider;
  let rows: Row[];
  beforeAll(async () => {
    fake = await startFakeProvider();
    const dir = tempDir();
    // Each case's vars say what the function returns.
    writeFiles(dir, {
      'evalspec.yaml': `name: chain-steps
providers:
  local: { type: openai-compatible, baseURL: "${fake.openaiBaseURL}" }
models:
  - { id: "function:./steps.mjs", label: steps }
  - { id: local:llama, price: { input_per_mtok: 1, output_per_mtok: 2 } }
cases: cases.jsonl
`,
      'steps.mjs': 'export default ({ vars }) => vars.answer;\n',
      'cases.jsonl': jsonl([
        {
          id: 'priced',
          vars: {
            answer: {
              output: 'done',
              steps: [
                { name: 'lookup', output: { rows: 2 }, latencyMs: 3 },
                {
                  name: 'draft',
                  model: 'openai:gpt-4o-mini',
                  messages: [{ role: 'user', content: 'hi' }],
                  output: 'done',
                  inputTokens: 1000,
                  outputTokens: 100,
                },
                { name: 'polish', model: 'local:llama', output: 'done', inputTokens: 1000, outputTokens: 500 },
              ],
            },
          },
        },
        {
          id: 'own-figures',
          vars: {
            answer: {
              output: 'x',
              costUsd: 0.5,
              inputTokens: 7,
              steps: [{ name: 'a', model: 'openai:gpt-4o-mini', output: 'x', inputTokens: 1000, outputTokens: 100 }],
            },
          },
        },
        { id: 'unknown-tokens', vars: { answer: { output: 'x', steps: [{ name: 'a', model: 'openai:gpt-4o-mini', output: 'x' }] } } },
        {
          id: 'reported',
          vars: { answer: { output: 'x', steps: [{ name: 'a', model: 'mystery:m1', output: 'x', inputTokens: 5, outputTokens: 5, costUsd: 0.25 }] } },
        },
        { id: 'not-a-list', vars: { answer: { output: 'x', steps: 'classify' } } },
        { id: 'no-name', vars: { answer: { output: 'x', steps: [{ model: 'openai:gpt-4o', output: 'x' }] } } },
        { id: 'bad-tokens', vars: { answer: { output: 'x', steps: [{ name: 'a', model: 'openai:gpt-4o', output: 'x', inputTokens: -1 }] } } },
      ]),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(3); // the malformed steps are errors: the run ends incomplete
    rows = queryDb<Row>(
      dir,
      "SELECT case_id, variant_id, input_tokens, output_tokens, cost_usd, error_class, error_message, transcript_json FROM results WHERE variant_id = 'steps'",
    );
  });
  afterAll(async () => {
    await fake.close();
    cleanupTempDirs();
  });
  const row = (caseId: string) => rows.find((r) => r.case_id === caseId)!;
  const steps = (caseId: string) => JSON.parse(row(caseId).transcript_json!).chain as Step[];

  it("prices each model step (the price database, or the suite's price: of that model) and sums them", () => {
    // gpt-4o-mini at $0.15 / $0.60 per million: 1000 × 0.15 + 100 × 0.60 = 210 µ$; llama at the suite's $1 / $2:
    // 1000 × 1 + 500 × 2 = 2000 µ$; the lookup called no model: no cost, and it adds nothing.
    expect(steps('priced').map((s) => [s.name, s.model, s.costUsd === null ? null : Number(s.costUsd.toFixed(10))])).toEqual([
      ['lookup', null, null],
      ['draft', 'openai:gpt-4o-mini', 0.00021],
      ['polish', 'local:llama', 0.002],
    ]);
    expect(steps('priced')[0].output).toBe('{"rows":2}');
    expect(row('priced').cost_usd).toBeCloseTo(0.00221, 12);
    expect([row('priced').input_tokens, row('priced').output_tokens]).toEqual([2000, 600]);
    expect(JSON.parse(row('priced').transcript_json!).steps).toBe(2); // model calls: what max-steps bounds
  });

  it("keeps the function's own figures, a step's reported cost, and says unknown when a model step lacks tokens", () => {
    expect([row('own-figures').cost_usd, row('own-figures').input_tokens, row('own-figures').output_tokens]).toEqual([0.5, 7, 100]);
    expect(steps('own-figures')[0].costUsd).toBeCloseTo(0.00021, 12);
    expect(steps('unknown-tokens')[0].costUsd).toBeNull();
    expect([row('unknown-tokens').cost_usd, row('unknown-tokens').input_tokens]).toEqual([null, null]);
    // A provider the suite does not know: its reported cost stands.
    expect(row('reported').cost_usd).toBe(0.25);
  });

  it('a malformed step is a function-error naming the case, the item and the field', () => {
    expect(row('not-a-list').error_class).toBe('function-error');
    expect(row('not-a-list').error_message).toContain('function:./steps.mjs (case "not-a-list") returned `steps` that is string, not a list');
    expect(row('no-name').error_message).toContain('whose item 1 has no `name`');
    expect(row('bad-tokens').error_message).toContain('whose item 1 ("a") has `inputTokens` that is not a number >= 0');
  });
});

describe('evalspec/chain, a step it cannot call', () => {
  afterAll(() => cleanupTempDirs());

  it('records why (unknown provider, key written out, key variable unset) and lets the chain go on', async () => {
    const dir = tempDir();
    // Outside the repository `evalspec/chain` is the built file itself (a user's project imports the package).
    const helper = pathToFileURL(join(REPO, 'dist/chain.js')).href;
    writeFiles(dir, {
      'evalspec.yaml': `name: chain-failures
providers:
  written: { type: openai-compatible, baseURL: http://127.0.0.1:9/v1, apiKey: sk-written-out-0000000 }
models: ["function:./chain.mjs"]
cases: [{ id: one }]
`,
      'chain.mjs': `import { createChain } from '${helper}';
export default async function (input) {
  const chain = createChain(input);
  for (const model of ['nowhere:m1', 'written:m1', 'openai:gpt-4o', 'replay:x']) {
    try {
      await chain.step(model, { model, messages: [{ role: 'user', content: 'hi' }] });
    } catch (error) {
      chain.record('caught', error.message);
    }
  }
  return chain.result('done');
}
`,
    });
    const result = await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    const [row] = queryDb<{ transcript_json: string; cost_usd: number | null }>(dir, 'SELECT transcript_json, cost_usd FROM results');
    const chain = JSON.parse(row.transcript_json).chain as Step[];
    const failed = chain.filter((s) => s.name !== 'caught');
    expect(failed.map((s) => s.error)).toEqual([
      expect.stringContaining('the suite has no network provider "nowhere" (its providers: written, openai, anthropic, google)'),
      expect.stringContaining('providers.written.apiKey is written out in the suite; write apiKey: "${SOME_VARIABLE}"'),
      expect.stringContaining('provider "openai" reads its API key from OPENAI_API_KEY, which is not set'),
      expect.stringContaining('the suite has no network provider "replay"'),
    ]);
    // What the function caught: the step named, then the reason.
    expect(chain.filter((s) => s.name === 'caught')[0].output).toMatch(/^chain step "nowhere:m1" \(nowhere:m1\) failed: the suite has no network provider/);
    // Failed steps are not billed and no step reported a cost: unknown, as for any function that reports none.
    expect(row.cost_usd).toBeNull();
  });
});
