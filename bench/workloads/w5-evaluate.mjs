// W5-evaluate: what one evaluation of a monitor costs (issue #15; the collector runs one per monitor every cycle, and
// `monitor check` and the viewer's Monitor page pay it too). W5_EVAL_CALLS (default 300,000) scored calls of one
// monitor watching every metric, spread over 30 days (10,000 a day), with the first 7 days as the reference window,
// written through store.production (putRecords, claim, complete) into SQLite; then evaluate(), monitorSeries() and
// the Monitor page's monitorStatusAndSeries() timed: CPU seconds of this process (less sensitive than the wall to the
// other processes of a shared machine) and the RSS growth. Standalone for profiling: `node --cpu-prof bench/workloads/w5-evaluate.mjs [work dir]` (the seeded
// database is kept in the work dir and reused). Uses the built package (dist/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const CALLS = Number(process.env.W5_EVAL_CALLS ?? 300_000);
const DAYS = 30;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const PLANS = ['free', 'pro', 'team', 'enterprise'];
const SUITE = `name: w5e
providers:
  openai: { baseURL: "http://127.0.0.1:9/v1", apiKey: "sk-test-0123456789" }
models: [openai:gpt-4o-mini]
cases: [{ id: c1 }]
checks: [{ type: contains, value: "answer" }]
monitors:
  - name: answers
    window: 1d
    baseline: { window: { since: "2026-11-01", until: "2026-11-08" } }
    metrics: [pass_rate, critical_rate, refusal_rate, cost_per_call, p95_latency, output_length, segment_mix]
    alert: { false_alarm_rate: 0.01, period: 30d, min_samples: 200 }
`;

/** A deterministic draw in [0, 1) per call and purpose (no state: any call can be rebuilt alone). */
const draw = (k, salt) => (((k + 1) * 2654435761 + salt * 40503) % 1_000_003) / 1_000_003;

async function seed(store, calls) {
  const step = (DAYS * DAY) / calls;
  for (let i = 0; i < calls; i += 2000) {
    const records = [];
    const verdicts = new Map();
    for (let k = i; k < Math.min(calls, i + 2000); k++) {
      const t = T0 + Math.floor(k * step);
      const id = `e${k}`;
      const latencyMs = 200 + Math.round(1500 * draw(k, 1));
      verdicts.set(id, { passed: draw(k, 2) < 0.88, critical: draw(k, 3) < 0.02, refusal: draw(k, 4) < 0.03 ? 1 : 0 });
      records.push({
        id,
        suite: 'w5e',
        traceId: `t${id}`,
        spanId: `s${id}`,
        parentSpanId: null,
        conversationId: null,
        startedAt: new Date(t).toISOString(),
        endedAt: new Date(t + latencyMs).toISOString(),
        ingestedAt: new Date(t + latencyMs + 5).toISOString(),
        source: 'otlp',
        provider: 'openai',
        model: 'gpt-4o-mini',
        responseModel: null,
        input: [{ role: 'user', content: `question ${k}` }],
        output: `answer ${k} `.repeat(1 + Math.floor(20 * draw(k, 5))),
        toolCalls: [],
        inputTokens: 20 + Math.floor(200 * draw(k, 6)),
        outputTokens: 10 + Math.floor(100 * draw(k, 5)),
        costUsd: 0.00002 + 0.0001 * draw(k, 7),
        latencyMs,
        ttftMs: null,
        finishReason: 'stop',
        attributes: {},
        tags: [`plan:${PLANS[k % 4]}`],
        contentHash: `h${id}`,
        flagged: false,
      });
    }
    await store.production.putRecords(
      records,
      records.map((r) => ({ recordId: r.id, monitor: 'answers' })),
    );
    const claimed = await store.production.claim({ suite: 'w5e', monitor: 'answers', limit: records.length, holder: 'bench', now: 0, leaseUntil: 60_000 });
    await store.production.complete(
      claimed.map((e) => {
        const v = verdicts.get(e.recordId);
        return {
          recordId: e.recordId,
          monitor: e.monitor,
          scoredAt: new Date(T0 + DAYS * DAY).toISOString(),
          status: 'scored',
          reason: null,
          passed: v.passed,
          criticalFailed: v.critical,
          checks: [],
          judgeCostUsd: null,
          metrics: { refusal: v.refusal },
        };
      }),
    );
  }
}

const cpuSeconds = (c) => (c.user + c.system) / 1e6;

async function timed(fn) {
  const cpu0 = process.cpuUsage();
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const value = await fn();
  return { value, cpuS: cpuSeconds(process.cpuUsage(cpu0)), wallS: (performance.now() - t0) / 1000, rssGrowthMB: (process.memoryUsage().rss - rss0) / 1e6 };
}

/** Run the workload; `check(name, ok, detail)` records a pass/fail line, `work` is a scratch folder (the database is reused). */
export async function runW5Evaluate({ repo, work, check }) {
  const imp = (p) => import(pathToFileURL(path.join(repo, 'dist', p)).href);
  const [{ openStore }, { loadSuite }, { evaluate, monitorSeries, monitorStatusAndSeries }] = await Promise.all([
    imp('store/index.js'),
    imp('suite/index.js'),
    imp('monitor/index.js'),
  ]);
  fs.mkdirSync(work, { recursive: true });
  fs.writeFileSync(path.join(work, 'evalspec.yaml'), SUITE);
  const suite = loadSuite(path.join(work, 'evalspec.yaml'));
  const dbFile = path.join(work, `w5e-${CALLS}.db`);
  const fresh = !fs.existsSync(dbFile);
  const store = openStore(dbFile);
  try {
    if (fresh) await seed(store, CALLS);
    const now = new Date(T0 + DAYS * DAY);
    const status = await timed(() => evaluate(store, suite, 'answers', { now }));
    const series = await timed(() => monitorSeries(store, suite, 'answers', { now }));
    const page = await timed(() => monitorStatusAndSeries(store, suite, 'answers', { now }));
    const s = status.value.status;
    const f = (x) => x.toFixed(2);
    console.log(`\n## W5-evaluate: one monitor, every metric, ${CALLS.toLocaleString('en-US')} scored calls over ${DAYS} days (SQLite)`);
    console.log(`evaluate: ${f(status.cpuS)} CPU-s (${f(status.wallS)} s wall), RSS +${f(status.rssGrowthMB)} MB`);
    console.log(`series:   ${f(series.cpuS)} CPU-s (${f(series.wallS)} s wall), RSS +${f(series.rssGrowthMB)} MB`);
    console.log(`Monitor page (status and series, one pass): ${f(page.cpuS)} CPU-s (${f(page.wallS)} s wall)`);
    console.log(`N per metric: ${s.metrics.map((m) => `${m.metric} ${m.detector?.samplesPerPeriod ?? '-'}`).join(', ')}`);
    check('W5-evaluate', 'every scored call of the window counted', s.samples.scored === Math.round(CALLS / DAYS), `${s.samples.scored}`);
    check('W5-evaluate', 'evaluate ≤ 3 CPU-s (noisy on a shared machine)', status.cpuS <= 3, `${f(status.cpuS)} s`);
    return {
      calls: CALLS,
      evaluate: { cpuS: status.cpuS, wallS: status.wallS, rssGrowthMB: status.rssGrowthMB },
      series: { cpuS: series.cpuS, wallS: series.wallS },
    };
  } finally {
    await store.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const work = path.resolve(process.argv[2] ?? '/tmp/evalspec-w5-evaluate');
  await runW5Evaluate({ repo, work, check: (w, name, ok, detail) => console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${detail})`) });
}
