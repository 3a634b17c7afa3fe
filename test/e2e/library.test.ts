// The library entry point, runSuite(), where a test needs finer control than the CLI gives: the retry
// events (which error class, which attempt, how long the backoff) and cancellation through an AbortSignal.
// Every call still goes over real HTTP to the fake provider.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startFakeProvider, type FakeProvider, type FakeRequest, type Fault } from '../fake-provider/server.js';
import { tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { runSuite } from '../../src/pipeline.js';
import type { RunEvent } from '../../src/run/index.js';

const KEY = 'sk-library-test-key-0123456789';
const ENV_NAME = 'EVALSPEC_LIBRARY_TEST_KEY';
const idOf = (req: Pick<FakeRequest, 'messages'>) => /case (\w+)/.exec(req.messages.at(-1)!.content)![1];

function suite(url: string, ids: string[], extra: string): Record<string, string> {
  return {
    'evalspec.yaml': `name: library
providers:
  openai: { baseURL: "${url}", apiKey: "\${${ENV_NAME}}" }
models: [openai:gpt-4o-mini]
prompts: [{ id: v1, messages: [{ role: user, content: "{{question}}" }] }]
cases: cases.jsonl
checks: [{ type: contains, value: "{{id}}" }]
${extra}
`,
    'cases.jsonl': jsonl(ids.map((id) => ({ id, vars: { question: `Answer case ${id}`, id } }))),
  };
}

describe('runSuite()', () => {
  let server: FakeProvider;
  let latencyFor: (id: string) => number = () => 0;
  const seenAt = new Map<string, number[]>();
  const faults: Record<string, (attempt: number) => Fault | undefined> = {
    limited: (a) => (a === 1 ? { kind: '429', retryAfterS: 1 } : undefined),
    flaky: (a) => (a <= 2 ? { kind: '500' } : undefined),
  };
  beforeAll(async () => {
    process.env[ENV_NAME] = KEY;
    server = await startFakeProvider({
      apiKey: KEY,
      answer: async (req) => {
        await new Promise((r) => setTimeout(r, latencyFor(idOf(req))));
        return `ok ${idOf(req)}`;
      },
      fault: (req) => {
        seenAt.set(idOf(req), [...(seenAt.get(idOf(req)) ?? []), performance.now()]);
        return faults[idOf(req)]?.(req.attempt);
      },
    });
  });
  afterEach(() => server.reset());
  afterAll(async () => {
    delete process.env[ENV_NAME];
    await server.close();
    cleanupTempDirs();
  });

  it('reports each retry with its class, attempt and backoff; Retry-After wins over the backoff', async () => {
    const dir = tempDir();
    writeFiles(dir, suite(server.openaiBaseURL, ['plain', 'limited', 'flaky'], 'retries: { max: 3, base_ms: 40, max_ms: 80 }'));
    const events: RunEvent[] = [];
    const { outcome, report, exitCode } = await runSuite(join(dir, 'evalspec.yaml'), { db: join(dir, 'store.db'), onEvent: (e) => events.push(e) });
    expect(exitCode).toBe(0);
    expect(outcome.status).toBe('completed');
    expect(outcome.counts).toMatchObject({ called: 3, cached: 0, errors: 0, skipped: 0 });
    expect(events[0]).toMatchObject({ type: 'run-start', totalCalls: 3, alreadyDone: 0 });
    expect(events.at(-1)).toMatchObject({ type: 'run-end', status: 'completed' });
    expect(events.filter((e) => e.type === 'call-end')).toHaveLength(3);

    const retries = events.filter((e): e is Extract<RunEvent, { type: 'call-retry' }> => e.type === 'call-retry');
    expect(retries.map((r) => [r.caseId, r.attempt, r.errorClass]).sort()).toEqual([
      ['flaky', 1, 'server'],
      ['flaky', 2, 'server'],
      ['limited', 1, 'rate-limit'],
    ]);
    const limited = retries.find((r) => r.caseId === 'limited')!;
    expect(limited.delayMs).toBeGreaterThanOrEqual(1000);
    expect(limited.delayMs).toBeLessThan(1100);
    // Exponential backoff with jitter in [exp/2, exp): 40 ms then 80 ms (capped by max_ms).
    const [f1, f2] = retries.filter((r) => r.caseId === 'flaky').sort((a, b) => a.attempt - b.attempt);
    expect(f1.delayMs).toBeGreaterThanOrEqual(20);
    expect(f1.delayMs).toBeLessThan(40);
    expect(f2.delayMs).toBeGreaterThanOrEqual(40);
    expect(f2.delayMs).toBeLessThan(80);
    // The server saw the waits the events announced.
    const [t1, t2] = seenAt.get('limited')!;
    expect(t2 - t1).toBeGreaterThanOrEqual(limited.delayMs - 5);
    const flaky = seenAt.get('flaky')!;
    expect(flaky).toHaveLength(3);
    expect(flaky[1] - flaky[0]).toBeGreaterThanOrEqual(f1.delayMs - 5);

    // The returned report is the stored one.
    expect(report.variants[0]).toMatchObject({ id: 'gpt-4o-mini', passed: 3, errors: 0 });
    const ends = events.filter((e): e is Extract<RunEvent, { type: 'call-end' }> => e.type === 'call-end');
    expect(ends.find((e) => e.row.caseId === 'flaky')!.row.attempts).toBe(3);
    expect(ends.find((e) => e.row.caseId === 'limited')!.row.attempts).toBe(2);
  });

  it('an AbortSignal cancels: calls in flight are dropped, finished ones stored; resume finishes', async () => {
    const dir = tempDir();
    const ids = Array.from({ length: 24 }, (_, i) => `k${i}`);
    // Uneven latencies, so that some calls are still in flight when the 6th one finishes.
    latencyFor = (id) => (Number(id.slice(1)) % 2 === 0 ? 60 : 600);
    writeFiles(dir, suite(server.openaiBaseURL, ids, 'concurrency: 4'));
    const controller = new AbortController();
    const events: RunEvent[] = [];
    const first = await runSuite(join(dir, 'evalspec.yaml'), {
      db: join(dir, 'store.db'),
      signal: controller.signal,
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'call-end' && e.done === 6) controller.abort();
      },
    });
    expect(first.exitCode).toBe(130);
    expect(first.outcome.status).toBe('cancelled');
    const stored = events.filter((e) => e.type === 'call-end').length;
    expect(stored).toBeGreaterThanOrEqual(6);
    expect(stored).toBeLessThan(ids.length);
    // The in-flight calls were aborted (the server saw the client go away) and not stored as errors.
    const deadline = performance.now() + 3000;
    while (server.requests.some((r) => r.status === undefined) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(server.requests.filter((r) => r.status === 0).length).toBeGreaterThan(0);
    expect(server.requests.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(stored);
    expect(first.report.variants[0]).toMatchObject({ errors: 0, passed: stored });
    expect(first.report.status).toBe('cancelled');

    latencyFor = () => 0;
    server.reset();
    const resumed = await runSuite(undefined, { db: join(dir, 'store.db'), resume: first.outcome.runId });
    expect(resumed.exitCode).toBe(0);
    expect(resumed.outcome.runId).toBe(first.outcome.runId);
    expect(resumed.outcome.counts).toMatchObject({ skipped: stored, called: ids.length - stored });
    expect(server.requests).toHaveLength(ids.length - stored);
    expect(resumed.report.variants[0]).toMatchObject({ passed: ids.length, errors: 0, cases: ids.length });
  });
});
