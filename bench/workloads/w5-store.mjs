// W5-store: the production store's throughput (issue #15), SQLite vs PostgreSQL, through store.production only:
// W5_STORE_RECORDS (default 100,000) production records of OTel-span size (a ~200-character prompt, a
// ~300-character answer, two segment tags, three attributes) written with putRecords in batches of 1,000 (one
// transaction each, what the collector commits before acknowledging), every 5th record also queued for one
// monitor (sample 0.2); then the queue drained by claim(500) + complete(scores), and one monitor's observations
// streamed back. Figures are records/s = records / wall seconds of the writes. The later collector must sustain
// 10,000 spans/s end to end on 2 cores, so the store's inserts must stay well above that. PostgreSQL in a
// throwaway durable cluster (bench/pg-cluster.mjs, or $EVALSPEC_BENCH_PG_URL); skipped with the reason when no
// PostgreSQL binaries exist. Uses the built package (dist/).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { findPgBinaries, startPgCluster } from '../pg-cluster.mjs';

const RECORDS = Number(process.env.W5_STORE_RECORDS ?? 100_000);
const BATCH = 1000;
const SAMPLE_EVERY = 5;
const T0 = Date.UTC(2026, 11, 1);
const PLANS = ['free', 'pro', 'team', 'enterprise'];

/** Records i .. i+n-1 of the stream, and the queue entries of the sampled ones. */
export function batch(i, n) {
  const records = [];
  const queue = [];
  for (let k = i; k < i + n; k++) {
    // As ingest derives them (sha256 of suite, trace and span): random positions in the primary key's B-tree.
    const id = createHash('sha256').update(`w5\0${k}`).digest('hex').slice(0, 32);
    const startedAt = new Date(T0 + k * 10).toISOString();
    records.push({
      id,
      suite: 'w5',
      traceId: `t${id}`,
      spanId: id.slice(16),
      parentSpanId: null,
      conversationId: `c${k % 5000}`,
      startedAt,
      endedAt: new Date(T0 + k * 10 + 850).toISOString(),
      ingestedAt: startedAt,
      source: 'otlp',
      provider: 'openai',
      model: 'gpt-4o-mini',
      responseModel: 'gpt-4o-mini-2024-07-18',
      input: [
        { role: 'system', content: 'You are a support assistant for an online shop. Answer in two sentences at most.' },
        { role: 'user', content: `Ticket ${k}: my order has not arrived yet and the tracking page shows no update since Monday. What can I do?` },
      ],
      output: `Sorry about the delay with order ${k}. Carriers sometimes pause tracking updates for a few days; if nothing changes by Friday, reply here and we will send a replacement or refund you in full, whichever you prefer.`,
      toolCalls: [],
      inputTokens: 60,
      outputTokens: 55,
      costUsd: 0.000042,
      latencyMs: 850,
      ttftMs: 210,
      finishReason: 'stop',
      attributes: { 'app.plan': PLANS[k % 4], 'app.locale': k % 3 === 0 ? 'fr' : 'en', 'app.feature': 'support' },
      tags: [`plan:${PLANS[k % 4]}`, `locale:${k % 3 === 0 ? 'fr' : 'en'}`],
      contentHash: `h${id}`,
      flagged: false,
    });
    if (k % SAMPLE_EVERY === 0) queue.push({ recordId: id, monitor: 'answers' });
  }
  return { records, queue };
}

async function measure(openStore, location) {
  const store = openStore(location);
  try {
    await store.production.queueDepth('w5'); // connected and migrated before the clock starts
    let inserted = 0;
    let generateS = 0;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < RECORDS; i += BATCH) {
      const g = performance.now();
      const { records, queue } = batch(i, Math.min(BATCH, RECORDS - i));
      generateS += (performance.now() - g) / 1000;
      inserted += (await store.production.putRecords(records, queue)).inserted;
    }
    const writeS = (performance.now() - t0) / 1000 - generateS;
    // CPU seconds of this process (generation taken out, at its wall time): what a core could sustain, less
    // sensitive than the wall to other processes on a shared machine. PostgreSQL's own CPU is not in it.
    const cpu = process.cpuUsage(cpu0);
    const writeCpuS = (cpu.user + cpu.system) / 1e6 - generateS;
    // A batch again: all duplicates, nothing queued twice.
    const again = await store.production.putRecords(batch(0, BATCH).records, batch(0, BATCH).queue);
    const queued = await store.production.queueDepth('w5');
    const t1 = performance.now();
    let scored = 0;
    for (;;) {
      const now = Date.now();
      const claimed = await store.production.claim({ suite: 'w5', limit: 500, holder: 'bench', now, leaseUntil: now + 60_000 });
      if (claimed.length === 0) break;
      await store.production.complete(
        claimed.map((e, j) => ({
          recordId: e.recordId,
          monitor: e.monitor,
          scoredAt: new Date().toISOString(),
          status: 'scored',
          reason: null,
          passed: j % 10 !== 0,
          criticalFailed: false,
          checks: [{ name: 'no-refusal', type: 'refusal', passed: true, score: 1, severity: null, reason: null }],
          judgeCostUsd: null,
          metrics: { refusal: 0 },
        })),
      );
      scored += claimed.length;
    }
    const scoreS = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    let observed = 0;
    for await (const _ of store.production.observations({ suite: 'w5', monitor: 'answers' })) observed++;
    const readS = (performance.now() - t2) / 1000;
    return {
      inserted,
      duplicates: again.duplicates,
      queued,
      scored,
      observed,
      writeRps: inserted / writeS,
      writeCpuRps: inserted / writeCpuS,
      scoreRps: scored / scoreS,
      readRps: observed / readS,
    };
  } finally {
    await store.close();
  }
}

/** Run the workload; `check(name, ok, detail)` records a pass/fail line, `work` is a scratch folder. */
export async function runW5Store({ repo, work, check }) {
  console.log(
    `\n## W5-store: production store, ${RECORDS.toLocaleString('en-US')} records in batches of ${BATCH}, 1 in ${SAMPLE_EVERY} queued, SQLite vs PostgreSQL`,
  );
  const { openStore } = await import(pathToFileURL(path.join(repo, 'dist/store/index.js')).href);
  fs.mkdirSync(work, { recursive: true });
  const f = (x) => Math.round(x).toLocaleString('en-US');
  const line = (r) =>
    `putRecords ${f(r.writeRps)} records/s (${f(r.writeCpuRps)} per CPU-second of this process), claim+complete ${f(r.scoreRps)} scores/s, observations ${f(r.readRps)}/s`;
  const expectations = (name, r) => {
    check(
      `${name}: every record inserted once, a repeated batch all duplicates`,
      r.inserted === RECORDS && r.duplicates === BATCH,
      `${r.inserted}, ${r.duplicates}`,
    );
    const sampled = Math.ceil(RECORDS / SAMPLE_EVERY);
    check(
      `${name}: the queue holds the sampled records once, each scored and observed once`,
      [r.queued, r.scored, r.observed].every((n) => n === sampled),
      `${r.queued}/${r.scored}/${r.observed} of ${sampled}`,
    );
  };
  const sqlite = await measure(openStore, path.join(work, 'w5.db'));
  console.log(`SQLite:     ${line(sqlite)}`);
  expectations('SQLite', sqlite);
  check(
    'SQLite: putRecords well above the collector bar of 10,000 spans/s (x2, per CPU-second)',
    sqlite.writeCpuRps >= 20_000,
    `${f(sqlite.writeCpuRps)} records/CPU-s`,
  );
  let cluster = null;
  let admin = process.env.EVALSPEC_BENCH_PG_URL;
  if (!admin) {
    const bins = findPgBinaries();
    if ('reason' in bins) {
      console.log(`PostgreSQL: skipped (${bins.reason})`);
      return { records: RECORDS, sqlite, postgres: null };
    }
    // Durable (fsync and synchronous commit on), like the SQLite store's WAL with synchronous=NORMAL.
    cluster = await startPgCluster({ durable: true });
    admin = cluster.url;
  }
  try {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    const db = `w5_${Date.now()}`;
    await client.query(`CREATE DATABASE ${db}`);
    await client.end();
    const url = new URL(admin);
    url.pathname = `/${db}`;
    const postgres = await measure(openStore, url.toString());
    console.log(`PostgreSQL: ${line(postgres)}`);
    expectations('PostgreSQL', postgres);
    return { records: RECORDS, sqlite, postgres };
  } finally {
    cluster?.stop();
  }
}
