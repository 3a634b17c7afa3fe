// A run killed mid-way (SIGKILL: no chance to clean up) or cancelled with Ctrl-C (SIGINT) keeps what it
// stored, and `evalspec run --resume ID` finishes it: the final results equal an uninterrupted run's, no
// (case, variant) is stored twice, and nothing stored before the interruption is requested again.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { runCli, startCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';
import { openAiSuite, ticketCases } from '../helpers/suite.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { countRows, queryDb } from '../helpers/store.js';

const KEY = 'sk-resume-test-key-0123456789';
const N = 300;
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);
const truth = (model: string, n: number): boolean => !(model === 'gpt-4o-mini' && n % 5 === 0);
const keyOf = (req: FakeRequest): string => `c${caseNumber(req)}|${req.model}`;

const SUITE = (url: string) =>
  openAiSuite({
    name: 'resume',
    url,
    models: '[openai:gpt-4o-mini, openai:gpt-4o]',
    checks: '[{ type: contains, value: "CODE-{{n}}" }]',
    extra: 'concurrency: 8\n',
  });
const CASES = ticketCases(N);

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

function collect(child: ChildProcess): { out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return { out: () => stdout, err: () => stderr };
}

const storedKeys = (dir: string): Set<string> => new Set(queryDb<{ k: string }>(dir, "SELECT case_id || '|' || variant_id AS k FROM results").map((r) => r.k));

/** pass per (case, variant) from a JSON report. */
function passMap(file: string): Map<string, boolean | null> {
  const report = jsonReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  return new Map(report.results.map((r) => [`${r.caseId}|${r.variantId}`, r.pass]));
}

const children: ChildProcess[] = [];
/** Start the CLI; a test that fails half-way must not leave it running into the next test. */
function start(args: string[], dir: string, env: Record<string, string>): ChildProcess {
  const child = startCli(args, { cwd: dir, env });
  children.push(child);
  return child;
}

describe('resume after an interrupted run', () => {
  let server: FakeProvider;
  let reference: Map<string, boolean | null>;
  const env = { OPENAI_API_KEY: KEY };
  beforeAll(async () => {
    server = await startFakeProvider({
      apiKey: KEY,
      latencyMs: 30,
      answer: (req) => (truth(req.model, caseNumber(req)) ? `Your code: CODE-${caseNumber(req)}` : 'Sorry, I cannot find it.'),
    });
    // The reference: the same suite run once without interruption (its own store, so no shared cache).
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': CASES });
    const result = await runCli(['run', 'evalspec.yaml', '--json', 'out.json'], { cwd: dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    reference = passMap(join(dir, 'out.json'));
    expect(reference.size).toBe(N * 2);
    for (const [k, pass] of reference) {
      const [c, model] = k.split('|');
      expect(pass).toBe(truth(model, Number(c.slice(1))));
    }
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await server.close();
    cleanupTempDirs();
  });

  it('SIGKILL mid-run, then --resume: same results as an uninterrupted run, no duplicates, nothing stored re-requested', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': CASES });
    server.reset();
    const child = start(['run', 'evalspec.yaml'], dir, env);
    const io = collect(child);
    const exited = once(child, 'close');
    await waitFor(() => countRows(dir, 'results') >= 120, 'stored results');
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    expect([code, signal]).toEqual([null, 'SIGKILL']);
    expect(io.err()).not.toContain('error[');

    // The state right after the kill: part of the work is stored, the run is still marked started.
    const before = storedKeys(dir);
    expect(before.size).toBeGreaterThanOrEqual(120);
    expect(before.size).toBeLessThan(N * 2);
    const requestsBefore = server.requests.length;

    const runs = await runCli(['runs', '--json'], { cwd: dir });
    expect(runs.exitCode, runs.stderr).toBe(0);
    const list = JSON.parse(runs.stdout);
    expect(list).toHaveLength(1);
    expect(list[0].status).toBe('started');
    const runId: string = list[0].id;

    const resumed = await runCli(['run', '--resume', runId, '--json', 'out.json'], { cwd: dir, env });
    expect(resumed.stderr).not.toContain('error[');
    expect(resumed.exitCode, resumed.stderr).toBe(0);

    // Nothing stored before the kill was requested again.
    const after = server.requests.slice(requestsBefore).map(keyOf);
    expect(after.filter((k) => before.has(k))).toEqual([]);
    // Everything not stored was requested once (no faults here), or served from a cache entry the killed
    // process wrote for it just before it died.
    expect(new Set(after).size).toBe(after.length);
    const final = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')).results as { caseId: string; variantId: string; cached: boolean }[];
    const requestedAgain = new Set(after);
    for (const r of final) {
      const k = `${r.caseId}|${r.variantId}`;
      if (before.has(k)) continue;
      expect(requestedAgain.has(k) !== r.cached, k).toBe(true);
    }
    expect(after.length).toBeGreaterThan(0);

    // One row per (case, variant), the same pass/fail as the uninterrupted run, one run, completed.
    expect(countRows(dir, 'results')).toBe(N * 2);
    expect(storedKeys(dir).size).toBe(N * 2);
    expect(countRows(dir, 'runs')).toBe(1);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'completed' }]);
    expect(passMap(join(dir, 'out.json'))).toEqual(reference);
  });

  it('Ctrl-C (SIGINT): exit 130, status cancelled, resume instructions; --resume completes it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': CASES });
    server.reset();
    const child = start(['run', 'evalspec.yaml', '--json', 'cancelled.json'], dir, env);
    const io = collect(child);
    const exited = once(child, 'close');
    await waitFor(() => countRows(dir, 'results') >= 60, 'stored results');
    child.kill('SIGINT');
    const [code] = await exited;
    expect(io.err()).not.toContain('internal error');
    expect(code).toBe(130);

    const report = jsonReportSchema.parse(JSON.parse(readFileSync(join(dir, 'cancelled.json'), 'utf8')));
    expect(report.status).toBe('cancelled');
    expect(io.err()).toContain(`cancelled: finished results are stored; continue with: evalspec run --resume ${report.runId}`);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'cancelled' }]);
    // A cancelled call is not stored as an error: the store holds only finished results.
    const stored = storedKeys(dir);
    expect(stored.size).toBeGreaterThan(0);
    expect(stored.size).toBeLessThan(N * 2);
    expect(countRows(dir, 'results', 'WHERE error_class IS NOT NULL')).toBe(0);
    // Every stored result is real: the server answered that call.
    const answered = new Set(server.requests.filter((r) => r.status === 200).map(keyOf));
    for (const k of stored) expect(answered.has(k), k).toBe(true);
    // The JSON report written at cancel time agrees with the store.
    expect(report.results.length).toBe(stored.size);

    const requestsBefore = server.requests.length;
    const resumed = await runCli(['run', '--resume', report.runId, '--json', 'out.json'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const after = server.requests.slice(requestsBefore).map(keyOf);
    expect(after.filter((k) => stored.has(k))).toEqual([]);
    expect(countRows(dir, 'results')).toBe(N * 2);
    expect(storedKeys(dir).size).toBe(N * 2);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'completed' }]);
    expect(passMap(join(dir, 'out.json'))).toEqual(reference);
  });

  it('--resume refuses a suite that changed since the run', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': jsonl([{ id: 'c1', vars: { question: 'Ticket 1: CODE-1', n: '1' } }]) });
    const first = await runCli(['run', 'evalspec.yaml'], { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(0);
    const runId = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout)[0].id;
    writeFiles(dir, { 'cases.jsonl': jsonl([{ id: 'c1', vars: { question: 'Ticket 1: changed CODE-1', n: '1' } }]) });
    server.reset();
    const resumed = await runCli(['run', '--resume', runId], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(2);
    expect(resumed.stderr).toContain(`error[RESUME_MISMATCH] ${join(dir, 'evalspec.yaml')}: run ${runId} was made from a different version of the suite`);
    expect(resumed.stderr).toContain('fix: resume only with the suite unchanged');
    expect(server.requests).toHaveLength(0);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'completed' }]);
  });
});
