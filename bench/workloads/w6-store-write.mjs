// W6-store: results write throughput of the store, PostgreSQL vs SQLite (issue #14). The same 40,000 results
// (20,000 cases x 2 variants, the W2 size; ~100-character outputs, one check, messages shared by the two variants
// of a case) are written through the Store interface in batches of 500 (what the run's result writer hands over),
// into a fresh SQLite file and into a fresh database of a throwaway PostgreSQL cluster (bench/pg-cluster.mjs, or
// $EVALSPEC_BENCH_PG_URL); then listed back once, and the run's report built over them (buildRunReport: what
// `show` and the viewer compute). Rows/s = results / wall seconds. Skipped, with the reason, when no PostgreSQL
// binaries exist. Uses the built package (dist/).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { findPgBinaries, startPgCluster } from '../pg-cluster.mjs';

const CASES = 20_000;
const VARIANTS = ['fake-large', 'fake-small'];
const BATCH = 500;

function rows() {
  const out = [];
  for (let c = 0; c < CASES; c++) {
    const messages = [{ role: 'user', content: `You are a support assistant. Answer with the requested code only.\n\nQuestion: ticket ${c}` }];
    for (const v of VARIANTS) {
      out.push({
        runId: 'w6',
        caseId: `c${c}`,
        variantId: v,
        repeat: 0,
        output: `The code you asked for is CODE-${c}. Let me know if there is anything else I can help you with today.`,
        pass: c % 7 !== 0,
        score: c % 7 !== 0 ? 1 : 0,
        cached: false,
        latencyMs: 150 + (c % 50),
        inputTokens: 30,
        outputTokens: 24,
        costUsd: 0.000012,
        errorClass: null,
        errorMessage: null,
        attempts: 1,
        checks: [{ type: 'contains', metric: 'contains', severity: 'normal', weight: 1, pass: c % 7 !== 0, score: 1, reason: `output contains "CODE-${c}"` }],
        messages,
        finishedAt: new Date(1_700_000_000_000 + c).toISOString(),
      });
    }
  }
  return out;
}

const variant = (id) => ({ id, label: id, model: `openai:${id}`, providerType: 'openai', modelId: id, prompt: 'v1' });

async function measure({ openStore, buildRunReport }, location) {
  const store = openStore(location);
  try {
    await store.runs.create({
      id: 'w6',
      suiteName: 'w6',
      suiteHash: 'h',
      suiteFile: 'w6.yaml',
      label: null,
      status: 'completed',
      formatVersion: 1,
      config: {},
      variants: VARIANTS.map(variant),
      repeat: 1,
      gitCommit: null,
      gitBranch: null,
      totalCalls: CASES * VARIANTS.length,
      startedAt: new Date().toISOString(),
      endedAt: null,
      warnings: [],
    });
    const all = rows();
    const cases = Array.from({ length: CASES }, (_, c) => ({
      caseId: `c${c}`,
      contentHash: `h${c}`,
      tags: [`segment:s${c % 4}`],
      vars: {},
      cluster: null,
      description: null,
    }));
    await store.cases.putMany('w6', cases);
    const t0 = performance.now();
    for (let i = 0; i < all.length; i += BATCH) await store.results.putMany(all.slice(i, i + BATCH));
    const writeS = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    let listed = 0;
    for await (const _ of store.results.list('w6')) listed++;
    const readS = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    const report = await buildRunReport(store, 'w6');
    const reportS = (performance.now() - t2) / 1000;
    const passed = report.variants.map((v) => v.passed).join('/');
    return { rows: all.length, listed, writeRowsPerS: all.length / writeS, readRowsPerS: listed / readS, reportS, passed };
  } finally {
    await store.close();
  }
}

/** Run the workload; `check(name, ok, detail)` records a pass/fail line, `work` is a scratch folder. */
export async function runW6StoreWrite({ repo, work, check }) {
  console.log('\n## W6-store: results write throughput, 40,000 results in batches of 500, PostgreSQL vs SQLite');
  const { openStore } = await import(pathToFileURL(path.join(repo, 'dist/store/index.js')).href);
  const { buildRunReport } = await import(pathToFileURL(path.join(repo, 'dist/report/index.js')).href);
  const lib = { openStore, buildRunReport };
  fs.mkdirSync(work, { recursive: true });
  const sqlite = await measure(lib, path.join(work, 'w6.db'));
  const f = (x) => Math.round(x).toLocaleString('en-US');
  const line = (r) => `write ${f(r.writeRowsPerS)} rows/s, list ${f(r.readRowsPerS)} rows/s, report ${r.reportS.toFixed(2)} s`;
  console.log(`SQLite:     ${line(sqlite)}`);
  let cluster = null;
  let admin = process.env.EVALSPEC_BENCH_PG_URL;
  if (!admin) {
    const bins = findPgBinaries();
    if ('reason' in bins) {
      console.log(`PostgreSQL: skipped (${bins.reason})`);
      return { sqlite, postgres: null };
    }
    // Durable (fsync and synchronous commit on), like the SQLite store's WAL with synchronous=NORMAL.
    cluster = await startPgCluster({ durable: true });
    admin = cluster.url;
  }
  try {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    const db = `w6_${Date.now()}`;
    await client.query(`CREATE DATABASE ${db}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${db}`;
    const postgres = await measure(lib, url.toString());
    console.log(`PostgreSQL: ${line(postgres)}`);
    check(
      'every result written and listed back on both stores',
      [sqlite, postgres].every((r) => r.listed === r.rows),
      `${postgres.listed} / ${postgres.rows}`,
    );
    // Every 7th case fails (c % 7 === 0: 2,858 of 20,000), in both variants: 17,142 passed per variant on both stores.
    check('the report has the same pass counts on both stores', sqlite.passed === '17142/17142' && postgres.passed === sqlite.passed, postgres.passed);
    return { sqlite, postgres };
  } finally {
    cluster?.stop();
  }
}
