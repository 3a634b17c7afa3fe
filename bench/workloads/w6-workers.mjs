// W6-workers: a distributed run (issue #14 item 3). The W1 workload (1,000 cases x 2 models) at 150 ms latency,
// run with `run --distributed --no-work` and 1, 2 and 4 `evalspec worker` processes (--concurrency 160 each)
// sharing the provider's declared concurrency of 160, on a throwaway PostgreSQL cluster (bench/pg-cluster.mjs, or $EVALSPEC_BENCH_PG_URL).
// The latency floor at that concurrency is 2,000 x 0.15 s / 160 = 1.875 s. Reported per worker count: the
// coordinator's wall (process start to report, as a user waits), the calls phase (first request to last response,
// at the server), and both divided by the floor. "0 workers" is the same run in one process (no queue): the
// reference, measured under the same machine load. Workers are started (and idle) before the run, as on a team.
// Skipped, with the reason, when no PostgreSQL binaries exist. Uses the built CLI (dist/).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { findPgBinaries, startPgCluster } from '../pg-cluster.mjs';

// W6_LATENCY_MS: the same runs at another latency (W1's 1,000 ms shows the wall once start-up is small beside the floor).
export const W6 = { n: 1000, latencyMs: Number(process.env.W6_LATENCY_MS ?? 150), concurrency: 160, workers: [0, 1, 2, 4] };

export async function runW6Workers({ startServer, writeSuite, check, CLI, WORK, f }) {
  console.log(`\n## W6-workers: W1 at ${W6.latencyMs} ms over ${W6.workers.join(', ')} worker processes, total concurrency ${W6.concurrency}`);
  let cluster = null;
  let admin = process.env.EVALSPEC_BENCH_PG_URL;
  if (!admin) {
    const bins = findPgBinaries();
    if ('reason' in bins) {
      console.log(`W6-workers: skipped (${bins.reason})`);
      return [];
    }
    cluster = await startPgCluster({ durable: true });
    admin = cluster.url;
  }
  const server = await startServer(['--latency-ms', String(W6.latencyMs)]);
  const floorS = (W6.n * 2 * W6.latencyMs) / 1000 / W6.concurrency;
  const rows = [];
  try {
    for (const k of W6.workers) {
      const db = `w6_workers_${k}_${Date.now()}`;
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE ${db}`);
      await client.end();
      const url = new URL(admin);
      url.pathname = `/${db}`;
      const dir = path.join(WORK, `W6-workers-${k}`);
      const suiteFile = writeSuite(dir, { name: 'bench-w6-workers', n: W6.n, port: server.port, concurrency: W6.concurrency });
      // The provider's limit of 160, declared: the workers lease it between them (distribute/provider-slots.ts).
      fs.writeFileSync(suiteFile, fs.readFileSync(suiteFile, 'utf8').replace(/apiKey: ("[^"]*") \}/, `apiKey: $1, concurrency: ${W6.concurrency} }`));
      // The queue's schema is created by the first process; a worker's start creates it before the run.
      const workers = [];
      for (let i = 0; i < k; i++) {
        // Each worker could send the whole limit (its own --concurrency); the provider's declared 160 holds across them.
        const w = spawn(process.execPath, [CLI, 'worker', '--concurrency', String(W6.concurrency), '--db', url.toString()], { cwd: dir, stdio: 'ignore' });
        workers.push(w);
      }
      if (k > 0) await new Promise((r) => setTimeout(r, 3000)); // workers connected and polling
      await server.reset();
      const started = Date.now();
      const rc = await new Promise((resolve) => {
        // 0 workers: the same run in one process on the same PostgreSQL, the reference under the same machine load.
        const mode = k === 0 ? [] : ['--distributed', '--no-work'];
        const c = spawn(process.execPath, [CLI, 'run', 'evalspec.yaml', ...mode, '--no-progress', '--db', url.toString()], {
          cwd: dir,
          stdio: 'ignore',
        });
        c.on('exit', (code) => resolve(code));
      });
      const wallS = (Date.now() - started) / 1000;
      const stats = await server.stats();
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r() : w.once('exit', r)))));
      const callsS = stats.firstAt ? (stats.lastAt - stats.firstAt) / 1000 : null;
      const row = {
        workers: k,
        rc,
        wallS,
        callsS,
        floorS,
        wallRatio: wallS / floorS,
        callsRatio: callsS === null ? null : callsS / floorS,
        requests: stats.requests,
        maxInFlight: stats.maxInFlight,
        avgInFlight: stats.avgInFlight,
      };
      rows.push(row);
      console.log(
        `W6-workers ${k === 0 ? 'single process' : `${k} worker(s)`}: rc ${rc} wall ${f(wallS, 2)} s (wall/floor ${f(row.wallRatio, 2)}) · calls ${f(callsS, 2)} s (calls/floor ${f(row.callsRatio, 2)}) · ${stats.requests} requests · in flight at most ${stats.maxInFlight}, ${f(stats.avgInFlight, 0)} on average`,
      );
      check(
        'W6-workers',
        `${k} worker(s): every call made once, run completed`,
        rc === 0 && stats.requests === W6.n * 2,
        `rc ${rc}, ${stats.requests} requests`,
      );
      check(
        'W6-workers',
        `${k} worker(s): the provider's concurrency of ${W6.concurrency} held`,
        stats.maxInFlight <= W6.concurrency,
        `at most ${stats.maxInFlight} in flight`,
      );
      fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await server.stop();
    cluster?.stop();
  }
  return rows;
}
