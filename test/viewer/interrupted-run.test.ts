// A run killed with kill -9 stays stored as `started`; every reader tells it from a live run the same way
// (store/run-state.ts, by the run's lease): `runs`, `runs --json`, `show` (which prints the resume command)
// and the viewer's API (`state` and `resume` on the runs list and the run page). Built CLI against the
// loopback fake provider; the viewer in-process over the same store.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { startFakeProvider, type FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { countRows, dbPath, queryDb } from '../helpers/store.js';
import type { RunResponse, RunsResponse } from '../../src/viewer/index.js';
import { startOver } from './helpers.js';

const KEY = 'sk-interrupted-0123456789';

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

describe('an interrupted run (kill -9) in runs, show and the viewer', () => {
  let server: FakeProvider;
  let child: ChildProcess | undefined;
  let latencyMs = 40;
  beforeAll(async () => {
    server = await startFakeProvider({
      apiKey: KEY,
      // Slow enough that the run is still going when the test looks at it and kills it (not for the resume).
      fault: async () => void (await new Promise((r) => setTimeout(r, latencyMs))),
      answer: () => 'the code is CODE',
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await server.close();
    cleanupTempDirs();
  });

  it('running while its process lives; interrupted with the resume command once it is killed', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': `name: interrupted
providers:
  openai: { baseURL: "${server.openaiBaseURL}", apiKey: "\${OPENAI_API_KEY}" }
models: [openai:gpt-4o-mini]
prompts: [{ id: p, messages: [{ role: user, content: "Ticket {{n}}" }] }]
cases: cases.jsonl
checks: [{ type: contains, value: CODE }]
`,
      'cases.jsonl': jsonl(Array.from({ length: 600 }, (_, i) => ({ id: `c${i + 1}`, vars: { n: String(i + 1) } }))),
    });
    child = startCli(['run', 'evalspec.yaml', '--concurrency', '2', '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    child.stdout!.resume();
    child.stderr!.resume();
    const exited = once(child, 'close');
    await waitFor(() => countRows(dir, 'results') >= 4, 'stored results');
    const [{ id: runId }] = queryDb<{ id: string }>(dir, 'SELECT id FROM runs');
    const resume = `evalspec run --resume ${runId}`;
    const viewer = await startOver(dbPath(dir));
    try {
      const api = async <T>(path: string): Promise<T> => {
        const response = await fetch(`${viewer.url}api${path}`);
        expect(response.status, path).toBe(200);
        return (await response.json()) as T;
      };
      // While the process lives: running, everywhere.
      const liveShow = await runCli(['show', runId], { cwd: dir });
      expect(liveShow.stdout).toContain(`run ${runId} is still running`);
      expect(liveShow.stdout).not.toContain('was interrupted');
      expect((await api<RunsResponse>('/runs')).runs[0]).toMatchObject({ id: runId, status: 'started', state: 'running', resume: null });
      expect((await api<RunResponse>(`/runs/${runId}`)).run).toMatchObject({ status: 'started', state: 'running', resume: null });

      child.kill('SIGKILL');
      await exited;

      const runs = await runCli(['runs'], { cwd: dir });
      expect(runs.stdout).toMatch(new RegExp(`${runId}\\s+interrupted\\s+interrupted`)); // suite name, then the state
      const json = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout);
      expect(json[0]).toMatchObject({ id: runId, status: 'started', state: 'interrupted', interrupted: true, resume });

      const shown = await runCli(['show', runId], { cwd: dir });
      expect(shown.exitCode, shown.stderr).toBe(3); // not completed
      expect(shown.stdout).toContain(`run ${runId} was interrupted (its process is gone); finish it with: ${resume}`);
      expect(shown.stdout).not.toContain('is still running');

      // The viewer says the same, on the runs list and on the run page.
      expect((await api<RunsResponse>('/runs')).runs[0]).toMatchObject({ id: runId, status: 'started', state: 'interrupted', resume });
      expect((await api<RunResponse>(`/runs/${runId}`)).run).toMatchObject({ id: runId, status: 'started', state: 'interrupted', resume });

      // Finished by the resume it names: completed everywhere, no resume command left.
      latencyMs = 0;
      const resumed = await runCli(['run', '--resume', runId, '--no-progress'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
      expect(resumed.exitCode, resumed.stderr).toBe(0);
      expect((await api<RunsResponse>('/runs')).runs[0]).toMatchObject({ status: 'completed', state: 'completed', resume: null });
      expect((await api<RunResponse>(`/runs/${runId}`)).run).toMatchObject({ status: 'completed', state: 'completed', resume: null });
      const after = await runCli(['show', runId], { cwd: dir });
      expect(after.exitCode).toBe(0);
      expect(after.stdout).not.toContain('was interrupted');
    } finally {
      await viewer.closeAll();
    }
  });
});
