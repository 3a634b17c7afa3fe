// The PostgreSQL store through the real CLI (--db postgres://… and $EVALSPEC_DB), against the loopback fake
// provider: the same suite run on SQLite and on PostgreSQL gives the same figures in `show`, `diff`, `select`,
// `history`, `doctor` and `runs` (run ids, times and latencies aside); `store copy` from a SQLite file then `show` gives the same
// report; `--resume` on PostgreSQL never re-calls a stored item; the URL's password never appears in any output,
// stored record or error. The PostgreSQL is the test run's throwaway cluster (test/pg-global-setup.ts).
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeProvider, type FakeProvider, type FakeRequest } from '../fake-provider/server.js';
import { cleanupTempDirs, jsonl, runCli, startCli, tempDir, writeFiles, type CliResult } from '../helpers/cli.js';
import { openAiSuite } from '../helpers/suite.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { PG_MIGRATIONS } from '../../src/store/index.js';

const KEY = 'sk-pg-e2e-key-0123456789';
const N = 80;
const caseNumber = (req: Pick<FakeRequest, 'messages'>): number => Number(/Ticket (\d+):/.exec(req.messages.at(-1)!.content)![1]);
// gpt-4o-mini misses every 4th code: pass rates 100% and 75%, so a comparison has something to find.
const answer = (req: FakeRequest) => (req.model === 'gpt-4o-mini' && caseNumber(req) % 4 === 0 ? 'Sorry.' : `Your code: CODE-${caseNumber(req)}`);
const SUITE = (url: string) =>
  openAiSuite({
    name: 'team',
    url,
    models: '[openai:gpt-4o-mini, openai:gpt-4o]',
    checks: '[{ type: contains, value: "CODE-{{n}}" }]',
    extra: 'concurrency: 8\n',
  });
const CASES = jsonl(
  Array.from({ length: N }, (_, i) => ({
    id: `c${i + 1}`,
    tags: [`topic:${i % 3}`],
    vars: { question: `Ticket ${i + 1}: the code is CODE-${i + 1}.`, n: String(i + 1) },
  })),
);

const resultKey = (x: unknown) => {
  const r = x as { caseId?: unknown; variantId?: unknown; repeat?: unknown };
  return `${r.caseId}\u0000${r.variantId}\u0000${r.repeat}`;
};

/**
 * A report without what differs between two executions of the same suite: ids, times, latencies, where it was
 * stored, and the order results finished in (concurrent calls finish in any order, on either store).
 */
function figures(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(figures);
    const perResult = items.length > 0 && items.every((x) => x !== null && typeof x === 'object' && 'caseId' in x);
    return perResult ? items.sort((a, b) => (resultKey(a) < resultKey(b) ? -1 : resultKey(a) > resultKey(b) ? 1 : 0)) : items;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (
      /^(runId|previousRunId|id|startedAt|endedAt|finishedAt|createdAt|generatedAt|durationMs|wallMs|file|location|store)$|latenc|Latenc|PerSecond|^run$|^before$|^after$/.test(
        k,
      )
    )
      continue;
    out[k] = figures(v);
  }
  return out;
}

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const ok = (r: CliResult) => expect(r.exitCode, `${r.stderr}\n${r.stdout}`).toBe(0);
const mode = pgTestMode();

describe.skipIf(mode === 'skip')('the PostgreSQL store through the CLI', () => {
  if (mode === 'skip') console.warn(`skipping the PostgreSQL e2e tests: ${pgUnavailableReason()}`);
  let server: FakeProvider;
  const env = { OPENAI_API_KEY: KEY };
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    if (mode === 'fail') throw new Error(`the PostgreSQL e2e tests cannot run under CI: ${pgUnavailableReason()}`);
    server = await startFakeProvider({ apiKey: KEY, latencyMs: 5, answer });
  });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  afterAll(async () => {
    await server?.close();
    cleanupTempDirs();
  });

  const cli = (args: string[], dir: string, db?: string) => runCli(db ? ['--db', db, ...args] : args, { cwd: dir, env });

  it('run, show, diff, select, history, doctor and runs give the same figures on PostgreSQL as on SQLite; the password appears nowhere', async () => {
    const url = await createPgDatabase();
    const password = new URL(url).password;
    expect(password.length).toBeGreaterThan(8);
    const outputs: CliResult[] = [];
    const side = async (db: string | undefined) => {
      const dir = tempDir();
      writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': CASES });
      const run = async (args: string[]) => {
        const r = await cli(args, dir, db);
        outputs.push(r);
        ok(r);
        return r;
      };
      await run(['run', 'evalspec.yaml', '--json', 'run1.json']);
      await run(['run', 'evalspec.yaml', '--json', 'run2.json']); // from the cache: a second run to diff against
      const ids = [(readJson(join(dir, 'run1.json')) as { runId: string }).runId, (readJson(join(dir, 'run2.json')) as { runId: string }).runId];
      await run(['show', ids[0], '--json', 'show.json']);
      await run(['diff', ids[0], ids[1], '--json', 'diff.json']);
      await run(['select', ids[0], '--json', 'select.json']);
      await run(['history', 'team', '--json', 'history.json']);
      await run(['doctor', ids[0], '--json', 'doctor.json']);
      const runs = await run(['runs', '--json']);
      return {
        ids,
        run: figures(readJson(join(dir, 'run1.json'))),
        show: figures(readJson(join(dir, 'show.json'))),
        diff: figures(readJson(join(dir, 'diff.json'))),
        select: figures(readJson(join(dir, 'select.json'))),
        history: figures(readJson(join(dir, 'history.json'))),
        doctor: figures(readJson(join(dir, 'doctor.json'))),
        runs: (JSON.parse(runs.stdout) as { status: string; totalCalls: number }[]).map((r) => [r.status, r.totalCalls]),
      };
    };
    const sqlite = await side(undefined);
    const postgres = await side(url);
    expect(postgres.ids[0]).not.toBe(sqlite.ids[0]);
    // The figures are real: 80 cases × 2 models, gpt-4o-mini misses 20 (every 4th).
    expect(JSON.stringify(postgres.run)).toContain('"passed":60');
    expect(postgres.run).toEqual(sqlite.run);
    expect(postgres.show).toEqual(sqlite.show);
    expect(postgres.diff).toEqual(sqlite.diff);
    expect(postgres.select).toEqual(sqlite.select);
    expect(postgres.history).toEqual(sqlite.history);
    expect(postgres.doctor).toEqual(sqlite.doctor);
    expect(postgres.runs).toEqual(sqlite.runs);
    // $EVALSPEC_DB reaches the same store.
    const viaEnv = await runCli(['runs', '--json'], { cwd: tempDir(), env: { EVALSPEC_DB: url } });
    ok(viaEnv);
    expect(JSON.parse(viaEnv.stdout)).toHaveLength(2);

    // The password: not in any output, nor in any stored text (runs, results, cases).
    for (const r of outputs) expect(r.stdout + r.stderr).not.toContain(password);
    const stored = await pgQuery<{ t: string }>(url, "SELECT concat_ws(' ', r.*) AS t FROM runs r UNION ALL SELECT concat_ws(' ', x.*) FROM results x");
    expect(stored.length).toBeGreaterThan(2 * N);
    for (const row of stored) expect(row.t).not.toContain(password);
  });

  it('ci (run + gate + diff against the latest main run) and gate decide the same on PostgreSQL as on SQLite', async () => {
    const withBar = `${SUITE(server.openaiBaseURL)}bars:\n  - { metric: pass_rate, min: 0.9, variant: gpt-4o }\n`;
    const side = async (db: string | undefined) => {
      const dir = tempDir();
      writeFiles(dir, { 'evalspec.yaml': withBar, 'cases.jsonl': CASES });
      ok(await cli(['run', 'evalspec.yaml', '--label', 'main'], dir, db));
      ok(await cli(['ci', 'evalspec.yaml', '--json', 'ci.json'], dir, db));
      const gate = await cli(['gate', 'latest', '--json'], dir, db);
      ok(gate);
      return { ci: figures(readJson(join(dir, 'ci.json'))), gate: figures(JSON.parse(gate.stdout)) };
    };
    const sqlite = await side(undefined);
    const postgres = await side(await createPgDatabase());
    // gpt-4o passes all 80 cases: the one-sided 95% Wilson lower bound (≈ 0.967) clears 0.9.
    expect(JSON.stringify(postgres.gate)).toContain('"verdict":"met"');
    expect(postgres.ci).toEqual(sqlite.ci);
    expect(postgres.gate).toEqual(sqlite.gate);
  });

  it('store copy from a SQLite file keeps the fold, then show on PostgreSQL: the same report; copying again skips the run', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'evalspec.yaml': SUITE(server.openaiBaseURL), 'cases.jsonl': CASES });
    ok(await cli(['run', 'evalspec.yaml', '--json', 'local.json'], dir));
    const runId = (readJson(join(dir, 'local.json')) as { runId: string }).runId;
    ok(await cli(['labels', 'import', 'labels.jsonl', '--run', runId], writeLabels(dir)));
    const url = await createPgDatabase();
    const copy = await cli(['store', 'copy', '--from', '.evalspec/evalspec.db', '--to', url], dir);
    ok(copy);
    expect(copy.stdout).toContain(`copied ${runId}: ${2 * N} results, 2 labels`);
    expect(copy.stdout).not.toContain(new URL(url).password);
    // The copied run's fold is kept in the target (the source's names the source's write positions).
    expect(copy.stdout).toContain(`${runId}: folded (${2 * N} results)`);
    const sections = await pgQuery<{ section: string }>(url, 'SELECT DISTINCT section FROM run_folds WHERE run_id = $1 ORDER BY section', [runId]);
    expect(sections.map((r) => r.section)).toEqual(['cases', 'outcomes', 'report', 'selection']);
    expect((await cli(['store', 'fold', runId], dir, url)).stdout).toContain(`${runId}: already current`);
    ok(await cli(['show', runId, '--json', 'sqlite.json'], dir));
    ok(await cli(['show', runId, '--json', 'pg.json'], dir, url));
    const strip = (f: string) => ({ ...(readJson(join(dir, f)) as object), generatedAt: null });
    expect(strip('pg.json')).toEqual(strip('sqlite.json'));
    const labels = await cli(['labels', 'list', runId, '--json'], dir, url);
    ok(labels);
    expect(labels.stdout).toContain('"labeller": "ann"');
    const again = await cli(['store', 'copy', '--from', '.evalspec/evalspec.db', '--to', url], dir);
    ok(again);
    expect(again.stdout).toContain(`skipped ${runId}: already in the target`);
    const migrate = await cli(['store', 'migrate'], dir, url);
    ok(migrate);
    expect(migrate.stdout).toMatch(
      new RegExp(`postgres store postgres://evalspec:\\*\\*\\*@127\\.0\\.0\\.1:\\d+/\\w+: schema version ${PG_MIGRATIONS.at(-1)!.version}\\n`),
    );
    expect(migrate.stdout).toContain('already up to date');
  });

  it('--resume on PostgreSQL after kill -9 never re-calls a stored item and completes the run', async () => {
    const url = await createPgDatabase();
    const dir = tempDir();
    const slow = await startFakeProvider({ apiKey: KEY, latencyMs: 40, answer });
    try {
      writeFiles(dir, { 'evalspec.yaml': SUITE(slow.openaiBaseURL).replace('concurrency: 8', 'concurrency: 4'), 'cases.jsonl': CASES });
      const child = startCli(['--db', url, 'run', 'evalspec.yaml'], { cwd: dir, env });
      children.push(child);
      const exited = once(child, 'close');
      const stored = async () => (await pgQuery<{ k: string }>(url, "SELECT case_id || '|' || variant_id AS k FROM results").catch(() => [])).map((r) => r.k);
      const deadline = Date.now() + 30_000;
      while ((await stored()).length < 40) {
        if (Date.now() > deadline) throw new Error('timed out waiting for stored results');
        await new Promise((r) => setTimeout(r, 20));
      }
      child.kill('SIGKILL');
      await exited;
      const before = new Set(await stored());
      expect(before.size).toBeLessThan(2 * N);
      const requestsBefore = slow.requests.length;
      const [{ id }] = await pgQuery<{ id: string }>(url, 'SELECT id FROM runs');
      const resumed = await cli(['run', '--resume', id], dir, url);
      ok(resumed);
      const after = slow.requests.slice(requestsBefore).map((r) => `c${caseNumber(r)}|${r.model}`);
      expect(after.filter((k) => before.has(k))).toEqual([]);
      const final = await stored();
      expect(final.length).toBe(2 * N);
      expect(new Set(final).size).toBe(2 * N);
      const [{ status }] = await pgQuery<{ status: string }>(url, 'SELECT status FROM runs');
      expect(status).toBe('completed');
    } finally {
      await slow.close();
    }
  });

  it('a wrong password or an unreachable server: a STORE error (exit 2) naming the redacted URL, never the password', async () => {
    const url = new URL(await createPgDatabase());
    const wrong = new URL(url);
    wrong.password = 'not-the-Secret-42';
    const refused = await cli(['runs'], tempDir(), wrong.toString());
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('error[STORE]');
    expect(refused.stderr).toContain('refused the credentials');
    expect(refused.stderr).toContain('evalspec:***@');
    expect(refused.stderr).not.toContain('not-the-Secret-42');
    const down = new URL(url);
    down.port = '1'; // nothing listens on port 1
    const unreachable = await cli(['runs'], tempDir(), down.toString());
    expect(unreachable.exitCode).toBe(2);
    expect(unreachable.stderr).toContain('cannot connect to the PostgreSQL store');
    expect(unreachable.stderr).not.toContain(url.password);
    const empty = await cli(['runs'], tempDir(), url.toString());
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toContain('the store is empty');
  });
});

function writeLabels(dir: string): string {
  writeFiles(dir, {
    'labels.jsonl': jsonl([
      { case_id: 'c1', variant: 'gpt-4o', label: 'pass', labeller: 'ann' },
      { case_id: 'c4', variant: 'gpt-4o-mini', label: 'fail', labeller: 'ann' },
    ]),
  });
  return dir;
}
