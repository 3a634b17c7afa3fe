// W8 read-back store without the runs (issue #22): two runs of N cases × 2 variants written straight through the
// Store API (what a run's result writer hands over: batches of rows, cases with segment tags), so show / diff /
// select / the viewer can be measured at 1,000,000 results in about a minute instead of the 30 minutes two real
// runs take on 2 cores. Rows are realistic in shape: a pass/fail mix that differs between the runs (flips both
// ways), segment tags, latencies, tokens, costs, one `contains` check, ~100-character outputs, messages shared by
// the variants of a case. Deterministic (seeded PRNG). Uses the built package (dist/).
//
//   node bench/workloads/w8-synthetic.mjs DB [CASES]     (CASES defaults to 500,000; prints the two run ids)
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const VARIANTS = ['fake-large', 'fake-small'];
const SEGMENTS = ['segment:consumer', 'segment:business', 'segment:enterprise'];
const BATCH = 2000;

const variantRecord = (id) => ({ id, label: id, model: `openai:${id}`, providerType: 'openai', modelId: id, prompt: 'v1' });

/** Write one run of `cases` cases × 2 variants; `shift` raises the pass probability (the "after" run). */
async function writeRun(store, mulberry32, buildRunReport, { runId, cases, seed, shift, startedAt }) {
  const random = mulberry32(seed);
  await store.runs.create({
    id: runId,
    suiteName: 'w8',
    suiteHash: 'w8synthetic00000',
    suiteFile: 'suite.yaml',
    label: null,
    status: 'started',
    formatVersion: 1,
    config: { name: 'w8' },
    variants: VARIANTS.map(variantRecord),
    repeat: 1,
    gitCommit: null,
    gitBranch: null,
    totalCalls: cases * VARIANTS.length,
    startedAt,
    endedAt: null,
    warnings: [],
  });
  let caseRows = [];
  for (let c = 0; c < cases; c++) {
    const tags = [SEGMENTS[c % SEGMENTS.length]];
    if (c % 5 === 3) tags.push('edge-case');
    caseRows.push({ caseId: `c${c}`, contentHash: `h${c}`, tags, vars: { q: `ticket ${c}` }, cluster: null, description: null });
    if (caseRows.length >= BATCH * 5) {
      await store.cases.putMany(runId, caseRows);
      caseRows = [];
    }
  }
  if (caseRows.length) await store.cases.putMany(runId, caseRows);
  let rows = [];
  for (let c = 0; c < cases; c++) {
    const messages = [{ role: 'user', content: `You are a support assistant. Answer with the requested code only.\n\nQuestion: ticket ${c}` }];
    // Each case has a difficulty shared by both runs, so most outcomes repeat and some flip.
    const hard = ((c * 2654435761) >>> 0) / 4294967296;
    VARIANTS.forEach((v, k) => {
      const pass = hard < 0.7 + 0.1 * k + shift + (random() - 0.5) * 0.2;
      rows.push({
        runId,
        caseId: `c${c}`,
        variantId: v,
        repeat: 0,
        output: pass
          ? `The code you asked for is CODE-${c}. Let me know if there is anything else I can help with today.`
          : `I am not sure which code you mean.`,
        pass,
        score: pass ? 1 : 0,
        cached: false,
        latencyMs: Math.round((k ? 150 : 400) * (0.6 + random() * 0.9)),
        inputTokens: 30 + (c % 7),
        outputTokens: 10 + Math.floor(random() * 20),
        costUsd: (k ? 0.000002 : 0.00002) * (0.8 + random() * 0.4),
        errorClass: null,
        errorMessage: null,
        attempts: 1,
        checks: [
          {
            type: 'contains',
            metric: 'contains',
            severity: 'normal',
            weight: 1,
            pass,
            score: pass ? 1 : 0,
            reason: pass ? `contains "CODE-${c}"` : `does not contain "CODE-${c}"`,
          },
        ],
        messages,
        finishedAt: new Date(Date.parse(startedAt) + c).toISOString(),
      });
    });
    if (rows.length >= BATCH) {
      await store.results.putMany(rows);
      rows = [];
    }
  }
  if (rows.length) await store.results.putMany(rows);
  await store.runs.setStatus(runId, 'completed', new Date(Date.parse(startedAt) + cases).toISOString());
  // What a run does when it ends: its report, keeping the fold of its results with it (report/report-fold.ts).
  // W8_SCAN=1 leaves it out: the runs then read back as runs stored before folds were kept (a scan of the rows).
  if (buildRunReport) await buildRunReport(store, runId, undefined, { keepFold: true });
}

/** Write the two runs into `db` (a fresh file); returns their ids [before, after]. */
export async function writeSyntheticW8(repo, db, cases) {
  const { openStore } = await import(pathToFileURL(path.join(repo, 'dist/store/index.js')).href);
  // The project's own seeded generator (stats/random.ts).
  const { mulberry32 } = await import(pathToFileURL(path.join(repo, 'dist/stats/index.js')).href);
  const { buildRunReport } = await import(pathToFileURL(path.join(repo, 'dist/report/index.js')).href);
  const keep = process.env.W8_SCAN === '1' ? undefined : buildRunReport;
  const store = openStore(db);
  const ids = ['w8-synthetic-1', 'w8-synthetic-2'];
  try {
    await writeRun(store, mulberry32, keep, { runId: ids[0], cases, seed: 1, shift: 0, startedAt: '2026-12-01T09:00:00.000Z' });
    await writeRun(store, mulberry32, keep, { runId: ids[1], cases, seed: 2, shift: 0.03, startedAt: '2026-12-02T09:00:00.000Z' });
  } finally {
    await store.close();
  }
  return ids;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [db, n] = process.argv.slice(2);
  if (!db) {
    console.error('usage: node bench/workloads/w8-synthetic.mjs DB [CASES]');
    process.exit(2);
  }
  const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
  const t0 = performance.now();
  // A postgres:// URL is the team store; anything else a SQLite file.
  const ids = await writeSyntheticW8(repo, /^postgres(ql)?:\/\//.test(db) ? db : path.resolve(db), Number(n ?? 500_000));
  console.log(`${ids.join(' ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
}
