// --max-cost and --dry-run count LLM judges (built CLI, fake provider): every judge call reserves against the
// same budget before it starts, so the spend at the provider stays within the cap; a judge left out by the
// budget is judged by --resume; and the dry-run estimate has a line per judge in its total.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { calcPrice } from '@pydantic/genai-prices';
import type { FakeRequest } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { countRows, queryDb } from '../helpers/store.js';
import { schemaNameOf } from '../judges/helpers.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-judge-budget-0123456789';
const caseNumber = (text: string): number => Number(/Ticket (\d+):/.exec(text)![1]);
const isJudge = (req: FakeRequest) => schemaNameOf(req) !== undefined;

/** List price of one call from the price database (USD per million tokens). */
function listCost(model: string, input: number, output: number): number {
  const price = calcPrice({ input_tokens: 1, output_tokens: 1 }, model, { providerId: 'openai' })!.model_price;
  return (input * (price.input_mtok as number) + output * (price.output_mtok as number)) / 1e6;
}
// What the fake provider reports: 1,000 + 200 tokens a model call, 500 + 50 a judge call.
const MODEL_CALL = listCost('gpt-4o-mini', 1000, 200);
const JUDGE_CALL = listCost('gpt-4o', 500, 50);

const SUITE = (url: string, models = '[openai:gpt-4o-mini]', extraChecks = '') =>
  openAiSuite({
    name: 'judged-budget',
    url,
    models,
    extra: `concurrency: 4
retries: { max: 0 }
checks:
  - { type: judge, judge: openai:gpt-4o, rubric: "The answer gives the ticket's code." }
${extraChecks}`,
  });
const cases = (n: number) => ticketCases(n, { numbered: false });

describe('judges inside --max-cost and --dry-run', () => {
  const env = { OPENAI_API_KEY: KEY };
  const fake = useFakeProvider({
    apiKey: KEY,
    latencyMs: 20,
    answer: (req) => {
      if (schemaNameOf(req) === 'judge_verdict')
        return { text: JSON.stringify({ reasoning: 'gives the code', verdict: 'pass', score: 1 }), inputTokens: 500, outputTokens: 50 };
      if (isJudge(req)) return { text: JSON.stringify({ reasoning: 'same', winner: 'tie' }), inputTokens: 500, outputTokens: 50 };
      return { text: `Your code: CODE-${caseNumber(req.messages.at(-1)!.content)}`, inputTokens: 1000, outputTokens: 200 };
    },
  });
  afterEach(() => fake.server.reset());

  it('judge calls reserve against --max-cost: the spend at the provider stays within the cap; --resume judges the rest', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.server.openaiBaseURL), 'cases.jsonl': cases(20) });
    // Room for about two judged results (each $0.00027 + $0.00175); four workers start at once.
    const cap = 0.005;
    const capped = await runCli(['run', 'evalspec.yaml', '--max-cost', String(cap), '--no-progress'], { cwd: dir, env });
    expect(capped.exitCode, capped.stderr).toBe(3);
    expect(capped.stderr).toContain('budget reached');
    const answered = fake.server.requests.filter((r) => r.status === 200);
    const judgeCalls = answered.filter(isJudge).length;
    const modelCalls = answered.length - judgeCalls;
    expect(judgeCalls).toBeGreaterThan(0);
    // What the provider would bill, from its own request log: within the cap (each reservation of a judge call
    // assumes 256 output tokens and the tokenizer-counted prompt, more than the 50 + 500 it reports here).
    expect(modelCalls * MODEL_CALL + judgeCalls * JUDGE_CALL).toBeLessThanOrEqual(cap);
    // The spend the run states and stores agrees with the provider's log.
    const spent = Number(/this run spent \$([0-9.]+)/.exec(capped.stderr)![1]);
    expect(spent).toBeCloseTo(modelCalls * MODEL_CALL + judgeCalls * JUDGE_CALL, 4);
    const stored = queryDb<{ cost_usd: number; checks_json: string }>(dir, 'SELECT cost_usd, checks_json FROM results');
    const storedSpend = stored.reduce(
      (s, r) => s + r.cost_usd + JSON.parse(r.checks_json).reduce((t: number, c: { judgeCostUsd?: number }) => t + (c.judgeCostUsd ?? 0), 0),
      0,
    );
    expect(storedSpend).toBeCloseTo(modelCalls * MODEL_CALL + judgeCalls * JUDGE_CALL, 12);
    // A result whose judge did not fit is stored as a judge-error that says why.
    const refused = queryDb<{ error_message: string }>(dir, "SELECT error_message FROM results WHERE error_class = 'judge-error'");
    for (const r of refused) expect(r.error_message).toContain('--max-cost budget is reached');
    const [run] = queryDb<{ id: string; status: string }>(dir, 'SELECT id, status FROM runs');
    expect(run.status).toBe('incomplete');

    const resumed = await runCli(['run', '--resume', run.id, '--no-progress'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(countRows(dir, 'results', 'WHERE error_class IS NULL AND pass = 1')).toBe(20);
    // Each case's model call and judge call made once over both invocations (the cache serves a refused result's answer).
    const all = fake.server.requests.filter((r) => r.status === 200);
    expect(all.filter((r) => !isJudge(r))).toHaveLength(20);
    expect(all.filter(isJudge)).toHaveLength(20);
  });

  it('--dry-run counts the judge calls (pairwise in both orders, against the other variant) in its estimate and budget', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': SUITE(
        fake.server.openaiBaseURL,
        '[openai:gpt-4o-mini, openai:gpt-4.1-mini]',
        '  - { type: pairwise, judge: openai:gpt-4o, against: gpt-4o-mini }\n',
      ),
      'cases.jsonl': cases(20),
    });
    const first = await runCli(['run', 'evalspec.yaml', '--dry-run', '--json', 'estimate.json'], { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(0);
    const estimate = JSON.parse(readFileSync(join(dir, 'estimate.json'), 'utf8'));
    // judge check: 20 cases × 2 variants = 40 calls; pairwise against gpt-4o-mini: only gpt-4.1-mini's 20
    // results, each asked in both orders = 40 calls.
    expect(estimate.judges).toHaveLength(1);
    const judge = estimate.judges[0];
    expect(judge.model).toBe('openai:gpt-4o');
    expect(judge.calls).toBe(80);
    expect(judge.outputTokens).toBe(80 * 256);
    // Each judge prompt holds the stand-in output (256 tokens) and more.
    expect(judge.inputTokens).toBeGreaterThan(80 * 256);
    const models = estimate.variants.reduce((s: number, v: { costUsd: number }) => s + v.costUsd, 0);
    expect(judge.costUsd).toBeCloseTo(listCost('gpt-4o', judge.inputTokens, judge.outputTokens), 12);
    expect(estimate.costUsd).toBeCloseTo(models + judge.costUsd, 12);
    expect(first.stdout).toMatch(/judge openai:gpt-4o\s+80/);

    // A cap that the models' calls alone would fit: with the judges, the estimate exceeds it.
    const cap = (models * 1.01).toFixed(6);
    const capped = await runCli(['run', 'evalspec.yaml', '--dry-run', '--max-cost', cap], { cwd: dir, env });
    expect(capped.exitCode).toBe(0);
    expect(capped.stdout).toContain(`the estimate exceeds --max-cost`);
    expect(capped.stdout).not.toContain('fits within');
  });
});
