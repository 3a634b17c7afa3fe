// Distributed runs (issue #14 item 3) through the real CLI on the test PostgreSQL: `run --distributed` enqueues
// the run's items in pg-boss, `evalspec worker` processes take and execute them, and the coordinating process
// waits and prints the report. Against the loopback fake provider: the same 2,000-case suite (10% of requests
// answered 429) split over three workers gives the same stored results and pass rates as a single-process run; a
// worker killed with -9 mid-run loses nothing and no stored item is called twice (counted at the provider);
// `worker` without the team store is a clear error.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, startCli, tempDir, writeFiles, type CliResult } from '../helpers/cli.js';
import { openAiSuite } from '../helpers/suite.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { until } from '../helpers/poll.js';
import { QUEUE, QUEUE_SCHEMA } from '../../src/distribute/index.js';

const KEY = 'sk-distributed-e2e-0123456789';
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);
// gpt-4o-mini misses every 4th code, gpt-4o every 10th: pass rates 75% and 90% (2,000 cases: 1,500 and 1,800 passes).
const answer = (req: FakeRequest) => {
  const n = caseNumber(req);
  return (req.model === 'gpt-4o-mini' && n % 4 === 0) || (req.model === 'gpt-4o' && n % 10 === 0) ? 'Sorry.' : `Your code: CODE-${n}`;
};
const SUITE = (url: string) =>
  openAiSuite({
    name: 'distributed',
    url,
    models: '[openai:gpt-4o-mini, openai:gpt-4o]',
    checks: '[{ type: contains, value: "CODE-{{n}}" }]',
    extra: 'concurrency: 8\nretries: { max: 8, base_ms: 10, max_ms: 50 }\n',
  });
const cases = (n: number) =>
  jsonl(Array.from({ length: n }, (_, i) => ({ id: `c${i + 1}`, vars: { question: `Ticket ${i + 1}: the code is CODE-${i + 1}.`, n: String(i + 1) } })));

/** (model, case) of a provider request: the item it calls (repeat 1 here). */
const itemOf = (req: FakeRequest) => `${req.model}|c${caseNumber(req)}`;
/** Answered requests per item: a stored item is billed once, so each must be 1. */
function answeredPerItem(server: FakeProvider): Map<string, number> {
  const answered = new Map<string, number>();
  for (const r of server.requests) if (!r.fault && r.status === 200) answered.set(itemOf(r), (answered.get(itemOf(r)) ?? 0) + 1);
  return answered;
}

interface ReportJson {
  status: string;
  totalCalls: number;
  variants: { id: string; cases: number; passed: number; failed: number; errors: number; passRate: number }[];
  results: { caseId: string; variantId: string; repeat: number; output: string | null; pass: boolean | null; error: unknown; attempts: number }[];
}
const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as ReportJson;
/** What two executions of one suite must share: per variant counts and pass rate, per result output, pass and error. */
function stored(report: ReportJson) {
  return {
    status: report.status,
    variants: report.variants.map((v) => ({ id: v.id, cases: v.cases, passed: v.passed, failed: v.failed, errors: v.errors, passRate: v.passRate })),
    results: report.results
      .map((r) => ({ key: `${r.variantId}|${r.caseId}|${r.repeat}`, output: r.output, pass: r.pass, error: r.error }))
      .sort((a, b) => (a.key < b.key ? -1 : 1)),
  };
}

const ok = (r: CliResult) => expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
const mode = pgTestMode();

describe('distributed runs without the team store', () => {
  afterAll(() => cleanupTempDirs());
  it('`worker` and `run --distributed` on a SQLite store, --max-cost with --attach and --resume with --distributed: clear errors (exit 2)', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE('http://127.0.0.1:9/v1'), 'cases.jsonl': cases(3) });
    const worker = await runCli(['worker'], { cwd: dir });
    expect(worker.exitCode).toBe(2);
    expect(worker.stderr).toContain('needs the PostgreSQL team store');
    expect(worker.stderr).toContain('--db postgres://');
    const run = await runCli(['run', 'evalspec.yaml', '--distributed'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('`run --distributed` needs the PostgreSQL team store');
    // What a distributed run cannot do yet is refused before anything is created, never silently ignored.
    const budget = await runCli(['run', '--attach', 'r1', '--max-cost', '1'], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    expect(budget.exitCode).toBe(2);
    expect(budget.stderr).toContain('the budget of a distributed run is set when it starts');
    const resume = await runCli(['run', '--distributed', '--resume', 'r1'], { cwd: dir });
    expect(resume.exitCode).toBe(2);
    expect(resume.stderr).toContain('evalspec run --resume r1');
  });
});

describe.skipIf(mode === 'skip')('distributed runs on the PostgreSQL store', () => {
  if (mode === 'skip') console.warn(`skipping the distributed-run e2e tests: ${pgUnavailableReason()}`);
  const workers: ChildProcess[] = [];
  const workerOutput = new Map<ChildProcess, { text: string }>();
  /** What each worker that has exited said last (for the message of a test that finds one gone). */
  const exitedWorkers = () =>
    workers
      .filter((w) => w.exitCode !== null)
      .map((w) => `worker exited ${w.exitCode}:\n${workerOutput.get(w)?.text ?? ''}`)
      .join('\n');
  const servers: FakeProvider[] = [];
  beforeAll(() => {
    if (mode === 'fail') throw new Error(`the distributed-run e2e tests cannot run under CI: ${pgUnavailableReason()}`);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGTERM');
        await once(w, 'exit');
      }
    }
    for (const s of servers.splice(0)) await s.close();
  });
  afterAll(() => cleanupTempDirs());

  /** `rate429`: the share of requests answered 429 (deterministic per (model, messages, attempt), seed 7). */
  const fakeProvider = async (latencyMs: number, rate429 = 0) => {
    const server = await startFakeProvider({
      apiKey: KEY,
      latencyMs,
      answer,
      // Deterministic per (model, messages, attempt): both executions meet the same faults on the same items.
      faultRates: rate429 > 0 ? { rate429, rate500: 0, retryAfterS: 0, seed: 7 } : undefined,
    });
    servers.push(server);
    return server;
  };
  const startWorkers = (dir: string, db: string, n: number, concurrency = 6) => {
    for (let i = 0; i < n; i++) {
      const worker = startCli(['worker', '--concurrency', String(concurrency), '--db', db], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
      // Drained (a full pipe would stall the worker); the last of what it said is kept for a failure's message.
      const said = { text: '' };
      const keep = (d: Buffer) => (said.text = (said.text + d.toString()).slice(-2000));
      worker.stdout!.on('data', keep);
      worker.stderr!.on('data', keep);
      workerOutput.set(worker, said);
      workers.push(worker);
    }
  };

  /** `run --distributed --no-work` (the workers make every call) with `args`, waited for. */
  const runWithoutWork = (dir: string, db: string, args: string[]): Promise<CliResult> =>
    runCli(['run', 'evalspec.yaml', '--distributed', '--no-work', ...args, '--no-progress', '--db', db], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY },
      timeoutMs: 120_000,
    });
  /** A one-model suite whose provider declares `concurrency`. */
  const limitedSuite = (name: string, url: string, concurrency: number) =>
    openAiSuite({ name, url, provider: `concurrency: ${concurrency}`, models: '[openai:gpt-4o-mini]', checks: '[{ type: contains, value: "CODE-{{n}}" }]' });

  it("a 2,000-case run over 3 workers with 10% 429s stores the same results and pass rates as a single-process run (the issue's e2e)", async () => {
    const N = 2000;
    // The single-process run: its own provider (fault draws count attempts per server) and its own database.
    const single = await fakeProvider(2, 0.1);
    const dirA = tempDir();
    writeFiles(dirA, { 'evalspec.yaml': SUITE(single.openaiBaseURL), 'cases.jsonl': cases(N) });
    const a = await runCli(['run', 'evalspec.yaml', '--json', 'a.json', '--no-progress', '--db', await createPgDatabase()], {
      cwd: dirA,
      env: { OPENAI_API_KEY: KEY },
      timeoutMs: 120_000,
    });
    ok(a);

    const spread = await fakeProvider(2, 0.1);
    const dirB = tempDir();
    writeFiles(dirB, { 'evalspec.yaml': SUITE(spread.openaiBaseURL), 'cases.jsonl': cases(N) });
    const db = await createPgDatabase();
    startWorkers(dirB, db, 3);
    // --no-work: the three workers make every call; jobs of 100 items (50 cases × 2 models): 40 jobs.
    const b = await runWithoutWork(dirB, db, ['--batch', '100', '--json', 'b.json']);
    ok(b);
    expect(b.stdout).toContain('mini');

    // The faults happened (~10% of ~4,400 requests), in both executions alike.
    const faults = spread.requests.filter((r) => r.fault).length;
    expect(faults).toBeGreaterThan(300);
    expect(single.requests.filter((r) => r.fault).length).toBe(faults);
    const ra = readReport(join(dirA, 'a.json'));
    const rb = readReport(join(dirB, 'b.json'));
    expect(rb.status).toBe('completed');
    expect(rb.results).toHaveLength(2 * N);
    expect(stored(rb)).toEqual(stored(ra));
    // Pass rates by hand: gpt-4o-mini fails 2000/4 = 500 cases → 1500/2000; gpt-4o fails 2000/10 = 200 → 1800/2000.
    expect(rb.variants.map((v) => [v.id, v.passed])).toEqual([
      ['gpt-4o-mini', 1500],
      ['gpt-4o', 1800],
    ]);
    // Every item answered exactly once by the provider: nothing called (or billed) twice.
    const answered = answeredPerItem(spread);
    expect(answered.size).toBe(2 * N);
    expect([...answered.values()].every((n) => n === 1)).toBe(true);
    const rows = await pgQuery<{ n: number }>(db, 'SELECT count(*)::int AS n FROM results');
    expect(rows[0].n).toBe(2 * N);
  }, 180_000);

  it('--max-cost holds across 3 workers: the calls together stay within the cap, the run stops incomplete (exit 3) and --resume finishes it', async () => {
    const N = 150;
    // Priced by the suite on output tokens only, each call answers 10 of its max_tokens 10: every reservation is
    // exactly a call's cost ($0.01), so the cap is a hard bound on what the three workers spend together.
    const server = await startFakeProvider({ apiKey: KEY, latencyMs: 5, answer: (req) => ({ text: answer(req), outputTokens: 10 }) });
    servers.push(server);
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': openAiSuite({
        name: 'distributed-budget',
        url: server.openaiBaseURL,
        models: '[{ id: openai:gpt-4o-mini, params: { max_tokens: 10 }, price: { input_per_mtok: 0, output_per_mtok: 1000 } }]',
        checks: '[{ type: contains, value: "CODE-{{n}}" }]',
        extra: 'concurrency: 8\n',
      }),
      'cases.jsonl': cases(N),
    });
    const db = await createPgDatabase();
    startWorkers(dir, db, 3);
    const cap = 1.005; // 100 calls fit
    const capped = await runCli(
      ['run', 'evalspec.yaml', '--distributed', '--no-work', '--batch', '10', '--max-cost', String(cap), '--no-progress', '--db', db],
      {
        cwd: dir,
        env: { OPENAI_API_KEY: KEY },
        timeoutMs: 120_000,
      },
    );
    expect(capped.exitCode, `${capped.stdout}\n${capped.stderr}\n${exitedWorkers()}\n${[...workerOutput.values()].map((o) => o.text).join('\n')}`).toBe(3);
    expect(capped.stderr).toContain('budget reached');
    const answered = answeredPerItem(server);
    const calls = [...answered.values()].reduce((s, n) => s + n, 0);
    // Together, not each: three workers each holding the cap would have called all 150.
    expect(calls).toBeLessThanOrEqual(100);
    // And the cap is used, not stranded in leases: a job finding it held waits for what the others give back.
    expect(calls).toBeGreaterThanOrEqual(90);
    const [{ spent, n }] = await pgQuery<{ spent: number; n: number }>(db, 'SELECT SUM(cost_usd)::float AS spent, count(*)::int AS n FROM results');
    expect(n).toBe(calls);
    expect(spent).toBeLessThanOrEqual(cap);
    expect(await pgQuery<{ status: string }>(db, 'SELECT status FROM runs')).toEqual([{ status: 'incomplete' }]);
    const [budgetRow] = await pgQuery<{ spent_usd: number; stopped: boolean }>(db, 'SELECT spent_usd, stopped FROM run_budgets');
    expect(budgetRow.stopped).toBe(true);
    expect(budgetRow.spent_usd).toBeCloseTo(spent, 9);

    // The rest in one process, without a cap: each item called once over both invocations.
    const [{ id }] = await pgQuery<{ id: string }>(db, 'SELECT id FROM runs');
    ok(await runCli(['run', '--resume', id, '--no-progress', '--db', db], { cwd: dir, env: { OPENAI_API_KEY: KEY }, timeoutMs: 120_000 }));
    const after = answeredPerItem(server);
    expect(after.size).toBe(N);
    expect([...after.values()].every((k) => k === 1)).toBe(true);
  }, 180_000);

  it("a provider's declared concurrency holds across 3 workers: at most 5 calls in flight at the provider", async () => {
    const N = 120;
    const server = await fakeProvider(40);
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': limitedSuite('distributed-concurrency', server.openaiBaseURL, 5),
      'cases.jsonl': cases(N),
    });
    const db = await createPgDatabase();
    startWorkers(dir, db, 3);
    ok(await runWithoutWork(dir, db, ['--batch', '10']));
    expect(answeredPerItem(server).size).toBe(N);
    // Each worker has 6 slots of its own (--concurrency 6): without the shared limit up to 18 at once.
    expect(server.stats().maxInFlight).toBeLessThanOrEqual(5);
    expect(server.stats().maxInFlight).toBeGreaterThanOrEqual(3);
    // Every worker gave its slots back when it stopped.
    for (const w of workers.splice(0)) {
      w.kill('SIGTERM');
      await once(w, 'exit');
    }
    expect(await pgQuery(db, 'SELECT * FROM provider_slots')).toEqual([]);
  }, 180_000);

  it("an idle worker's part of a provider's concurrency is lent: one job on one of 2 workers uses the whole limit of 6", async () => {
    const N = 24;
    const server = await fakeProvider(300);
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': limitedSuite('distributed-lending', server.openaiBaseURL, 6),
      'cases.jsonl': cases(N),
    });
    const db = await createPgDatabase();
    startWorkers(dir, db, 2, 8);
    // One job of all 24 items: one worker holds it, the other has nothing to call. Split evenly, the busy worker
    // would send 3 at once; lent, it sends 6 (and never more).
    ok(await runWithoutWork(dir, db, ['--batch', String(N)]));
    expect(answeredPerItem(server).size).toBe(N);
    expect(server.stats().maxInFlight).toBe(6);
  }, 180_000);

  it("a worker's jobs share its --concurrency: with jobs smaller than it, it holds several at once and fills its slots", async () => {
    const N = 24;
    const server = await fakeProvider(300);
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': cases(N) });
    const db = await createPgDatabase();
    startWorkers(dir, db, 1, 8);
    // Jobs of 2 items (1 case x 2 models). One job at a time would keep 2 calls in flight; the worker takes the next
    // jobs while the items in hand cannot fill its 8 slots (up to 4 jobs), so 8 calls go out together.
    ok(await runWithoutWork(dir, db, ['--batch', '2']));
    expect(answeredPerItem(server).size).toBe(N * 2);
    expect(server.stats().maxInFlight).toBe(8);
  }, 180_000);

  it('a job, and each of its calls, longer than its lease: the worker renews the lease and works the job to the end, no item called twice', async () => {
    const N = 6;
    // One job of 6 calls of 4 s, 2 at a time (12 s) against a 3 s lease: every call outlasts the lease. Not renewed,
    // pg-boss would hand the job to the other worker while the first still calls its items, and both would call them.
    const server = await fakeProvider(4000);
    const dir = tempDir();
    writeFiles(dir, {
      'evalspec.yaml': SUITE(server.openaiBaseURL).replace('[openai:gpt-4o-mini, openai:gpt-4o]', '[openai:gpt-4o-mini]'),
      'cases.jsonl': cases(N),
    });
    const db = await createPgDatabase();
    startWorkers(dir, db, 2, 2);
    ok(await runWithoutWork(dir, db, ['--batch', String(N), '--lease-seconds', '3']));
    const answered = answeredPerItem(server);
    expect(answered.size).toBe(N);
    expect([...answered.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(server.requests.length).toBe(N);
    const said = [...workerOutput.values()].map((o) => o.text).join('\n');
    expect(said).not.toContain('taking no new item');
    expect(said).not.toContain('goes back to the queue');
    expect(await pgQuery<{ status: string }>(db, 'SELECT status FROM runs')).toEqual([{ status: 'completed' }]);
  }, 180_000);

  it('--exit-when-idle: a worker works the run, then exits 0 by itself once it has held no job for that long', async () => {
    const N = 20;
    const server = await fakeProvider(5);
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': cases(N) });
    const db = await createPgDatabase();
    // The run first (its coordinator waits for workers), then the worker: its idle clock starts with it.
    const run = runWithoutWork(dir, db, ['--batch', '10']);
    const queued = async () =>
      (await pgQuery<{ n: number }>(db, `SELECT count(*)::int AS n FROM ${QUEUE_SCHEMA}.job WHERE name = $1`, [QUEUE]).catch(() => [{ n: 0 }]))[0].n;
    await until(async () => (await queued()) > 0, { timeoutMs: 60_000, everyMs: 100, what: 'the run to queue its jobs' });
    const worker = startCli(['worker', '--concurrency', '4', '--exit-when-idle', '2', '--db', db], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
    workers.push(worker);
    let said = '';
    worker.stderr!.on('data', (d: Buffer) => (said += d.toString()));
    worker.stdout!.resume();
    ok(await run);
    expect(answeredPerItem(server).size).toBe(N * 2);
    const code: unknown =
      worker.exitCode ?? (await Promise.race([once(worker, 'exit').then(([c]) => c), new Promise((r) => setTimeout(() => r('still running'), 60_000))]));
    expect(code).toBe(0);
    expect(said).toContain('no job for 2 s: exiting');
  }, 180_000);

  it('kill -9 of a worker mid-run loses nothing, and no item stored before the kill is called again', async () => {
    const N = 200;
    const server = await fakeProvider(40);
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': cases(N) });
    const db = await createPgDatabase();
    startWorkers(dir, db, 3);
    // Short leases: the killed worker's jobs go back to the queue a few seconds after the kill.
    const coordinator = startCli(['run', 'evalspec.yaml', '--distributed', '--no-work', '--batch', '20', '--lease-seconds', '3', '--no-progress', '--db', db], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY },
    });
    let out = '';
    coordinator.stdout!.on('data', (d) => (out += d));
    coordinator.stderr!.on('data', (d) => (out += d));
    // Mid-run: a third of the items asked at the provider.
    while (server.requests.length < (2 * N) / 3) {
      if (coordinator.exitCode !== null || workers.some((w) => w.exitCode !== null)) throw new Error(`a process ended early:\n${out}\n${exitedWorkers()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const victim = workers[0];
    victim.kill('SIGKILL');
    await once(victim, 'exit');
    const storedAtKill = await pgQuery<{ case_id: string; variant_id: string }>(db, 'SELECT case_id, variant_id FROM results');
    const [code] = (await once(coordinator, 'exit')) as [number];
    expect(code, out).toBe(0);

    const results = await pgQuery<{ case_id: string; variant_id: string; error_class: string | null }>(
      db,
      'SELECT case_id, variant_id, error_class FROM results',
    );
    expect(results).toHaveLength(2 * N);
    expect(results.filter((r) => r.error_class !== null)).toEqual([]);
    const status = await pgQuery<{ status: string }>(db, 'SELECT status FROM runs');
    expect(status).toEqual([{ status: 'completed' }]);
    // Items stored before the kill: answered exactly once. Items in flight in the dead worker may be asked again.
    const answered = answeredPerItem(server);
    expect(storedAtKill.length).toBeGreaterThan(0);
    for (const r of storedAtKill) expect(answered.get(`${r.variant_id}|${r.case_id}`), `${r.variant_id} ${r.case_id}`).toBe(1);
    expect(answered.size).toBe(2 * N);
    // The dead worker's jobs were leased again (pg-boss's retry count), not run by nobody or lost.
    const retried = await pgQuery<{ n: number }>(db, 'SELECT count(*)::int AS n FROM evalspec_queue.job WHERE retry_count > 0');
    expect(retried[0].n).toBeGreaterThan(0);
  }, 180_000);

  it('run --attach finishes a run whose coordinating process was killed, then prints the stored report', async () => {
    const N = 60;
    const server = await fakeProvider(2);
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': cases(N) });
    const db = await createPgDatabase();
    const env = { OPENAI_API_KEY: KEY };
    // No worker yet: the coordinator enqueues, then dies before anything is called.
    const coordinator = startCli(['run', 'evalspec.yaml', '--distributed', '--no-work', '--batch', '20', '--no-progress', '--db', db], { cwd: dir, env });
    let err = '';
    coordinator.stderr!.on('data', (d) => (err += d));
    coordinator.stdout!.resume();
    while (!/jobs queued/.test(err)) {
      if (coordinator.exitCode !== null) throw new Error(`the coordinator ended early:\n${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const runId = /run (\S+): 6 jobs queued/.exec(err)![1]; // 60 cases in jobs of 10 cases (20 items): 6
    coordinator.kill('SIGKILL');
    await once(coordinator, 'exit');
    expect(server.requests).toHaveLength(0);
    // A plain --resume now would race the workers for the queued items: refused, pointing at --attach.
    const resume = await runCli(['run', '--resume', runId, '--no-progress', '--db', db], { cwd: dir, env });
    expect(resume.exitCode).toBe(2);
    expect(resume.stderr).toContain('6 jobs still queued');
    expect(resume.stderr).toContain(`evalspec run --attach ${runId}`);
    expect(server.requests).toHaveLength(0);

    startWorkers(dir, db, 2);
    const attached = await runCli(['run', '--attach', runId, '--no-work', '--json', 'c.json', '--no-progress', '--db', db], {
      cwd: dir,
      env,
      timeoutMs: 120_000,
    });
    ok(attached);
    const report = readReport(join(dir, 'c.json'));
    expect(report.status).toBe('completed');
    expect(report.results).toHaveLength(2 * N);
    // 60 cases: gpt-4o-mini fails 15 (every 4th), gpt-4o 6 (every 10th).
    expect(report.variants.map((v) => [v.id, v.passed])).toEqual([
      ['gpt-4o-mini', 45],
      ['gpt-4o', 54],
    ]);
    expect([...answeredPerItem(server).values()]).toEqual(Array(2 * N).fill(1));

    // Attaching to a finished run prints its stored report, calls nothing.
    const again = await runCli(['run', '--attach', runId, '--db', db], { cwd: dir, env });
    ok(again);
    expect(again.stdout).toContain(`as run ${runId}`);
    expect(server.requests).toHaveLength(2 * N);
  }, 180_000);

  it('Ctrl-C on the coordinating process: exit 130, run cancelled, its queued jobs withdrawn (no worker takes them later)', async () => {
    const N = 200;
    const server = await fakeProvider(50);
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': cases(N) });
    const db = await createPgDatabase();
    // This process works alone (concurrency 8 from the suite), in jobs of 20 items.
    const coordinator = startCli(['run', 'evalspec.yaml', '--distributed', '--batch', '20', '--no-progress', '--db', db], {
      cwd: dir,
      env: { OPENAI_API_KEY: KEY },
    });
    let out = '';
    coordinator.stdout!.on('data', (d) => (out += d));
    coordinator.stderr!.on('data', (d) => (out += d));
    while (server.requests.length < 30) {
      if (coordinator.exitCode !== null) throw new Error(`the coordinator ended early:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    coordinator.kill('SIGINT');
    const [code] = (await once(coordinator, 'exit')) as [number];
    expect(code, out).toBe(130);
    expect(out).toContain('jobs withdrawn');
    expect(await pgQuery(db, 'SELECT status FROM runs')).toEqual([{ status: 'cancelled' }]);
    // Nothing of the run is left for a worker: every job is completed or cancelled.
    const left = await pgQuery<{ n: number }>(db, "SELECT count(*)::int AS n FROM evalspec_queue.job WHERE state IN ('created', 'retry', 'active')");
    expect(left[0].n).toBe(0);
    // A worker started now finds no work: the provider sees no new request.
    const before = server.requests.length;
    startWorkers(dir, db, 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(server.requests.length).toBe(before);
  }, 120_000);
});
