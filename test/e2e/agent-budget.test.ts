// --max-cost and --dry-run for agents (issue #16): an agent item reserves the upper bound of a conversation of up
// to max_steps steps (src/run/agent-bound.ts), each step is admitted on its real prompt before it is sent, and the
// item settles at what its steps cost. The spend at the (fake) provider stays within the cap, the run says the
// budget stopped it, and --resume finishes, replaying an interrupted conversation's paid steps from the cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';
import { useFakeProvider } from '../helpers/suite.js';
import { scriptedAgent } from '../helpers/agent-script.js';

const KEY = 'sk-agent-budget-0123456789';

// The price in the suite: $1,000 / $2,000 per million tokens, i.e. $0.001 an input token, $0.002 an output token.
// Every step reports 1,000 input and 200 output tokens: $1.00 + $0.40 = $1.40 a step, $4.20 for the three steps.
const STEP_USD = 1000 * 0.001 + 200 * 0.002;
const agent = scriptedAgent([
  { toolCalls: [{ name: 'lookup', args: { q: 'a' } }], inputTokens: 1000, outputTokens: 200 },
  { toolCalls: [{ name: 'lookup', args: { q: 'b' } }], inputTokens: 1000, outputTokens: 200 },
  { text: 'done', inputTokens: 1000, outputTokens: 200 },
]);

const suite = (url: string, lookupResult: string) => `name: agent-budget
providers:
  openai: { baseURL: "${url}" }
models: [{ id: openai:gpt-4o-mini, params: { max_tokens: 200 }, price: { input_per_mtok: 1000, output_per_mtok: 2000 } }]
prompts:
  - id: v1
    messages: [{ role: user, content: "Question {{n}}" }]
tools:
  - name: lookup
    parameters: { type: object, properties: { q: { type: string } } }
    result: ${lookupResult}
max_steps: 4
concurrency: 4
retries: { max: 0 }
cases: cases.jsonl
checks: [{ type: contains, value: done }]
`;
const cases = jsonl(Array.from({ length: 6 }, (_, i) => ({ id: `c${i + 1}`, vars: { n: i + 1 } })));
const env = { OPENAI_API_KEY: KEY };
const runId = (dir: string) => queryDb<{ id: string }>(dir, 'SELECT id FROM runs')[0].id;

describe('agents inside --max-cost and --dry-run', () => {
  const fake = useFakeProvider({ apiKey: KEY, answer: agent });
  afterEach(() => fake.server.reset());

  it('reserves a whole conversation: four workers do not start four agents a $5 cap cannot pay for', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '"ok"'), 'cases.jsonl': cases });
    const cap = 5;
    const capped = await runCli(['run', 'evalspec.yaml', '--max-cost', String(cap), '--no-progress'], { cwd: dir, env });
    expect(capped.exitCode, capped.stderr).toBe(3);
    expect(capped.stderr).toContain('budget reached');
    // Counted as one call (about $0.45 for a ~20-token prompt and 200 output tokens), four agents would have
    // started at once and spent 4 × $4.20 = $16.80. Counted at its bound (4 steps, well over $2.50), a second
    // agent does not fit beside the first: one conversation, $4.20 at the provider.
    const spent = fake.server.requests.length * STEP_USD;
    expect(spent).toBeLessThanOrEqual(cap);
    const rows = queryDb<{ cost_usd: number; error_class: string | null }>(dir, 'SELECT cost_usd, error_class FROM results');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThan(6);
    for (const r of rows) expect(r.cost_usd).toBeCloseTo(3 * STEP_USD, 9);
    expect(rows.reduce((s, r) => s + r.cost_usd, 0)).toBeCloseTo(spent, 9);

    const resumed = await runCli(['run', '--resume', runId(dir), '--no-progress'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(queryDb(dir, 'SELECT 1 FROM results')).toHaveLength(6);
  });

  it('admits each step on its real prompt: a tool result far longer than assumed stops the item before the step it cannot pay for', async () => {
    const dir = tempDir();
    // ~6,000 tokens of tool result: step 2 re-reads it, so its prompt alone is ~$6 at $0.001 a token, over any
    // bound built on --expected-output-tokens (256) and over the $5 cap.
    const long = JSON.stringify('word '.repeat(6000));
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, long).replace('concurrency: 4', 'concurrency: 1'), 'cases.jsonl': cases });
    const capped = await runCli(['run', 'evalspec.yaml', '--max-cost', '5', '--no-progress'], { cwd: dir, env });
    expect(capped.exitCode, capped.stderr).toBe(3);
    expect(capped.stderr).toContain('budget reached');
    // Step 1 was sent and paid ($1.40); step 2 was not sent, and the item is not stored (a resume runs it).
    expect(fake.server.requests).toHaveLength(1);
    expect(queryDb(dir, 'SELECT 1 FROM results')).toHaveLength(0);

    // With room, --resume runs it: step 1 from the cache (paid once), steps 2 and 3 at the provider.
    fake.server.reset();
    const resumed = await runCli(['run', '--resume', runId(dir), '--no-progress'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const first = fake.server.requests.filter((r) => r.messages.at(-1)?.content === 'Question 1');
    expect(first).toHaveLength(0); // c1's first step came from the cache
  });

  it('--dry-run counts an agent item as up to max_steps steps', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': suite(fake.server.openaiBaseURL, '"ok"'), 'cases.jsonl': cases });
    const dry = await runCli(['run', 'evalspec.yaml', '--dry-run', '--json', 'estimate.json'], { cwd: dir, env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    const estimate = JSON.parse(readFileSync(join(dir, 'estimate.json'), 'utf8')) as {
      variants: { calls: number; inputTokens: number; outputTokens: number }[];
      notes: string[];
    };
    const [v] = estimate.variants;
    // Output: 6 cases × 4 steps × max_tokens 200. Input: at least 6 × the growth term g × N(N−1)/2 with
    // g = 200 + 256 and N = 4, i.e. 6 × 456 × 6 = 16,416 (the prompt and tool definitions come on top).
    expect(v.outputTokens).toBe(6 * 4 * 200);
    expect(v.inputTokens).toBeGreaterThan(6 * 456 * 6);
    expect(estimate.notes.join('\n')).toContain('counted as 4 steps');
    expect(fake.server.requests).toHaveLength(0);
  });
});
