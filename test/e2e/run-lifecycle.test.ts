// The run lifecycle through the built CLI against the loopback fake provider: --resume plans exactly what the
// run planned (its --model / --repeat selection), one process executes a run at a time (a lease in the store;
// a concurrent --resume is refused, a dead holder's lease is taken over), a killed run is listed as
// interrupted with its resume command, an empty case set is refused unless asked for, a budget-stopped run
// states the segment sizes of the cases that ran and `ci` names the budget as the reason, and
// `diff latest latest` is refused.
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { calcPrice } from '@pydantic/genai-prices';
import type { FakeRequest } from '../fake-provider/server.js';
import { runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { countRows, dbPath, queryDb } from '../helpers/store.js';
import { openAiSuite, ticketCases, useFakeProvider } from '../helpers/suite.js';

const KEY = 'sk-lifecycle-test-0123456789';
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);

const SUITE = (url: string, extra = '') =>
  openAiSuite({
    name: 'lifecycle',
    url,
    models: '[openai:gpt-4o-mini, openai:gpt-4o, openai:gpt-4-turbo]',
    checks: '[{ type: contains, value: "CODE-{{n}}" }]',
    extra: `retries: { max: 0 }\n${extra}`,
  });
const cases = (n: number) => ticketCases(n, { segments: true });

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return once(child, 'close').then(([code]) => ({ code: code as number | null, stdout, stderr }));
}

/** Run ids in the store, newest first. */
const runIds = (dir: string): string[] => queryDb<{ id: string }>(dir, 'SELECT id FROM runs ORDER BY started_at DESC, id DESC').map((r) => r.id);

describe('run lifecycle (built CLI, fake provider)', () => {
  const env = { OPENAI_API_KEY: KEY };
  /** Cases whose calls the server refuses with a 400 (not retried): makes a run incomplete on purpose. */
  let refuse = new Set<number>();
  let latencyMs = 0;
  const children: ChildProcess[] = [];
  const fake = useFakeProvider({
    apiKey: KEY,
    fault: async (req) => {
      if (latencyMs) await new Promise((r) => setTimeout(r, latencyMs));
      return refuse.has(caseNumber(req)) ? { kind: '400', message: 'refused by the test' } : undefined;
    },
    answer: (req) => ({ text: `Your code: CODE-${caseNumber(req)}`, inputTokens: 1000, outputTokens: 200 }),
  });
  afterEach(() => {
    refuse = new Set();
    latencyMs = 0;
    fake.server.reset();
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  /** An incomplete run of `--model gpt-4o-mini gpt-4o` over n cases, the calls of `refused` cases in error. */
  async function incompleteRun(dir: string, n: number, refused: number[]): Promise<string> {
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.server.openaiBaseURL), 'cases.jsonl': cases(n) });
    refuse = new Set(refused);
    const first = await runCli(['run', 'evalspec.yaml', '--model', 'gpt-4o-mini', 'gpt-4o', '--no-progress'], { cwd: dir, env });
    expect(first.exitCode, first.stderr).toBe(3);
    refuse = new Set();
    fake.server.reset();
    return runIds(dir)[0];
  }

  it('--resume keeps the --model selection: no call to the model left out, exactly the planned results', async () => {
    const dir = tempDir();
    const runId = await incompleteRun(dir, 20, [3, 7, 11, 15]);
    expect(countRows(dir, 'results', 'WHERE error_class IS NOT NULL')).toBe(8); // 4 cases × 2 models
    // The dry-run of the resume plans the same: 8 calls still to make out of the run's 40.
    const dry = await runCli(['run', '--resume', runId, '--dry-run'], { cwd: dir, env });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`resume of run ${runId}: 8 of 40 calls still to make`);

    const resumed = await runCli(['run', '--resume', runId, '--no-progress'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    // Only the 8 calls in error were made again, none to gpt-4-turbo (not selected by the run).
    expect(fake.server.requests.filter((r) => r.model === 'gpt-4-turbo')).toHaveLength(0);
    expect(fake.server.requests).toHaveLength(8);
    expect(countRows(dir, 'results')).toBe(40); // 20 cases × 2 models, as planned
    expect(queryDb(dir, 'SELECT DISTINCT variant_id AS v FROM results ORDER BY v')).toEqual([{ v: 'gpt-4o' }, { v: 'gpt-4o-mini' }]);
    expect(queryDb(dir, 'SELECT status, total_calls FROM runs')).toEqual([{ status: 'completed', total_calls: 40 }]);
  });

  it('--resume with another --model or --repeat is refused (exit 2) before any call', async () => {
    const dir = tempDir();
    const runId = await incompleteRun(dir, 6, [2]);
    const other = await runCli(['run', '--resume', runId, '--model', 'gpt-4-turbo'], { cwd: dir, env });
    expect(other.exitCode).toBe(2);
    expect(other.stderr).toContain(`run ${runId} was planned with --model gpt-4o-mini gpt-4o; --resume cannot change it to --model gpt-4-turbo`);
    expect(other.stderr).toContain(`fix: omit the flag: \`evalspec run --resume ${runId}\``);
    const repeat = await runCli(['run', '--resume', runId, '--repeat', '3'], { cwd: dir, env });
    expect(repeat.exitCode).toBe(2);
    expect(repeat.stderr).toContain('was planned with --repeat 1');
    // The same selection given again is fine.
    const same = await runCli(['run', '--resume', runId, '--model', 'gpt-4o', 'gpt-4o-mini', '--no-progress'], { cwd: dir, env });
    expect(same.exitCode, same.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('two concurrent --resume of one run: exactly one proceeds, the other is refused naming the holder; each remaining call made once', async () => {
    const dir = tempDir();
    const refused = Array.from({ length: 20 }, (_, i) => i + 1);
    const runId = await incompleteRun(dir, 20, refused); // all 40 calls in error
    latencyMs = 100; // 40 calls at concurrency 2: the first resume is busy for seconds
    // (--concurrency is not part of the plan: the suite file, and so its hash, stays as it was.)
    const a = startCli(['run', '--resume', runId, '--concurrency', '2', '--no-progress'], { cwd: dir, env });
    const b = startCli(['run', '--resume', runId, '--concurrency', '2', '--no-progress'], { cwd: dir, env });
    children.push(a, b);
    const [ra, rb] = await Promise.all([collect(a), collect(b)]);
    const results = [ra, rb];
    const winner = results.find((r) => r.code === 0);
    const loser = results.find((r) => r.code !== 0);
    expect(winner, `${ra.stderr}\n${rb.stderr}`).toBeDefined();
    expect(loser!.code).toBe(2);
    expect(loser!.stderr).toContain(
      `error[RUN_LOCKED]: run ${runId} is being executed by another process (pid ${(results[0] === winner ? a : b).pid} on ${hostname()}`,
    );
    expect(loser!.stderr).toContain(`evalspec run --resume ${runId}`);
    // Every remaining call made exactly once.
    expect(fake.server.requests).toHaveLength(40);
    expect(new Set(fake.server.requests.map((r) => `${caseNumber(r)}|${r.model}`)).size).toBe(40);
    expect(countRows(dir, 'results')).toBe(40);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'completed' }]);
    expect(countRows(dir, 'run_leases' as 'runs')).toBe(0); // released at the end
  });

  it('a live lease held on another host refuses a resume; once it expires the resume proceeds', async () => {
    const dir = tempDir();
    const runId = await incompleteRun(dir, 4, [1]);
    const db = new Database(dbPath(dir));
    const now = Date.now();
    const insert = db.prepare(
      'INSERT OR REPLACE INTO run_leases (run_id, token, pid, host, acquired_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    insert.run(runId, 'other-token', 4242, 'build-agent-7', new Date(now).toISOString(), new Date(now).toISOString(), now + 3_600_000);
    const refusedResume = await runCli(['run', '--resume', runId], { cwd: dir, env });
    expect(refusedResume.exitCode).toBe(2);
    expect(refusedResume.stderr).toContain('pid 4242 on build-agent-7');
    expect(fake.server.requests).toHaveLength(0);
    expect(queryDb(dir, 'SELECT status FROM runs')).toEqual([{ status: 'incomplete' }]); // untouched
    // The holder stopped heartbeating: its lease expired.
    db.prepare('UPDATE run_leases SET expires_at = ? WHERE run_id = ?').run(now - 1, runId);
    db.close();
    const resumed = await runCli(['run', '--resume', runId, '--no-progress'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(fake.server.requests).toHaveLength(2);
  });

  it('kill -9: `runs` lists the run as interrupted with the resume command, and the resume takes over at once', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.server.openaiBaseURL), 'cases.jsonl': cases(60) });
    latencyMs = 40;
    const child = startCli(['run', 'evalspec.yaml', '--concurrency', '4', '--no-progress'], { cwd: dir, env });
    children.push(child);
    const exited = once(child, 'close');
    await waitFor(() => countRows(dir, 'results') >= 10, 'stored results');
    // While it runs, it is listed as running, not interrupted.
    const live = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout);
    expect(live[0]).toMatchObject({ status: 'started', interrupted: false, resume: null });
    child.kill('SIGKILL');
    await exited;
    const runId = runIds(dir)[0];

    const table = await runCli(['runs'], { cwd: dir });
    expect(table.exitCode).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`${runId}\\s+lifecycle\\s+interrupted`));
    expect(table.stdout).toContain(`run ${runId} was interrupted (its process is gone); finish it with: evalspec run --resume ${runId}`);
    const json = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout);
    expect(json[0]).toMatchObject({ id: runId, status: 'started', interrupted: true, resume: `evalspec run --resume ${runId}` });

    latencyMs = 0;
    const resumed = await runCli(['run', '--resume', runId, '--no-progress'], { cwd: dir, env });
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    expect(countRows(dir, 'results')).toBe(180);
    const after = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout);
    expect(after[0]).toMatchObject({ status: 'completed', interrupted: false });
  });

  it('an empty case set is invalid input (exit 2) unless --allow-empty; then the Markdown headline is not ✅', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.server.openaiBaseURL), 'cases.jsonl': '' });
    const empty = await runCli(['run', 'evalspec.yaml', '--junit', 'junit.xml'], { cwd: dir, env });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain(`error[EMPTY_PLAN] ${join(dir, 'evalspec.yaml')}: the suite has no cases (cases.jsonl is empty): nothing would be measured`);
    expect(empty.stderr).toContain('--allow-empty');
    expect(countRows(dir, 'runs')).toBe(0);
    const ci = await runCli(['ci', 'evalspec.yaml'], { cwd: dir, env });
    expect(ci.exitCode).toBe(2);
    expect(ci.stderr).toContain('error[EMPTY_PLAN]');
    const dry = await runCli(['run', 'evalspec.yaml', '--dry-run'], { cwd: dir, env });
    expect(dry.exitCode).toBe(2);

    const allowed = await runCli(['run', 'evalspec.yaml', '--allow-empty', '--md', 'summary.md', '--no-progress'], { cwd: dir, env });
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md.split('\n')[0]).not.toContain('✅');
    expect(md).toContain('No case ran and the suite has no quality bars');
    const ciAllowed = await runCli(['ci', 'evalspec.yaml', '--allow-empty', '--md', 'comment.md', '--no-progress'], { cwd: dir, env });
    expect(ciAllowed.exitCode, ciAllowed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'comment.md'), 'utf8').split('\n')[0]).not.toContain('✅');
  });

  it('a budget-stopped run counts the segment sizes of the cases that ran, and `ci` says the budget stopped it', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.server.openaiBaseURL, 'concurrency: 1\n'), 'cases.jsonl': cases(100) });
    // gpt-4o-mini at list price: 1,000 input + 200 output tokens a call.
    const price = calcPrice({ input_tokens: 1, output_tokens: 1 }, 'gpt-4o-mini', { providerId: 'openai' })!.model_price;
    const perCall = (1000 * (price.input_mtok as number) + 200 * (price.output_mtok as number)) / 1e6;
    // Room for 12 calls (the reservation counts the prompt's ~15 tokenizer tokens and 256 output tokens:
    // less than a real call here, whose 1,000 input tokens decide): concurrency 1 makes it exact.
    const cap = 12.5 * perCall;
    const ci = await runCli(['ci', 'evalspec.yaml', '--model', 'gpt-4o-mini', '--max-cost', String(cap), '--json', 'ci.json', '--no-progress'], {
      cwd: dir,
      env,
    });
    expect(ci.exitCode, ci.stderr).toBe(3);
    expect(fake.server.requests).toHaveLength(12);
    const out = JSON.parse(readFileSync(join(dir, 'ci.json'), 'utf8'));
    expect(out.reasons[0]).toContain('stopped by --max-cost');
    expect(out.reasons[0]).not.toContain('in error after retries');
    expect(ci.stdout).toContain('stopped by --max-cost');
    // Cases c1..c12 ran: c1, c3, … are enterprise (6), c2, c4, … smb (6).
    const segments = out.report.segments as { tag: string; cases: number }[];
    expect(segments.map((s) => [s.tag, s.cases])).toEqual([
      ['segment:enterprise', 6],
      ['segment:smb', 6],
    ]);
    const costSegments = out.report.costs.segments as { segment: string; cases: number }[];
    expect(costSegments.map((s) => [s.segment, s.cases])).toEqual([
      ['enterprise', 6],
      ['smb', 6],
    ]);
  });

  it('`diff latest latest` is refused: a run compared with itself', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(fake.server.openaiBaseURL), 'cases.jsonl': cases(3) });
    expect((await runCli(['run', 'evalspec.yaml', '--no-progress'], { cwd: dir, env })).exitCode).toBe(0);
    const runId = runIds(dir)[0];
    const diff = await runCli(['diff', 'latest', 'latest'], { cwd: dir });
    expect(diff.exitCode).toBe(2);
    expect(diff.stderr).toContain(`latest (= ${runId}) and latest (= ${runId}) name the same run: a run compared with itself shows no change`);
    const byId = await runCli(['diff', runId, 'latest'], { cwd: dir });
    expect(byId.exitCode).toBe(2);
  });
});
