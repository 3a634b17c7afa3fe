// W8 (issue #22): a million results on one laptop. N cases × 2 models at latency 0 (default N = 500,000, i.e.
// 1,000,000 results), run twice into one store (the second run is the "after" of the diff), then the
// read-back commands on it: `show RUN2`, `diff RUN1 RUN2`, `select RUN2`. Each is timed with its peak RSS.
// The bar: peak RSS ≤ 300 MB for `run --json`, and ≤ 300 MB and ≤ 5 s for show, diff and select.
//
// W8_CASES=12500,50000 (comma-separated case counts) runs smaller sizes for a scaling table (25k / 100k
// results); the checks apply to the 1,000,000-result size only.
//
// W8_RUN_ONLY=1 measures `run --json` alone: one run per size, no second run and no read-back commands (the run's
// flatness at 100k / 300k / 1M results takes minutes instead of the read-back's half hour; the RSS during the calls
// is printed with each run: "(… MB until the last call)").
//
// W8_SYNTHETIC=1 skips the two runs: the store is written straight through the Store API (w8-synthetic.mjs, about a
// minute at 1M), so the read-back figures come from a synthetic store and `run --json` is not measured.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { writeSyntheticW8 } from './w8-synthetic.mjs';

const require = createRequire(import.meta.url);

/** Delete the folds the runs kept (SQLite): the read-back then scans the rows, as for runs stored before folds. */
function dropFolds(db) {
  const Database = require('better-sqlite3');
  const sqlite = new Database(db);
  try {
    sqlite.prepare('DELETE FROM run_folds').run();
  } finally {
    sqlite.close();
  }
}

const MB_LIMIT = 300;
const S_LIMIT = 5;

/** ctx: the helpers of run-bench.mjs (startServer, runEvalspec, printEvalspec, timed, add, check, f, CLI, WORK). */
export async function runW8(ctx) {
  const { startServer, runEvalspec, printEvalspec, timed, add, check, f, CLI, WORK } = ctx;
  const sizes = (process.env.W8_CASES ?? '500000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  const synthetic = process.env.W8_SYNTHETIC === '1';
  const runOnly = !synthetic && process.env.W8_RUN_ONLY === '1';
  console.log(
    `\n## W8: ${sizes.map((n) => `${n.toLocaleString('en')} cases`).join(', ')} x 2 models, latency 0, concurrency 64; run twice, then show, diff, select`,
  );
  const server = synthetic ? { stop: async () => {} } : await startServer(['--latency-ms', '0']);
  const table = [];
  try {
    for (const n of sizes) {
      const results = 2 * n;
      const dir = path.join(WORK, `W8-${n}`);
      const db = path.join(dir, 'evalspec.db');
      const runs = [];
      let ids;
      if (synthetic) {
        fs.mkdirSync(dir, { recursive: true });
        ids = await writeSyntheticW8(path.resolve(path.dirname(CLI), '../..'), db, n);
        console.log(`W8/${results}: synthetic store written (${ids.join(', ')}); read-back figures below come from it`);
      } else {
        for (const rep of runOnly ? [1] : [1, 2]) {
          const rec = add(await runEvalspec({ label: `W8/${results}#${rep}`, server, n, latencyMs: 0, concurrency: 64, dir, db }));
          printEvalspec(rec);
          runs.push(rec);
        }
        ids = runs.map((r) => r.report?.runId);
      }
      const [before, after] = ids;
      const row = { results, run: runs.at(-1) };
      if (runOnly) {
        table.push(row);
        if (!process.env.W8_KEEP_DB) fs.rmSync(dir, { recursive: true, force: true });
        continue;
      }
      const commands = {
        show: ['show', after],
        diff: ['diff', before, after],
        select: ['select', after],
      };
      // First as the runs left them (each kept the fold of its results: report/report-fold.ts), then as runs stored
      // before folds were kept read back (the folds deleted: every command scans the rows).
      for (const scanned of [false, true]) {
        if (scanned) dropFolds(db);
        for (const [name, args] of Object.entries(commands)) {
          const label = scanned ? `${name}-scan` : name;
          const r = await timed(process.execPath, [CLI, ...args, '--db', db], { cwd: dir });
          if (r.code !== 0 && !(name === 'diff' && r.code === 1)) console.error(`W8 ${label} exited with ${r.code}:\n${r.stderr.slice(-1500)}`);
          const rec = add({ tool: 'evalspec', workload: `W8/${results}-${label}`, n, wallS: r.wallS, peakRssMB: r.peakRssMB, cpuS: r.cpuS, rc: r.code });
          console.log(`evalspec W8/${results} ${label}: wall=${f(r.wallS, 2)}s peak_rss=${f(r.peakRssMB, 0)}MB rc=${r.code}`);
          row[label] = rec;
        }
      }
      table.push(row);
      if (!process.env.W8_KEEP_DB) fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    await server.stop();
  }
  if (synthetic) console.log('\n(read-back figures from a synthetic store; run --json only from a real run, without W8_SYNTHETIC)');
  console.log('\n| results | run --json wall / peak RSS | show | diff | select | show, diff, select of runs without a kept fold |');
  console.log('|---|---|---|---|---|---|');
  const cell = (r) =>
    r ? `${f(r.wallS, 2)} s / ${f(r.peakRssMB, 0)} MB${r.peakRssCallsMB ? ` (${f(r.peakRssCallsMB, 0)} MB until the last call)` : ''}` : 'n/a';
  const scans = (r) => (r['show-scan'] ? ['show-scan', 'diff-scan', 'select-scan'].map((k) => cell(r[k])).join('; ') : 'n/a');
  for (const r of table)
    console.log(`| ${r.results.toLocaleString('en')} | ${cell(r.run)} | ${cell(r.show)} | ${cell(r.diff)} | ${cell(r.select)} | ${scans(r)} |`);
  const million = table.find((r) => r.results >= 1_000_000);
  if (!million) return;
  if (million.run) check('W8', `run --json peak RSS <= ${MB_LIMIT} MB at 1M results`, million.run.peakRssMB <= MB_LIMIT, `${f(million.run.peakRssMB, 0)} MB`);
  for (const name of runOnly ? [] : ['show', 'diff', 'select']) {
    const r = million[name];
    check(
      'W8',
      `${name} <= ${MB_LIMIT} MB and <= ${S_LIMIT} s at 1M results`,
      r.peakRssMB <= MB_LIMIT && r.wallS <= S_LIMIT,
      `${f(r.wallS, 2)} s, ${f(r.peakRssMB, 0)} MB`,
    );
  }
}
