// W5 per stage, in one process, by CPU time (process.cpuUsage: the figure that stays steady while other processes
// share the cores, unlike wall time). The receiver's stages (decode the OTLP protobuf, map the spans to records with
// language detection, putRecords with the monitor's queue entries) over W5's requests of 100 spans, then the
// scorer's (claim, read back, checks, complete) draining that queue with claims of 256, as the collector's threads do.
// Not a bench workload (no bars): a measuring tool for before/after comparisons of a change.
// Usage: node bench/workloads/w5-stages.mjs WORK_DIR [SPANS=30000]  (after `npx tsc -p tsconfig.json`)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestBody, template } from './w5-loadgen.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const dist = (p) => import(path.join(HERE, '..', '..', 'dist', p));
const { decodeOtlpTraces, spansToRecords, queueEntriesFor, ingestContext, loadLanguageDetector, CallParentMemory } = await dist('ingest/index.js');
const { createProductionScorer } = await dist('monitor/index.js');
const { openStore } = await dist('store/index.js');
const { loadSuite } = await dist('suite/index.js');

const [work = fs.mkdtempSync('/tmp/w5-stages-'), spansArg = '30000'] = process.argv.slice(2);
const SPANS = Number(spansArg);
fs.mkdirSync(work, { recursive: true });
const suiteFile = path.join(work, 'evalspec.yaml');
fs.writeFileSync(
  suiteFile,
  `name: w5
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks:
  - { type: contains, value: "order", metric: mentions-order }
  - { type: regex, value: "refund|replacement", metric: offers-remedy }
  - { type: length, max: 60, unit: words }
monitors:
  - name: answers
    sample: 1.0
`,
);
const dbFile = path.join(work, 'w5-stages.db');
for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) fs.rmSync(f, { force: true });
const suite = loadSuite(suiteFile);
const store = openStore(dbFile);
await loadLanguageDetector();
const ctx = ingestContext({ suite });
const parents = new CallParentMemory();
const request = template(100);
const body = (r) => requestBody(request, r);

const cpu = { decode: 0, map: 0, put: 0, claim: 0, read: 0, score: 0, complete: 0 };
const us = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const rss = { afterLoad: process.memoryUsage().rss, peak: 0 };
const scorer = await createProductionScorer({ suite, store, warnings: [] });
const WARM = 20; // requests before measuring: the JIT and the store's first pages
let ingested = 0;
for (let r = 0; r < WARM + SPANS / 100; r++) {
  const measure = r >= WARM;
  let t = us();
  const spans = decodeOtlpTraces(body(r), 'application/x-protobuf', undefined, 20e6);
  let t2 = us();
  if (measure) cpu.decode += t2 - t;
  const { records } = spansToRecords(spans, ctx, parents);
  t = us();
  if (measure) cpu.map += t - t2;
  await store.production.putRecords(
    records,
    records.flatMap((rec) => queueEntriesFor(rec, suite.monitors)),
  );
  t2 = us();
  if (measure) ((cpu.put += t2 - t), (ingested += records.length));
  // Every 50 requests (5,000 spans: the collector's group size), drain the queue as the scorer thread would.
  if ((r + 1) % 50 === 0 || r === WARM + SPANS / 100 - 1) {
    for (;;) {
      let s = us();
      const now = Date.now();
      const entries = await store.production.claim({ suite: 'w5', limit: 256, holder: 'h', now, leaseUntil: now + 60_000 });
      let s2 = us();
      if (measure) cpu.claim += s2 - s;
      if (entries.length === 0) break;
      const recs = await store.production.getMany(entries.map((e) => e.recordId));
      s = us();
      if (measure) cpu.read += s - s2;
      const scores = await scorer.score(recs, 'answers');
      s2 = us();
      if (measure) cpu.score += s2 - s;
      await store.production.complete(scores);
      s = us();
      if (measure) cpu.complete += s - s2;
    }
  }
  rss.peak = Math.max(rss.peak, process.memoryUsage().rss);
}
const per = (x) => Math.round((x / ingested) * 10) / 10;
const receiver = per(cpu.decode + cpu.map + cpu.put);
const scorerUs = per(cpu.claim + cpu.read + cpu.score + cpu.complete);
console.log(
  JSON.stringify({
    spans: ingested,
    usPerSpan: { decode: per(cpu.decode), map: per(cpu.map), putRecords: per(cpu.put), receiver },
    usPerRecord: { claim: per(cpu.claim), readBack: per(cpu.read), checks: per(cpu.score), complete: per(cpu.complete), scorer: scorerUs },
    rssMB: { afterLoad: Math.round(rss.afterLoad / 1e6), peak: Math.round(rss.peak / 1e6) },
  }),
);
await store.close?.();
