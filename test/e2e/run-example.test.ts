// The example suite must run unchanged against a real HTTP provider (our loopback fake speaking
// the OpenAI wire format), and produce the documented JSON contract, a stored run and exit code 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';

export const EXAMPLE_SUITE = `name: support-answers
description: Answers must quote the code word.
providers:
  openai: { baseURL: "\${OPENAI_BASE_URL}", apiKey: "\${OPENAI_API_KEY}" }   # \${VAR} reads the environment
models: [openai:gpt-4o-mini, openai:gpt-4o]            # "provider:model", resolved through the AI SDK
prompts:
  - id: v1
    messages:
      - { role: system, content: "You are a support agent." }
      - { role: user, content: "{{question}}" }
cases: cases.jsonl        # or an inline list; also .csv; each case: id, vars, tags, checks (added to the defaults)
checks:                   # defaults applied to every case
  - { type: contains, value: "{{expected}}" }
  - { type: max-latency-ms, value: 5000 }
repeat: 1
concurrency: 16
`;

const CASES = Array.from({ length: 12 }, (_, i) => ({
  id: `c${i + 1}`,
  vars: { question: `What is the code word for ticket ${i + 1}? It is WORD-${i + 1}.`, expected: `WORD-${i + 1}` },
  tags: [i % 3 === 0 ? 'segment:enterprise' : 'segment:smb'],
}));
const SECRET = 'sk-test-secret-key-0123456789abcdef';

/** gpt-4o answers every case; gpt-4o-mini gets cases 3, 6, 9, 12 wrong. */
function answer(req: { model: string; messages: { role: string; content: string }[] }): string {
  const question = req.messages.at(-1)!.content;
  const n = Number(/ticket (\d+)/.exec(question)![1]);
  if (req.model === 'gpt-4o-mini' && n % 3 === 0) return 'I am not sure which code word you mean.';
  return `The code word is WORD-${n}.`;
}

describe('evalspec run: the example suite, unchanged', () => {
  let server: FakeProvider;
  let dir: string;
  beforeAll(async () => {
    server = await startFakeProvider({ answer, apiKey: SECRET });
    dir = tempDir();
    writeFiles(dir, { 'suite/evalspec.yaml': EXAMPLE_SUITE, 'suite/cases.jsonl': jsonl(CASES) });
  });
  afterAll(async () => {
    await server.close();
    cleanupTempDirs();
  });

  it('calls both models over HTTP, writes the JSON contract and exits 0', async () => {
    const env = { OPENAI_BASE_URL: server.openaiBaseURL, OPENAI_API_KEY: SECRET };
    const result = await runCli(['run', 'suite/evalspec.yaml', '--json', 'out.json', '--md', 'out.md', '--junit', 'out.xml'], { cwd: dir, env });
    expect(result.stderr).not.toContain('error[');
    expect(result.exitCode).toBe(0);
    expect(server.requests).toHaveLength(24);
    expect(new Set(server.requests.map((r) => r.model))).toEqual(new Set(['gpt-4o-mini', 'gpt-4o']));
    // The system prompt and the rendered user message reached the provider.
    expect(server.requests[0].messages[0]).toEqual({ role: 'system', content: 'You are a support agent.' });
    expect(server.requests.some((r) => r.messages[1].content === CASES[4].vars.question)).toBe(true);

    const report = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')));
    expect(report.status).toBe('completed');
    expect(report.suite.name).toBe('support-answers');
    const mini = report.variants.find((v) => v.id === 'gpt-4o-mini')!;
    const big = report.variants.find((v) => v.id === 'gpt-4o')!;
    expect([mini.cases, mini.passed, mini.failed, mini.errors]).toEqual([12, 8, 4, 0]);
    expect([big.cases, big.passed, big.failed, big.errors]).toEqual([12, 12, 0, 0]);
    expect(mini.passRate).toBeCloseTo(8 / 12, 12);
    expect(mini.passRateCi!.method).toBe('wilson');
    expect(mini.passRateCi!.low).toBeLessThan(8 / 12);
    expect(mini.passRateCi!.high).toBeGreaterThan(8 / 12);
    // Tokens come from the provider's usage fields; gpt-4o and gpt-4o-mini are in the price database.
    expect(big.tokens.input).toBeGreaterThan(0);
    expect(big.costUsd).toBeGreaterThan(0);
    expect(mini.costUsd).toBeGreaterThan(0);
    expect(big.costUsd!).toBeGreaterThan(mini.costUsd!);
    expect(big.latencyMs.p50).toBeGreaterThan(0);

    expect(report.results).toHaveLength(24);
    const failed = report.results.find((r) => r.variantId === 'gpt-4o-mini' && r.caseId === 'c3')!;
    expect(failed.pass).toBe(false);
    expect(failed.output).toBe('I am not sure which code word you mean.');
    expect(failed.checks.map((c) => [c.type, c.pass])).toEqual([
      ['contains', false],
      ['max-latency-ms', true],
    ]);
    expect(failed.score).toBeCloseTo(0.5, 12);

    // The terminal summary names both variants and where the run is stored.
    expect(result.stdout).toMatch(/gpt-4o-mini\s+12\s+66\.7%/);
    expect(result.stdout).toContain(`evalspec show ${report.runId}`);
    // The secret never reaches reports or output.
    for (const file of ['out.json', 'out.md', 'out.xml']) expect(readFileSync(join(dir, file), 'utf8')).not.toContain(SECRET);
    expect(result.stdout + result.stderr).not.toContain(SECRET);
  });

  it('lists and shows the stored run', async () => {
    const runs = await runCli(['runs', '--json'], { cwd: dir });
    expect(runs.exitCode).toBe(0);
    const list = JSON.parse(runs.stdout);
    expect(list).toHaveLength(1);
    expect(list[0].suiteName).toBe('support-answers');
    const show = await runCli(['show', list[0].id], { cwd: dir });
    expect(show.exitCode).toBe(0);
    expect(show.stdout).toMatch(/gpt-4o\s+12\s+100\.0%/);
  });

  it('never writes the API key into the database', async () => {
    const db = readFileSync(join(dir, '.evalspec/evalspec.db'));
    expect(db.includes(Buffer.from(SECRET))).toBe(false);
  });
});
