// Rate limits (issue #21): against a provider's real limit every call completes, the pass rates equal the
// ground truth, and the provider rejects few requests (before the rate controller it rejected several times
// the number of calls, and left calls in error). Requests and tokens limits run on the shared bench server
// (../shared/bench/fake-llm-server.mjs --rpm / --tpm, OpenAI's x-ratelimit-* headers); Anthropic's
// anthropic-ratelimit-* headers, judge calls sharing the model's budget, and retries.max_wait_s run on the
// project's fake provider. No timing asserts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { amberSuite, SHARED_SERVER, startSharedServer } from '../helpers/shared-server.js';
import { jsonReportSchema } from '../helpers/report-schema.js';

const MODELS = ['fake-large', 'fake-small'];
const N = 60; // cases: 120 calls over two models

const benchSuite = (url: string) =>
  amberSuite({ name: 'rate-limits', url, apiKey: 'sk-rate-limit-test', models: MODELS, cases: N, extra: 'concurrency: 32\n' });

describe.skipIf(!existsSync(SHARED_SERVER))('against the shared fake server’s token bucket', () => {
  afterAll(() => cleanupTempDirs());

  for (const [name, flags, learnedField, limit] of [
    ['requests', ['--rpm', '3000'], 'rpm', 3000],
    ['tokens', ['--tpm', '60000'], 'tpm', 60000],
  ] as const) {
    it(`a ${name} limit: every call completes at the truth's pass rates, with few rejected requests`, async () => {
      const server = await startSharedServer(['--latency-ms', '50', '--burst-s', '1', ...flags]);
      try {
        const dir = tempDir();
        writeFiles(dir, benchSuite(server.url));
        const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-cache'], { cwd: dir });
        expect(result.exitCode, result.stderr).toBe(0);
        const stats = await server.stats();
        const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
        jsonReportSchema.parse(report);
        expect(report.status).toBe('completed');
        for (const model of MODELS) {
          const v = report.variants.find((x: { id: string }) => x.id === model);
          const truth = stats.truth[model];
          expect(truth.prompts).toBe(N);
          expect([v.cases, v.errors, v.passed]).toEqual([N, 0, truth.correct]);
        }
        // Rejected requests: at most 10% of the 120 calls (the harness before the controller: several times the calls).
        const rejected = stats.byOutcome.rate_limited ?? 0;
        expect(rejected).toBeLessThanOrEqual(12);
        // The limit was learned from the headers, per model, and the attempts add up to what the server saw.
        expect(report.rateLimits.map((r: { model: string }) => r.model).sort()).toEqual(MODELS.map((m) => `openai:${m}`));
        for (const r of report.rateLimits) expect(r.learned[learnedField]).toBe(limit);
        expect(report.rateLimits.reduce((n: number, r: { attempts: number }) => n + r.attempts, 0)).toBe(stats.requests);
        expect(report.rateLimits.reduce((n: number, r: { rejected: number }) => n + r.rejected, 0)).toBe(rejected);
        // The terminal report says the run was throttled, in one line.
        expect(result.stdout).toMatch(/^rate-limited: openai:fake-(large|small) \(/m);
        // The figures are stored with the run: a later `show` prints and writes them too.
        const show = await runCli(['show', report.runId, '--json', 'show.json'], { cwd: dir });
        expect(show.exitCode, show.stderr).toBe(0);
        expect(JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8')).rateLimits).toEqual(report.rateLimits);
        expect(show.stdout).toMatch(/^rate-limited: openai:fake-(large|small) \(/m);
      } finally {
        await server.stop();
      }
    });
  }
});

const KEY = 'sk-ant-rate-limit-test-0123456789';
const caseNumber = (req: FakeRequest): number => Number(/ticket (\d+)/.exec(req.messages.map((m) => m.content).join('\n'))?.[1] ?? -1);

/** A judge call quotes the check's rubric. */
const isJudgeCall = (req: FakeRequest): boolean => req.messages.some((m) => m.content.includes("The answer gives the ticket's code."));

describe('Anthropic headers, with judge calls on the same key and model', () => {
  let server: FakeProvider;
  const CASES = 30;
  beforeAll(async () => {
    server = await startFakeProvider({
      apiKey: KEY,
      latencyMs: 30,
      rateLimit: { rpm: 1200, burstS: 1 },
      answer: (req) =>
        isJudgeCall(req)
          ? JSON.stringify({ reasoning: 'it gives the code', verdict: 'pass', score: 1 })
          : `The code of ticket ${caseNumber(req)} is CODE-${caseNumber(req)}.`,
    });
  });
  afterAll(async () => {
    await server.close();
    cleanupTempDirs();
  });

  it('completes every model and judge call within the limit, one budget for both', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: anthropic-limits
providers:
  anthropic: { baseURL: "${server.anthropicBaseURL}", apiKey: "\${KEY}" }
models: [anthropic:claude-fake]
prompts:
  - id: v1
    messages:
      - { role: user, content: "What is the code of ticket {{n}}?" }
cases: cases.jsonl
checks:
  - { type: contains, value: "CODE-{{n}}" }
  - { type: judge, judge: anthropic:claude-fake, rubric: "The answer gives the ticket's code." }
concurrency: 16
`,
      'cases.jsonl': jsonl(Array.from({ length: CASES }, (_, i) => ({ id: `c${i}`, vars: { n: String(i) } }))),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-cache'], { cwd: dir, env: { KEY } });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.results.map((r: { error: unknown }) => r.error)).toEqual(Array(CASES).fill(null));
    expect(report.variants[0].passed).toBe(CASES);
    const answered = server.requests.filter((r) => r.status === 200);
    expect(answered.filter(isJudgeCall)).toHaveLength(CASES); // judge calls included
    const rejected = server.requests.filter((r) => r.rateLimited).length;
    expect(rejected).toBeLessThanOrEqual(6); // 10% of the 60 calls
    // One controller for the model and its judge (same key, same model): it saw every request, and learned
    // the limit from the anthropic-ratelimit-requests-* headers.
    expect(report.rateLimits).toHaveLength(1);
    expect(report.rateLimits[0]).toMatchObject({ model: 'anthropic:claude-fake', learned: { rpm: 1200 }, rejected });
    expect(report.rateLimits[0].attempts).toBe(server.requests.length);
    // The progress line (stderr) named the throttling provider and model.
    expect(result.stderr).toMatch(/throttled by anthropic:claude-fake: ~[\d.]+ req\/s, \d+ rejected in the last minute/);
  });
});

describe('retries.max_wait_s', () => {
  let server: FakeProvider;
  let limited = true;
  beforeAll(async () => {
    server = await startFakeProvider({
      apiKey: KEY,
      answer: (req) => `The code is CODE-${caseNumber(req)}.`,
      // Ticket 2 is rate-limited with a retry-after of 2 s, longer than the suite lets one call wait.
      fault: (req) => (limited && caseNumber(req) === 2 ? { kind: '429', retryAfterS: 2 } : undefined),
    });
  });
  afterAll(async () => {
    await server.close();
    cleanupTempDirs();
  });

  it('ends a call rate-limited past it as a rate-limit error naming the setting (exit 3); a resume finishes it', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: max-wait
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${KEY}" }
models: [openai:gpt-fake]
prompts:
  - id: v1
    messages:
      - { role: user, content: "What is the code of ticket {{n}}?" }
cases: cases.jsonl
checks:
  - { type: contains, value: "CODE-{{n}}" }
retries: { max: 6, max_wait_s: 1 }
`,
      'cases.jsonl': jsonl([1, 2, 3].map((n) => ({ id: `c${n}`, vars: { n: String(n) } }))),
    });
    const first = await runCli(['run', 'evalspec.yaml', '--json', 'out.json', '--no-cache'], { cwd: dir, env: { KEY } });
    expect(first.exitCode, first.stderr).toBe(3);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.status).toBe('incomplete');
    const c2 = report.results.find((r: { caseId: string }) => r.caseId === 'c2');
    expect(c2.error.class).toBe('rate-limit');
    expect(c2.error.message).toContain('retries.max_wait_s (1 s)');
    expect(c2.attempts).toBe(1); // the 429's 2 s wait would pass the 1 s bound: not retried
    expect(report.results.filter((r: { error: unknown }) => r.error === null)).toHaveLength(2);

    limited = false;
    const resumed = await runCli(['run', '--resume', report.runId, '--json', 'out2.json'], { cwd: dir, env: { KEY } });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'out2.json'), 'utf8'));
    expect(after.results.map((r: { error: unknown }) => r.error)).toEqual([null, null, null]);
  });

  it('refuses an unknown key under rate_limit, naming the valid ones', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: bad-limit
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${KEY}", rate_limit: { rps: 5 } }
models: [openai:gpt-fake]
cases: [{ vars: {} }]
`,
    });
    const result = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env: { KEY } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/rps/);
    expect(result.stderr).toMatch(/rpm, tpm/);
  });
});

describe('--dry-run with a declared rate_limit', () => {
  afterAll(() => cleanupTempDirs());
  it('estimates the duration from the declared limit when it is the bottleneck', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: dry-limits
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-dry-run-not-called", rate_limit: { rpm: 60 } }
models: [openai:gpt-fake]
params: { max_tokens: 16 }
prompts:
  - id: v1
    messages:
      - { role: user, content: "Question {{n}}" }
cases: cases.jsonl
concurrency: 8
`,
      'cases.jsonl': jsonl(Array.from({ length: 120 }, (_, i) => ({ id: `c${i}`, vars: { n: String(i) } }))),
    });
    const result = await runCli(['run', 'evalspec.yaml', '--dry-run'], { cwd: dir });
    expect(result.exitCode, result.stderr).toBe(0);
    // 120 calls at 60 requests/min: 2 minutes, longer than 120 calls × (0.5 s + 16/50 s) / 8 in flight ≈ 12 s.
    expect(result.stdout).toContain('estimated duration: 2m 00s');
    expect(result.stdout).toContain('openai:gpt-fake: its declared rate_limit (60 requests/min) takes at least 120 s for 120 calls');
  });
});
