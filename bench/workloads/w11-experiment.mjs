// W11 (issue #17): `analyzeExperiment` over 10 million exposure rows read from a CSV file (1 million users, 10
// exposures each, over 28 days) with 3 million outcome rows (CSV) and a pre-period covariate per user; two metrics
// (one with CUPED), a ratio metric, a guardrail and two segments. The goal: < 30 s and < 500 MB peak RSS on 2
// cores. The data is generated once (seeded, deterministic) into the work dir and reused. The analysis runs in a
// child process so its peak RSS (maxRSS) is its own. W11_ROWS sets the exposure rows (default 10,000,000).
// Standalone: `node bench/workloads/w11-experiment.mjs [work dir]`. Uses the built package (dist/).
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROWS = Number(process.env.W11_ROWS ?? 10_000_000);
const USERS = Math.max(2, Math.round(ROWS / 10));
const OUTCOMES = Math.round(ROWS * 0.3);
const DAYS = 28;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

/** A deterministic draw in [0, 1) per (k, salt): no state, so any row can be rebuilt alone. */
const draw = (k, salt) => {
  let h = (k * 2654435761 + salt * 374761393) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 3266489917) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
};

const EXP_YAML = `name: w11
unit: user_id
arms:
  - { id: control, weight: 0.5 }
  - { id: treatment, weight: 0.5 }
exposures: { file: exposures.csv }
outcomes: { file: outcomes.csv }
pre_period: { file: pre.csv }
segments: [plan, region]
metrics:
  - { id: acceptance, type: proportion, column: accepted, covariate: pre_accepted }
  - { id: accepted, type: mean, column: accepted }
  - { id: accept_rate, type: ratio, numerator: accepted, denominator: shown }
guardrails:
  - { metric: latency_ms, type: mean, column: latency_ms, aggregate: mean, higher_is_better: false, max_worse: 0.05, relative: true }
analysis: { sequential: true }
`;

/** Write the data files by chunks of lines (a few MB at a time). */
function writeLines(file, count, line) {
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = [];
    for (let i = 0; i <= count; i++) {
      chunk.push(line(i));
      if (chunk.length === 50_000 || i === count) {
        fs.writeSync(fd, `${chunk.join('\n')}\n`);
        chunk = [];
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

function generate(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const arm = (u) => (draw(u, 1) < 0.5 ? 'control' : 'treatment');
  const firstDay = (u) => Math.floor(draw(u, 2) * DAYS);
  writeLines(path.join(dir, 'exposures.csv'), ROWS, (i) => {
    if (i === 0) return 'user_id,arm,timestamp,plan,region';
    const u = (i - 1) % USERS;
    const repeat = Math.floor((i - 1) / USERS);
    const ts = T0 + firstDay(u) * DAY + Math.floor(draw(u, 3) * DAY) + repeat * 3_600_000;
    return `u${u},${arm(u)},${new Date(ts).toISOString()},${draw(u, 4) < 0.3 ? 'pro' : 'free'},${draw(u, 5) < 0.5 ? 'eu' : 'us'}`;
  });
  writeLines(path.join(dir, 'outcomes.csv'), OUTCOMES, (i) => {
    if (i === 0) return 'user_id,timestamp,accepted,shown,latency_ms';
    const u = Math.floor(draw(i, 6) * USERS);
    const ts = T0 + firstDay(u) * DAY + Math.floor(draw(u, 3) * DAY) + 60_000 + Math.floor(draw(i, 7) * 3 * DAY);
    const shown = 1 + Math.floor(draw(i, 8) * 4);
    const p = 0.3 + 0.2 * draw(u, 9) + (arm(u) === 'treatment' ? 0.02 : 0);
    let accepted = 0;
    for (let k = 0; k < shown; k++) if (draw(i, 10 + k) < p) accepted++;
    return `u${u},${new Date(ts).toISOString()},${accepted},${shown},${Math.round(600 + 800 * draw(i, 20))}`;
  });
  writeLines(path.join(dir, 'pre.csv'), USERS, (i) => (i === 0 ? 'user_id,pre_accepted' : `u${i - 1},${draw(i - 1, 9) < 0.5 ? 0 : 1}`));
  fs.writeFileSync(path.join(dir, 'exp.yaml'), EXP_YAML);
}

/** Analyse in a child process: wall seconds, CPU seconds and peak RSS of the analysis alone. */
function analyseInChild(repo, expFile) {
  const url = pathToFileURL(path.join(repo, 'dist/experiment/index.js')).href;
  const script = `const t0 = performance.now(); const { analyzeExperiment } = await import(${JSON.stringify(url)});
const s = await analyzeExperiment(${JSON.stringify(expFile)});
const r = process.resourceUsage();
console.log(JSON.stringify({ wallS: (performance.now() - t0) / 1000, cpuS: (r.userCPUTime + r.systemCPUTime) / 1e6, maxRssMB: r.maxRSS / 1024,
  units: s.arms.map((a) => a.units), effect: s.metrics[0].comparisons[0].effect.absolute?.estimate ?? null, verdict: s.verdict, srm: s.srm.fired }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop())) : reject(new Error(`analysis exited ${code}`))));
  });
}

export async function runW11({ repo, work, check }) {
  const dir = path.join(work, `rows-${ROWS}`);
  if (!fs.existsSync(path.join(dir, 'exp.yaml'))) {
    const t0 = performance.now();
    generate(dir);
    console.log(`W11: generated ${ROWS.toLocaleString('en-US')} exposure rows in ${((performance.now() - t0) / 1000).toFixed(1)} s (${dir})`);
  }
  const bytes = fs.statSync(path.join(dir, 'exposures.csv')).size;
  const r = await analyseInChild(repo, path.join(dir, 'exp.yaml'));
  const f = (x) => x.toFixed(1);
  console.log(
    `\n## W11: experiment analysis, ${ROWS.toLocaleString('en-US')} exposure rows (${(bytes / 1e6).toFixed(0)} MB CSV), ${USERS.toLocaleString('en-US')} users, ${OUTCOMES.toLocaleString('en-US')} outcome rows`,
  );
  console.log(
    `wall ${f(r.wallS)} s, CPU ${f(r.cpuS)} s, peak RSS ${f(r.maxRssMB)} MB; units ${r.units.join(' / ')}; acceptance effect ${r.effect?.toFixed(4)}; verdict ${r.verdict}`,
  );
  check('W11', 'every user analysed', r.units.reduce((a, b) => a + b, 0) === USERS, `${r.units.join(' + ')}`);
  check('W11', 'analysis < 30 s wall (noisy on a shared machine)', r.wallS < 30, `${f(r.wallS)} s`);
  check('W11', 'peak RSS < 500 MB', r.maxRssMB < 500, `${f(r.maxRssMB)} MB`);
  return { rows: ROWS, users: USERS, outcomes: OUTCOMES, ...r };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const work = path.resolve(process.argv[2] ?? '/tmp/evalspec-w11');
  await runW11({ repo, work, check: (w, name, ok, detail) => console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${detail})`) });
}
