// Rate limits across worker processes (issues #21 "Across processes" and #14 item 3): three `evalspec worker`
// processes on one key and model share the declared `rate_limit` through the team store, so together they send
// the limit, not three times it. Against the shared bench server's token bucket (--rpm): every call completes at
// the server's ground truth and the rejected requests stay within a small bound. Without the shared budget each
// worker paces itself to the whole limit and the server rejects far more. No timing asserts.
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanupTempDirs, runCli, startCli, tempDir, writeFiles } from '../helpers/cli.js';
import { createPgDatabase, pgQuery, pgTestMode, pgUnavailableReason } from '../helpers/pg.js';
import { amberSuite, SHARED_SERVER, startSharedServer, type SharedServer } from '../helpers/shared-server.js';

const KEY = 'sk-distributed-rate-limit-0123456789';
const N = 150; // cases, one model: 150 calls at 1,200 requests/min ≈ 7.5 s of the server's limit
const RPM = 1200;
const TPM = 90_000; // about 100 tokens a call (prompt and answer): about 15 calls/s
const mode = pgTestMode();

const suite = (url: string, rateLimit: string) =>
  amberSuite({ name: 'distributed-rate-limits', url, apiKey: '${OPENAI_API_KEY}', provider: `rate_limit: ${rateLimit}`, models: ['fake-large'], cases: N });

describe.skipIf(mode === 'skip' || !existsSync(SHARED_SERVER))('a declared rate limit shared by three worker processes', () => {
  if (mode === 'skip') console.warn(`skipping the distributed rate-limit e2e test: ${pgUnavailableReason()}`);
  const workers: ChildProcess[] = [];
  let server: SharedServer | undefined;
  beforeAll(() => {
    if (mode === 'fail') throw new Error(`the distributed rate-limit e2e test cannot run under CI: ${pgUnavailableReason()}`);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      if (w.exitCode === null && w.signalCode === null) {
        w.kill('SIGTERM');
        await once(w, 'exit');
      }
    }
    await server?.stop();
  });
  afterAll(() => cleanupTempDirs());

  for (const [name, flag, limit, field] of [
    ['requests', '--rpm', RPM, 'rpm'],
    ['tokens', '--tpm', TPM, 'tpm'],
  ] as const) {
    it(`a ${name} limit: every call completes at the ground truth, and the server rejects few requests`, async () => {
      server = await startSharedServer(['--latency-ms', '50', '--burst-s', '1', flag, String(limit)]);
      const dir = tempDir();
      writeFiles(dir, suite(server.url, `{ ${field}: ${limit} }`));
      const db = await createPgDatabase();
      for (let i = 0; i < 3; i++) {
        const worker = startCli(['worker', '--concurrency', '16', '--db', db], { cwd: dir, env: { OPENAI_API_KEY: KEY } });
        worker.stdout!.resume();
        worker.stderr!.resume();
        workers.push(worker);
      }
      // --no-work: the three workers make every call; jobs of 10 cases, so all three hold work at once.
      const run = await runCli(
        ['run', 'evalspec.yaml', '--distributed', '--no-work', '--batch', '10', '--json', 'out.json', '--no-progress', '--no-cache', '--db', db],
        {
          cwd: dir,
          env: { OPENAI_API_KEY: KEY },
          timeoutMs: 120_000,
        },
      );
      expect(run.exitCode, `${run.stderr}\n${run.stdout}`).toBe(0);
      const stats = await server.stats();
      const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
      expect(report.status).toBe('completed');
      const v = report.variants[0];
      expect(stats.truth['fake-large'].prompts).toBe(N);
      expect([v.cases, v.errors, v.passed]).toEqual([N, 0, stats.truth['fake-large'].correct]);
      // Rejected requests: at most 10% of the calls. Each worker pacing itself to the whole limit (three times it
      // together) had the server reject 150-158 requests for these 150 calls under the requests limit and 42 under
      // the tokens limit; shared, 2-4 and 0.
      const rejected = stats.byOutcome.rate_limited ?? 0;
      expect(rejected).toBeLessThanOrEqual(N / 10);
      // The report's rateLimits are every worker's figures summed (each worker stores its own with the run): the
      // attempts add up to what the server saw, the rejections to what it rejected.
      expect(report.rateLimits).toHaveLength(1);
      expect(report.rateLimits[0]).toMatchObject({ model: 'openai:fake-large', declared: { [field]: limit }, learned: { [field]: limit } });
      expect(report.rateLimits[0].attempts).toBe(stats.requests);
      expect(report.rateLimits[0].rejected).toBe(rejected);
      const stored = await pgQuery<{ source: string }>(db, 'SELECT source FROM run_rate_limits');
      expect(stored.length).toBeGreaterThanOrEqual(2); // at least two of the three workers took jobs
      // A later `show` has the same figures, from the store.
      const show = await runCli(['show', report.runId, '--json', 'show.json', '--db', db], { cwd: dir });
      expect(show.exitCode, show.stderr).toBe(0);
      expect(JSON.parse(readFileSync(join(dir, 'show.json'), 'utf8')).rateLimits).toEqual(report.rateLimits);
    }, 180_000);
  }
});
