// Ctrl-C reaches judge calls in flight like model calls: they go through the same call-with-retries, whose
// cancel aborts every attempt in flight, so a run whose judge provider is slow to answer stops at once
// (exit 130, status cancelled) instead of waiting for the judge's answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { queryDb } from '../helpers/store.js';

const KEY = 'sk-judge-cancel-0123456789';
const CASES = 4;
// Far beyond the test's own timeout (60 s): only an aborted request lets the run end in time.
const JUDGE_DELAY_MS = 120_000;

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe('Ctrl-C during judge calls', () => {
  let server: FakeProvider;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    server = await startFakeProvider({
      apiKey: KEY,
      fault: () => ({ kind: 'slow', ms: JUDGE_DELAY_MS }),
      answer: () => JSON.stringify({ reasoning: 'late', verdict: 'pass', score: 1 }),
    });
  });
  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await server.close();
    cleanupTempDirs();
  });

  it('aborts the judge calls in flight: exit 130, status cancelled, no judge answered', async () => {
    const dir = tempDir();
    // Replayed outputs: every request the fake provider sees is a judge call.
    writeFiles(dir, {
      'evalspec.yaml': `name: judge-cancel
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${KEY}" }
models: [replay:out.jsonl]
cases: cases.jsonl
checks:
  - { type: judge, judge: openai:gpt-4o, rubric: "The answer gives the ticket's code." }
concurrency: 8
`,
      'cases.jsonl': jsonl(Array.from({ length: CASES }, (_, i) => ({ id: `c${i}` }))),
      'out.jsonl': jsonl(Array.from({ length: CASES }, (_, i) => ({ id: `c${i}`, output: `Your code: CODE-${i}` }))),
    });
    child = startCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, env: { KEY } });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = once(child, 'close');
    await waitFor(() => server.requests.length === CASES, 'every judge call in flight');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code, stderr).toBe(130);
    expect(stderr).not.toContain('internal error');
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'cancelled' }]);
    // Each judge request was closed by the client before an answer (status 0), not answered.
    await waitFor(() => server.requests.every((r) => r.status !== undefined), 'the fake provider to see the requests closed');
    expect(server.requests.map((r) => r.status)).toEqual(Array(CASES).fill(0));
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.status).toBe('cancelled');
  });
});
