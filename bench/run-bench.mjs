#!/usr/bin/env node
// run-bench.mjs — `npm run bench`: evalspec against a loopback fake LLM server, on the workloads of
// ../shared/bench/run-peer.sh, with the bare fetch pool (floor) and promptfoo optionally measured in the
// same session. Plain Node ESM; depends on ../shared/bench (or $EVALSPEC_SHARED), never on the network.
//
// Usage: npm run bench [-- --only W1,W2,W3,W4,kill] [--reps 1] [--floor] [--peer] [--no-build] [--keep]
//   W1    1,000 cases x 2 models = 2,000 calls, latency 200 ms, concurrency 32 (physical limit 12.5 s)
//   W2    20,000 cases x 2 models = 40,000 calls, latency 0, concurrency 64 (throughput and memory);
//         also run at 10,000 cases (W2/2) to show memory does not grow with N
//   W3    W1 with the cache on: one run fills it, then --reps fully cached re-runs
//   W4    W1 with 10% 429 (retry-after: 1) and 3% 500 injected per attempt
//   W5    OTLP protobuf ingest into `evalspec collect` with online checks: spans/s, ack p50/p99, peak RSS (workloads/w5-ingest.mjs; W5_SPANS, W5_FULL=1 for 1M)
//   W5-store  production store: putRecords, claim+complete, observations, SQLite vs PostgreSQL (workloads/w5-store.mjs)
//   W6-store  results write throughput, PostgreSQL vs SQLite (bench/workloads/w6-store-write.mjs)
//   W6-workers  W1 at 150 ms as a distributed run over 1, 2, 4 worker processes, concurrency 160 (workloads/w6-workers.mjs)
//   W5-evaluate  one monitor evaluation over 300k scored calls: CPU-s and RSS (workloads/w5-evaluate.mjs)
//   W5-drift  drift alerts: the e-detector vs the fixed-threshold window-mean rule on the same seeded streams (workloads/w5-drift.mjs)
//   W7    a real rate limit: 1,000 calls at the server's 6,000 requests/min, then at 60,000 tokens/min (workloads/w7-rate-limits.mjs)
//   W11   experiment analysis of 10M exposure rows from a CSV file: wall, CPU, peak RSS (workloads/w11-experiment.mjs)
//   W9    an agent: 500 cases x 5 steps (4 tool calls) at 150 ms per step, concurrency 40 (limit 13 rounds x 0.75 s = 9.75 s; workloads/w9-agent.mjs)
//   W10   streaming: W1 not streamed, then streamed: CPU per call, overhead, TTFT p50/p95, decode tok/s (workloads/w10-streaming.mjs)
//   kill  W1 killed with SIGKILL at ~40% of results stored, then `--resume`: compared with an
//         uninterrupted run, and checked that no stored case was called again
//   W8    500,000 cases x 2 models = 1,000,000 results, run twice, then show / diff / select (issue #22;
//         W8_CASES=12500,50000 for smaller sizes, W8_RUN_ONLY=1 for run --json alone; see bench/workloads/w8-million.mjs)
//   --floor  also run shared/bench/floor-client.mjs on W1, W2 and W4 (same servers, same session)
//   --peer   also run shared/bench/run-peer.sh (promptfoo 0.121.20, installed into ~/.cache on first use)
//   --cli FILE  benchmark another build of evalspec (e.g. a worktree's dist/cli/main.js); implies --no-build
//   --quiet-wait S  before each workload, wait up to S seconds (default 120) for other processes to use
//            < 20% of the CPUs; the busy share seen is recorded with each run (0: do not wait)
// Prints one line per run and a final table; writes bench/results/latest.json (not in git).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { runW6StoreWrite } from './workloads/w6-store-write.mjs';
import { runW5Store } from './workloads/w5-store.mjs';
import { runW7 } from './workloads/w7-rate-limits.mjs';
import { runW9 } from './workloads/w9-agent.mjs';
import { runW10 } from './workloads/w10-streaming.mjs';
import { runW8 } from './workloads/w8-million.mjs';
import { runW6Workers } from './workloads/w6-workers.mjs';
import { runW5Drift } from './workloads/w5-drift.mjs';
import { runW5Ingest } from './workloads/w5-ingest.mjs';
import { runW5Evaluate } from './workloads/w5-evaluate.mjs';
import { runW11 } from './workloads/w11-experiment.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(REPO, 'package.json'));
let CLI = path.join(REPO, 'dist', 'cli', 'main.js');
const MODELS = ['fake-large', 'fake-small'];
const PROMPT = 'You are a support assistant. Answer with the requested code only.\n\nQuestion: '; // = promptfoo/make-config.mjs
const FAULTS = ['--rate-429', '0.1', '--retry-after', '1', '--rate-500', '0.03'];

// ---- options ------------------------------------------------------------------------------------------
const ALL = ['W1', 'W2', 'W3', 'W4', 'W7', 'W9', 'W10', 'kill', 'W5', 'W5-store', 'W5-drift', 'W5-evaluate', 'W6-store', 'W6-workers', 'W8', 'W11'];
// W8 (a million results, ~30 min) and W11 (a 500 MB generated data set) run only when named: --only W8, --only W11.
const opt = { only: ALL.filter((w) => w !== 'W8' && w !== 'W11'), reps: 1, floor: false, peer: false, build: true, keep: false, quietWait: 120 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const value = () => {
    const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : process.argv[++i];
    if (v === undefined) die(`${a} needs a value`);
    return v;
  };
  if (a.startsWith('--only'))
    opt.only = value()
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  else if (a.startsWith('--reps')) opt.reps = Number(value());
  else if (a === '--floor') opt.floor = true;
  else if (a === '--peer') opt.peer = true;
  else if (a === '--no-build') opt.build = false;
  else if (a === '--keep') opt.keep = true;
  else if (a.startsWith('--quiet-wait')) opt.quietWait = Number(value());
  else if (a.startsWith('--cli')) {
    CLI = path.resolve(value());
    opt.build = false;
  } else if (a === '--help' || a === '-h') {
    console.log(
      fs
        .readFileSync(fileURLToPath(import.meta.url), 'utf8')
        .split('\n')
        .slice(1)
        .filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith('//')))
        .map((l) => l.replace(/^\/\/ ?/, ''))
        .join('\n'),
    );
    process.exit(0);
  } else die(`unknown argument ${a} (see --help)`);
}
for (const w of opt.only) if (!ALL.includes(w)) die(`--only: unknown workload ${w} (valid: ${ALL.join(', ')})`);
if (!Number.isInteger(opt.reps) || opt.reps < 1) die('--reps must be a positive whole number');

function die(message) {
  console.error(`run-bench: ${message}`);
  process.exit(2);
}

// ---- prerequisites ----------------------------------------------------------------------------------
function findShared() {
  const candidates = process.env.EVALSPEC_SHARED
    ? [process.env.EVALSPEC_SHARED, path.join(process.env.EVALSPEC_SHARED, 'bench')]
    : [path.resolve(REPO, '..', 'shared', 'bench')];
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'fake-llm-server.mjs')));
  if (!dir) {
    die(
      `cannot find the shared benchmark kit (fake-llm-server.mjs) in ${candidates.join(' or ')}.\n` +
        '  It lives in ../shared/bench next to the repository; point $EVALSPEC_SHARED at the shared/ folder if it is elsewhere.',
    );
  }
  return dir;
}
const KIT = findShared();

function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}
if (opt.build && (!fs.existsSync(CLI) || newestMtime(path.join(REPO, 'src')) > fs.statSync(CLI).mtimeMs)) {
  console.error('run-bench: building dist/ (npx tsc -p tsconfig.json)');
  const before = Date.now();
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) {
    // tsc still emits JavaScript on type errors; go on with it when it did, and say so.
    const emitted = fs.existsSync(CLI) && fs.statSync(CLI).mtimeMs >= before - 1000;
    console.error(
      `run-bench: tsc reported errors${emitted ? ' (dist/ was emitted anyway; benchmarking it)' : ''}:\n${r.stdout
        .toString()
        .split('\n')
        .filter((l) => l.startsWith('src/'))
        .slice(0, 5)
        .map((l) => `  ${l.slice(0, 160)}`)
        .join('\n')}`,
    );
    if (!emitted) die('the build failed; fix it or run with --no-build');
  }
}
if (!fs.existsSync(CLI)) die(`${CLI} is missing: run npm run build`);
const Database = require('better-sqlite3');
const HAVE_TIME = spawnSync('/usr/bin/time', ['-v', 'true'], { stdio: 'ignore' }).status === 0;
// Warm the file cache (dist/ and node_modules/ just built or installed) so the first timed run does not
// pay for cold disk reads that later runs and the other tools do not.
spawnSync(process.execPath, [CLI, '--help'], { stdio: 'ignore' });

const WORK = fs.mkdtempSync(path.join(os.tmpdir(), 'evalspec-bench-'));
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (!opt.keep) fs.rmSync(WORK, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Share of all CPUs busy over `ms` (from /proc/stat), or null where there is no /proc. */
async function cpuBusy(ms = 1000) {
  const read = () => {
    const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await sleep(ms);
    const b = read();
    return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
  } catch {
    return null;
  }
}

/** Wait (up to --quiet-wait s) until other processes leave the CPUs mostly idle; returns the busy share seen. */
async function waitQuiet(label) {
  let busy = await cpuBusy(1000);
  if (busy === null || opt.quietWait <= 0) return busy;
  const deadline = Date.now() + opt.quietWait * 1000;
  let quietFor = 0;
  let warned = false;
  while (Date.now() < deadline) {
    if (busy < 0.2) {
      if (++quietFor >= 3) return busy;
    } else {
      quietFor = 0;
      if (!warned) {
        console.log(`  (${label}: the CPUs are ${(100 * busy).toFixed(0)}% busy with other work; waiting up to ${opt.quietWait} s for them to settle)`);
        warned = true;
      }
    }
    busy = await cpuBusy(1000);
  }
  console.log(
    `  (${label}: still ${(100 * busy).toFixed(0)}% busy with other work after ${opt.quietWait} s; measuring anyway, figures will be slower than on a quiet machine)`,
  );
  return busy;
}
const f = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toFixed(d));
const pct = (x) => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)}%`);
const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : null;
};

// ---- workloads on disk ------------------------------------------------------------------------------
const suiteFiles = new Map();
/** make-suite.mjs JSONL for N cases, and the same cases as evalspec cases.jsonl. */
function casesFor(n) {
  if (suiteFiles.has(n)) return suiteFiles.get(n);
  const dir = path.join(WORK, 'suites');
  fs.mkdirSync(dir, { recursive: true });
  const raw = path.join(dir, `n${n}.jsonl`);
  const r = spawnSync(process.execPath, [path.join(KIT, 'make-suite.mjs'), '--n', String(n), '--seed', '1', '--out', raw], { stdio: 'inherit' });
  if (r.status !== 0) die('make-suite.mjs failed');
  const cases = path.join(dir, `n${n}.cases.jsonl`);
  const out = fs
    .readFileSync(raw, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const c = JSON.parse(line);
      return JSON.stringify({ id: c.id, vars: { question: c.question, expected: c.expected }, tags: [`segment:${c.segment}`] });
    });
  fs.writeFileSync(cases, `${out.join('\n')}\n`);
  const files = { raw, cases };
  suiteFiles.set(n, files);
  return files;
}

/** An evalspec suite for one workload, in its own folder. */
function writeSuite(dir, { name, n, port, concurrency }) {
  fs.mkdirSync(dir, { recursive: true });
  const q = JSON.stringify;
  const yaml = [
    `name: ${q(name)}`,
    'providers:',
    `  openai: { baseURL: ${q(`http://127.0.0.1:${port}/v1`)}, apiKey: "sk-fake-bench-not-a-secret" }`,
    `models: [${MODELS.map((m) => q(`openai:${m}`)).join(', ')}]`,
    'params: { temperature: 0, max_tokens: 64 }',
    'prompts:',
    '  - id: v1',
    '    messages:',
    `      - { role: user, content: ${q(`${PROMPT}{{question}}`)} }`,
    `cases: ${q(path.relative(dir, casesFor(n).cases))}`,
    'checks:',
    '  - { type: contains, value: "{{expected}}" }',
    `concurrency: ${concurrency}`,
    '',
  ].join('\n');
  const file = path.join(dir, 'evalspec.yaml');
  fs.writeFileSync(file, yaml);
  return file;
}

// ---- the fake server ----------------------------------------------------------------------------------
async function startServer(flags) {
  const portFile = path.join(WORK, `port-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  const log = fs.openSync(path.join(WORK, 'server.log'), 'a');
  const proc = spawn(
    process.execPath,
    [path.join(KIT, 'fake-llm-server.mjs'), '--port', '0', '--port-file', portFile, '--max-lifetime-s', '3600', '--quiet', ...flags],
    { stdio: ['ignore', log, log] },
  );
  children.add(proc);
  for (let i = 0; i < 100 && !fs.existsSync(portFile); i++) await sleep(50);
  if (!fs.existsSync(portFile)) die(`the fake server did not start (see ${path.join(WORK, 'server.log')})`);
  const port = Number(fs.readFileSync(portFile, 'utf8'));
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    baseURL: `${base}/v1`,
    stats: async () => (await fetch(`${base}/stats`)).json(),
    reset: async () => void (await (await fetch(`${base}/stats/reset`, { method: 'POST' })).text()),
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      children.delete(proc);
    },
  };
}

// ---- one timed process --------------------------------------------------------------------------------
/** A process and its descendants, from the kernel's children lists (cheap: no scan of /proc). */
function processTree(root) {
  const out = [];
  const stack = [root];
  while (stack.length && out.length < 200) {
    const pid = stack.pop();
    out.push(pid);
    try {
      for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
        for (const c of fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) stack.push(Number(c));
      }
    } catch {
      /* gone */
    }
  }
  return out;
}
/** Sum of RSS (kB) of a process and its descendants. */
function treeRssKB(root) {
  let sum = 0;
  for (const pid of processTree(root)) {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return sum;
}

/**
 * Run a command, timing its wall clock and sampling the peak RSS of its process tree (GNU time's maximum
 * when installed, else /proc every 100 ms). `onTick(child)` is called every 50 ms (the kill test uses it).
 */
async function timed(cmd, args, { cwd, env, onTick, useTime = HAVE_TIME } = {}) {
  const timeFile = path.join(WORK, `time-${Date.now()}-${Math.random().toString(36).slice(2)}.txt`);
  const argv = useTime ? ['/usr/bin/time', ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const startedAt = Date.now();
  const child = spawn(argv[0], argv[1], { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let sampledKB = 0;
  let lastSample = 0;
  const rssSeries = []; // [Date.now(), kB] every 100 ms
  const timer = setInterval(() => {
    if (performance.now() - lastSample >= 100) {
      lastSample = performance.now();
      const kb = treeRssKB(child.pid);
      rssSeries.push([Date.now(), kb]);
      sampledKB = Math.max(sampledKB, kb);
    }
    onTick?.(child);
  }, 50);
  const { code, signal } = await new Promise((r) => child.once('exit', (c, s) => r({ code: c, signal: s })));
  const wallS = (performance.now() - t0) / 1000;
  const endedAt = Date.now();
  clearInterval(timer);
  children.delete(child);
  await new Promise((r) => (child.stdout.readableEnded ? r() : child.stdout.once('end', r)));
  let timeKB = 0;
  let cpuS = null;
  if (useTime && fs.existsSync(timeFile)) {
    const t = fs.readFileSync(timeFile, 'utf8');
    const num = (label) => Number((new RegExp(`${label}[^:]*:\\s*([\\d.]+)`).exec(t) ?? [])[1] ?? NaN);
    timeKB = num('Maximum resident set size');
    cpuS = num('User time') + num('System time');
  }
  return { code, signal, wallS, startedAt, endedAt, stdout, stderr, peakRssMB: Math.max(timeKB || 0, sampledKB) / 1024, cpuS, rssSeries };
}

// ---- evalspec ---------------------------------------------------------------------------------------
function evalspecArgs(suite, db, json, { cache = false, resume } = {}) {
  const args = [CLI, 'run'];
  if (resume) args.push('--resume', resume);
  else args.push(suite);
  args.push('--db', db, '--json', json, '--no-progress');
  if (!cache) args.push('--no-cache');
  return args;
}

/** What the store holds for a run: per-variant counts, attempts, and every (case, variant) result. */
function readDb(db) {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const run = d.prepare('SELECT id, status FROM runs ORDER BY started_at DESC LIMIT 1').get();
    const rows = d
      .prepare(
        `SELECT case_id, variant_id, repeat_index, pass, output, attempts, error_class, cached
      FROM results WHERE run_id = ?`,
      )
      .all(run.id);
    const distinct = d.prepare("SELECT COUNT(DISTINCT case_id || '|' || variant_id || '|' || repeat_index) AS n FROM results WHERE run_id = ?").get(run.id).n;
    return { run, rows, distinct };
  } finally {
    d.close();
  }
}

function storedCount(db) {
  if (!fs.existsSync(db)) return 0;
  try {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return d.prepare('SELECT COUNT(*) AS n FROM results').get().n;
    } finally {
      d.close();
    }
  } catch {
    return 0; // not created yet
  }
}

/** Compare the run's reported pass rates with the server's ground truth over the prompts it answered. */
function checkTruth(report, stats) {
  const perModel = {};
  let exact = true;
  for (const m of MODELS) {
    const v = report.variants.find((x) => x.id === m);
    const t = stats.truth?.[m];
    const truthRate = t && t.answered ? t.correctAnswered / t.answered : null;
    const results = v ? v.passed + v.failed + v.errors : 0;
    const ok = Boolean(v && t && v.passed === t.correctAnswered && results === t.prompts && v.errors === 0 && t.answered === t.prompts);
    exact &&= ok;
    perModel[m] = {
      reported: v?.passRate ?? null,
      truth: truthRate,
      passed: v?.passed ?? null,
      results,
      errors: v?.errors ?? null,
      truthCorrect: t?.correctAnswered ?? null,
      truthPrompts: t?.prompts ?? null,
      exact: ok,
    };
  }
  return { exact, perModel };
}

const passText = (truth) =>
  MODELS.map((m) => {
    const p = truth.perModel[m];
    return `${m} ${pct(p.reported)} vs truth ${pct(p.truth)} (err ${p.errors})`;
  }).join('; ');

async function runEvalspec({ label, server, n, latencyMs, concurrency, dir, db, cache = false, resume, onTick, useTime }) {
  const suite = path.join(dir, 'evalspec.yaml');
  if (!fs.existsSync(suite)) writeSuite(dir, { name: `bench-${label.split('#')[0].toLowerCase()}`, n, port: server.port, concurrency });
  const json = path.join(dir, `out-${label.replace(/[^\w-]/g, '_')}.json`);
  const busyBefore = await waitQuiet(`evalspec ${label}`);
  await server.reset();
  const r = await timed(process.execPath, evalspecArgs(suite, db, json, { cache, resume }), { cwd: dir, onTick, useTime });
  const stats = await server.stats();
  const calls = n * MODELS.length;
  const limitS = (calls * latencyMs) / 1000 / concurrency;
  const rec = {
    tool: 'evalspec',
    workload: label,
    n,
    calls,
    concurrency,
    latencyMs,
    wallS: r.wallS,
    callsPerS: calls / r.wallS,
    limitS,
    ratio: limitS > 0 ? r.wallS / limitS : null,
    peakRssMB: r.peakRssMB,
    cpuS: r.cpuS,
    rc: r.code,
    signal: r.signal,
    serverRequests: stats.requests,
    serverOutcomes: stats.byOutcome,
    db,
    json,
    busyBefore,
    // Where the wall time went: start-up (spawn to first request), calls (first request to last response),
    // finish (last response to exit: flush, status, reports).
    phases: stats.firstAt
      ? { startupS: (stats.firstAt - r.startedAt) / 1000, callsS: (stats.lastAt - stats.firstAt) / 1000, finishS: (r.endedAt - stats.lastAt) / 1000 }
      : null,
    // Peak RSS (sampled every 100 ms) up to the last call, i.e. without the reports written at the end.
    peakRssCallsMB: stats.lastAt ? Math.max(0, ...r.rssSeries.filter(([t]) => t <= stats.lastAt).map(([, kb]) => kb)) / 1024 : null,
  };
  if (r.signal) return { ...rec, stats };
  if (r.code !== 0 || !fs.existsSync(json)) {
    console.error(`evalspec ${label} exited with ${r.code}:\n${r.stderr.slice(-2000)}`);
    return { ...rec, failed: true, stats };
  }
  const report = JSON.parse(fs.readFileSync(json, 'utf8'));
  const store = readDb(db);
  const attempts = store.rows.reduce((s, x) => s + x.attempts, 0);
  const maxAttempts = store.rows.reduce((m, x) => Math.max(m, x.attempts), 0);
  rec.status = report.status;
  rec.resumed = Boolean(resume);
  rec.results = store.rows.length;
  rec.distinct = store.distinct;
  rec.cached = store.rows.filter((x) => x.cached).length;
  rec.errors = report.variants.reduce((s, v) => s + v.errors, 0);
  rec.attempts = attempts;
  rec.maxAttempts = maxAttempts;
  rec.retries = attempts - store.rows.filter((x) => !x.cached).length;
  rec.truth = checkTruth(report, stats);
  rec.report = {
    runId: report.runId,
    variants: report.variants.map((v) => ({ id: v.id, passRate: v.passRate, passed: v.passed, failed: v.failed, errors: v.errors, cached: v.cached })),
  };
  return { ...rec, stats };
}

function printEvalspec(rec) {
  if (rec.failed) return console.log(`evalspec ${rec.workload} FAILED rc=${rec.rc}`);
  const faults = Object.entries(rec.serverOutcomes ?? {})
    .filter(([k]) => k !== 'ok')
    .map(([k, v]) => `${k}x${v}`)
    .join(' ');
  console.log(
    `evalspec ${rec.workload} N=${rec.n} calls=${rec.calls} conc=${rec.concurrency} latency=${rec.latencyMs}ms` +
      ` wall=${f(rec.wallS, 2)}s calls/s=${f(rec.callsPerS, 0)}` +
      (rec.limitS > 0 && rec.cached < rec.results ? ` limit=${f(rec.limitS, 2)}s wall/limit=${f(rec.ratio, 3)}` : '') +
      (rec.phases ? ` (start ${f(rec.phases.startupS, 2)}s, calls ${f(rec.phases.callsS, 2)}s, finish ${f(rec.phases.finishS, 2)}s)` : '') +
      ` peak_rss=${f(rec.peakRssMB, 0)}MB${rec.peakRssCallsMB ? ` (${f(rec.peakRssCallsMB, 0)}MB until the last call)` : ''} cpu=${f(rec.cpuS, 1)}s rc=${rec.rc} stored=${rec.results} cached=${rec.cached}` +
      ` server_calls=${rec.serverRequests}${faults ? ` (${faults})` : ''} retries=${rec.retries} max_attempts=${rec.maxAttempts}` +
      ` | pass: ${rec.cached === rec.results || rec.resumed ? rec.report.variants.map((v) => `${v.id} ${pct(v.passRate)}`).join('; ') + (rec.resumed ? ' (whole run; the server saw only the resumed part)' : ' (all from the cache)') : `${passText(rec.truth)} exact=${rec.truth.exact}`}` +
      (rec.busyBefore > 0.2 ? ` [other work kept ${(100 * rec.busyBefore).toFixed(0)}% of the CPUs busy]` : ''),
  );
}

// ---- floor client ---------------------------------------------------------------------------------------
async function runFloor({ label, server, n, latencyMs, concurrency }) {
  const busyBefore = await waitQuiet(`floor ${label}`);
  await server.reset();
  const r = await timed(process.execPath, [
    path.join(KIT, 'floor-client.mjs'),
    '--suite',
    casesFor(n).raw,
    '--base-url',
    server.baseURL,
    '--models',
    MODELS.join(','),
    '--concurrency',
    String(concurrency),
    '--label',
    label,
    '--max-s',
    '480',
  ]);
  const stats = await server.stats();
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  console.log(line);
  const get = (re) => Number((re.exec(line) ?? [])[1] ?? NaN);
  const calls = n * MODELS.length;
  const wallS = get(/ wall=([\d.]+)s/);
  const limitS = (calls * latencyMs) / 1000 / concurrency;
  const passRates = Object.fromEntries(MODELS.map((m) => [m, get(new RegExp(`${m} ([\\d.]+)%`)) / 100]));
  const errors = MODELS.reduce((s, m) => s + get(new RegExp(`${m} [\\d.]+% \\(err (\\d+)\\)`)), 0);
  return {
    tool: 'floor',
    workload: label,
    n,
    calls,
    concurrency,
    latencyMs,
    wallS,
    processWallS: r.wallS,
    callsPerS: get(/calls\/s=([\d.]+)/),
    limitS,
    ratio: limitS > 0 ? wallS / limitS : null,
    peakRssMB: r.peakRssMB,
    rc: r.code,
    passRates,
    errors,
    busyBefore,
    truth: Object.fromEntries(MODELS.map((m) => [m, stats.truth?.[m]?.passRate ?? null])),
    line,
  };
}

// ---- promptfoo (run-peer.sh) ------------------------------------------------------------------------------
async function runPeer(workloads) {
  const out = path.join(WORK, 'peer');
  console.log(`\n# promptfoo via ${path.join(KIT, 'run-peer.sh')} --reps ${opt.reps} ${workloads.join(' ')}`);
  const child = spawn('bash', [path.join(KIT, 'run-peer.sh'), '--reps', String(opt.reps), ...workloads], {
    env: { ...process.env, BENCH_OUT: out },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.add(child);
  const code = await new Promise((r) => child.once('exit', r));
  children.delete(child);
  if (code !== 0) console.error(`run-peer.sh exited with ${code}`);
  const file = path.join(out, 'results.jsonl');
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
    : [];
}

// ---- the session --------------------------------------------------------------------------------------
const session = {
  date: new Date().toISOString(),
  machine: {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    node: process.version,
    cpu: os.cpus()[0]?.model,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg(),
  },
  evalspec: {
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).stdout?.toString().trim() || null,
    dirty: (spawnSync('git', ['status', '--porcelain', 'src'], { cwd: REPO }).stdout?.toString().trim() || '') !== '',
  },
  options: opt,
  runs: [],
  checks: [],
};
const started = performance.now();
console.log(
  `# evalspec bench ${session.date} · node ${process.version} · ${session.machine.nproc} cores · load ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}` + ` · workloads ${opt.only.join(',')} · reps ${opt.reps}${opt.floor ? ' · floor' : ''}${opt.peer ? ' · promptfoo' : ''} · work dir ${WORK}`,
);

function check(workload, name, ok, detail) {
  session.checks.push({ workload, name, ok, detail });
  console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${workload}: ${name}${detail ? ` (${detail})` : ''}`);
}
const add = (rec) => {
  const { stats: _s, ...clean } = rec;
  session.runs.push(clean);
  return rec;
};

const W1 = { n: 1000, latencyMs: 200, concurrency: 32 };
const W2 = { n: 20000, latencyMs: 0, concurrency: 64 };
let referenceDb = null; // an uninterrupted W1 run, for the kill test

if (opt.only.includes('W1')) {
  console.log('\n## W1: 1,000 cases x 2 models, latency 200 ms, concurrency 32');
  const server = await startServer(['--latency-ms', '200']);
  const recs = [];
  for (let rep = 1; rep <= opt.reps; rep++) {
    const dir = path.join(WORK, `W1-r${rep}`);
    const rec = add(await runEvalspec({ label: `W1#${rep}`, server, ...W1, dir, db: path.join(dir, 'evalspec.db') }));
    printEvalspec(rec);
    recs.push(rec);
    referenceDb ??= rec.failed ? null : rec.db;
  }
  const ratio = median(recs.map((r) => r.ratio));
  check('W1', 'wall/limit <= 1.10 with results stored', ratio !== null && ratio <= 1.1 && recs.every((r) => r.results === 2000), `median ${f(ratio, 3)}`);
  check(
    'W1',
    'pass rates equal the ground truth',
    recs.every((r) => r.truth?.exact),
  );
  if (opt.floor) for (let rep = 1; rep <= opt.reps; rep++) add(await runFloor({ label: `W1#${rep}`, server, ...W1 }));
  await server.stop();
}

if (opt.only.includes('W2')) {
  console.log('\n## W2: 20,000 cases x 2 models, latency 0, concurrency 64 (and 10,000 cases: W2/2)');
  const server = await startServer(['--latency-ms', '0']);
  const half = [];
  const full = [];
  for (let rep = 1; rep <= opt.reps; rep++) {
    for (const [label, n, list] of [
      [`W2/2#${rep}`, W2.n / 2, half],
      [`W2#${rep}`, W2.n, full],
    ]) {
      const dir = path.join(WORK, `${label.replace(/\W/g, '_')}`);
      const rec = add(await runEvalspec({ label, server, ...W2, n, dir, db: path.join(dir, 'evalspec.db') }));
      printEvalspec(rec);
      list.push(rec);
      fs.rmSync(dir, { recursive: true, force: true }); // 40,000-row stores add up
    }
  }
  const floors = [];
  if (opt.floor) for (let rep = 1; rep <= opt.reps; rep++) floors.push(add(await runFloor({ label: `W2#${rep}`, server, ...W2 })));
  await server.stop();
  const cps = median(full.map((r) => r.callsPerS));
  const rss = median(full.map((r) => r.peakRssMB));
  const rssHalf = median(half.map((r) => r.peakRssMB));
  if (floors.length) {
    const floorCps = median(floors.map((r) => r.callsPerS));
    check('W2', 'calls/s >= 0.7 x the floor client', cps >= 0.7 * floorCps, `${f(cps, 0)} vs floor ${f(floorCps, 0)} = ${f(cps / floorCps, 2)}x`);
  } else {
    console.log('  (run with --floor to compare W2 throughput with the floor client)');
  }
  check('W2', 'peak RSS < 300 MB', rss < 300, `${f(rss, 0)} MB`);
  // Results are streamed to the store: while calls run, memory must not grow with N (what does is the
  // suite's cases, ~0.6 KB each, times heap headroom). The reports written at the end hold per-case
  // outcomes for the paired statistics, so the whole-process peak is shown beside it.
  const calls = median(full.map((r) => r.peakRssCallsMB));
  const callsHalf = median(half.map((r) => r.peakRssCallsMB));
  check(
    'W2',
    'memory flat as N doubles: peak while calls run grows < 15% at 2N',
    calls <= callsHalf * 1.15,
    `until the last call ${f(callsHalf, 0)} MB at 10k cases, ${f(calls, 0)} MB at 20k (+${f((100 * (calls - callsHalf)) / callsHalf, 0)}%); ` +
      `whole process ${f(rssHalf, 0)} → ${f(rss, 0)} MB (+${f((100 * (rss - rssHalf)) / rssHalf, 0)}%, ${f(((rss - rssHalf) * 1024) / (W2.n / 2), 2)} KB per added case)`,
  );
  check('W2', 'pass rates equal the ground truth', full.every((r) => r.truth?.exact) && half.every((r) => r.truth?.exact));
}

if (opt.only.includes('W3')) {
  console.log('\n## W3: W1 with the cache on: one filling run, then fully cached re-runs');
  const server = await startServer(['--latency-ms', '200']);
  const dir = path.join(WORK, 'W3');
  const db = path.join(dir, 'evalspec.db');
  const fill = add(await runEvalspec({ label: 'W3-fill', server, ...W1, dir, db, cache: true }));
  printEvalspec(fill);
  const recs = [];
  for (let rep = 1; rep <= opt.reps; rep++) {
    const rec = add(await runEvalspec({ label: `W3-cached#${rep}`, server, ...W1, dir, db, cache: true }));
    printEvalspec(rec);
    recs.push(rec);
  }
  await server.stop();
  const wall = median(recs.map((r) => r.wallS));
  check('W3', 'cached re-run < 2 s wall', wall < 2, `median ${f(wall, 2)} s`);
  check(
    'W3',
    'no call reaches the server, all 2,000 served from the cache',
    recs.every((r) => r.serverRequests === 0 && r.cached === 2000),
  );
  // The fill run's figures are the truth the cached runs must reproduce.
  const same = recs.every(
    (r) =>
      r.report &&
      fill.report &&
      JSON.stringify(r.report.variants.map((v) => [v.id, v.passed])) === JSON.stringify(fill.report.variants.map((v) => [v.id, v.passed])),
  );
  check('W3', 'cached pass rates equal the filling run (= ground truth)', same && fill.truth?.exact);
}

if (opt.only.includes('W4')) {
  console.log('\n## W4: W1 with 10% 429 (retry-after: 1) and 3% 500 injected');
  const server = await startServer(['--latency-ms', '200', ...FAULTS]);
  const recs = [];
  for (let rep = 1; rep <= opt.reps; rep++) {
    const dir = path.join(WORK, `W4-r${rep}`);
    const rec = add(await runEvalspec({ label: `W4#${rep}`, server, ...W1, dir, db: path.join(dir, 'evalspec.db') }));
    printEvalspec(rec);
    recs.push(rec);
    if (rec.failed) continue;
    const ok = rec.serverOutcomes.ok ?? 0;
    check(
      'W4',
      'every case completes (2,000 results, 0 errors, status completed)',
      rec.results === 2000 && rec.errors === 0 && rec.status === 'completed',
      `${rec.results} results, ${rec.errors} errors`,
    );
    check('W4', 'reported pass rates equal the ground truth exactly', rec.truth.exact, passText(rec.truth));
    check('W4', 'each case billed once: server 200s = stored results', ok === rec.results, `${ok} ok responses for ${rec.results} results`);
    check(
      'W4',
      'retries within policy (<= 6 per call, every attempt accounted for)',
      rec.maxAttempts <= 7 && rec.attempts === rec.serverRequests,
      `${rec.retries} retries for ${Object.entries(rec.serverOutcomes)
        .filter(([k]) => k !== 'ok')
        .map(([k, v]) => `${v} x ${k}`)
        .join(', ')}; max ${rec.maxAttempts} attempts; server saw ${rec.serverRequests} requests, the store records ${rec.attempts} attempts`,
    );
  }
  if (opt.floor) for (let rep = 1; rep <= opt.reps; rep++) add(await runFloor({ label: `W4#${rep}`, server, ...W1 }));
  await server.stop();
}

const w7Rows = opt.only.includes('W7') ? await runW7({ startServer, runEvalspec, printEvalspec, add, check, WORK, reps: opt.reps, f }) : [];
const w9Rows = opt.only.includes('W9') ? await runW9({ timed, waitQuiet, add, check, CLI, WORK, reps: opt.reps, f }) : [];
const w10Rows = opt.only.includes('W10') ? await runW10({ startServer, runEvalspec, printEvalspec, add, check, WORK, reps: opt.reps, f }) : [];

if (opt.only.includes('kill')) {
  console.log('\n## kill: W1 killed with SIGKILL at ~40% stored, then --resume');
  const server = await startServer(['--latency-ms', '200']);
  if (!referenceDb) {
    const dir = path.join(WORK, 'kill-reference');
    const rec = add(await runEvalspec({ label: 'kill-reference', server, ...W1, dir, db: path.join(dir, 'evalspec.db') }));
    printEvalspec(rec);
    referenceDb = rec.db;
  }
  const dir = path.join(WORK, 'kill');
  const db = path.join(dir, 'evalspec.db');
  let killedAt = null;
  const target = Math.round(0.4 * W1.n * MODELS.length);
  const killed = await runEvalspec({
    label: 'kill-1',
    server,
    ...W1,
    dir,
    db,
    useTime: false,
    onTick: (child) => {
      if (killedAt !== null) return;
      const stored = storedCount(db);
      if (stored >= target) {
        killedAt = stored;
        child.kill('SIGKILL');
      }
    },
  });
  const atKill = readDb(db);
  const k = atKill.rows.length;
  const requestsBefore = killed.stats.requests;
  console.log(
    `kill-1: SIGKILL with ${killedAt} results seen stored; after the kill the store holds ${k} (status ${atKill.run.status}); ` +
      `the server had answered ${killed.stats.byOutcome.ok ?? 0} of ${requestsBefore} requests: ${requestsBefore - k} calls lost in flight or unflushed`,
  );
  const resumed = add(await runEvalspec({ label: 'kill-resume', server, ...W1, dir, db, resume: atKill.run.id }));
  printEvalspec(resumed);
  await server.stop();
  const final = readDb(db);
  const ref = readDb(referenceDb);
  const key = (r) => `${r.case_id}|${r.variant_id}|${r.repeat_index}`;
  const refMap = new Map(ref.rows.map((r) => [key(r), r]));
  const diffs = final.rows.filter((r) => {
    const x = refMap.get(key(r));
    return !x || x.pass !== r.pass || x.output !== r.output;
  }).length;
  const phase2 = resumed.stats;
  const phase2Prompts = MODELS.reduce((s, m) => s + (phase2.truth?.[m]?.prompts ?? 0), 0);
  const reAnswered = MODELS.reduce((s, m) => s + (phase2.truth?.[m]?.reAnswered ?? 0), 0);
  check('kill', 'killed mid-run', killed.signal === 'SIGKILL' && k > 0 && k < 2000, `${k} of 2000 stored`);
  check(
    'kill',
    'resumed run completes: 2,000 results, no duplicates, no errors',
    final.rows.length === 2000 && final.distinct === 2000 && final.run.status === 'completed' && final.rows.every((r) => r.error_class === null),
    `${final.rows.length} rows, ${final.distinct} distinct, status ${final.run.status}`,
  );
  check('kill', 'results equal an uninterrupted run (pass and output per case and model)', diffs === 0 && ref.rows.length === 2000, `${diffs} differ`);
  check(
    'kill',
    'no stored case called again: resume called exactly the 2000 - stored ones, once each',
    phase2.requests === 2000 - k && phase2Prompts === 2000 - k && reAnswered === 0,
    `resume made ${phase2.requests} calls for ${2000 - k} missing results`,
  );
  session.kill = {
    storedAtKill: k,
    requestsBeforeKill: requestsBefore,
    lostAtKill: requestsBefore - k,
    resumeCalls: phase2.requests,
    resumeWallS: resumed.wallS,
    diffs,
  };
}

if (opt.only.includes('W5')) session.w5 = await runW5Ingest({ repo: REPO, work: path.join(WORK, 'W5'), check, f });
if (opt.only.includes('W5-store'))
  session.w5Store = await runW5Store({ repo: REPO, work: path.join(WORK, 'W5-store'), check: (n, ok, d) => check('W5-store', n, ok, d) });
if (opt.only.includes('W6-store'))
  session.w6Store = await runW6StoreWrite({ repo: REPO, work: path.join(WORK, 'W6-store'), check: (name, ok, detail) => check('W6-store', name, ok, detail) });
if (opt.only.includes('W8')) await runW8({ startServer, runEvalspec, printEvalspec, timed, add, check, f, CLI, WORK });

if (opt.only.includes('W5-drift')) session.w5Drift = await runW5Drift({ repo: REPO, check: (name, ok, detail) => check('W5-drift', name, ok, detail), f });
if (opt.only.includes('W5-evaluate')) session.w5Evaluate = await runW5Evaluate({ repo: REPO, work: path.join(WORK, 'W5-evaluate'), check });
if (opt.only.includes('W11')) session.w11 = await runW11({ repo: REPO, work: path.join(WORK, 'W11'), check });
if (opt.only.includes('W6-workers')) session.w6Workers = await runW6Workers({ startServer, writeSuite, check, CLI, WORK, f });

// promptfoo last: it runs its own servers, one after another, in the same session.
let peer = [];
if (opt.peer) {
  const map = { W1: ['W1'], W2: ['W2'], W3: ['W3'], W4: ['W4'] };
  const wl = opt.only.flatMap((w) => map[w] ?? []);
  if (wl.length) {
    await waitQuiet('promptfoo');
    peer = await runPeer(wl);
  }
  for (const p of peer)
    session.runs.push({
      tool: 'promptfoo',
      workload: `${p.workload}#${p.rep}`,
      n: p.n,
      calls: p.calls,
      wallS: p.wallS,
      callsPerS: p.callsPerS,
      limitS: p.limitS,
      ratio: p.ratio,
      peakRssMB: p.peakRssMB,
      rc: p.rc,
      byModel: p.tool?.byModel,
      truth: p.truth,
    });
}

// ---- the table ---------------------------------------------------------------------------------------------
const pick = (tool, prefix) => session.runs.filter((r) => r.tool === tool && (r.workload === prefix || r.workload.startsWith(`${prefix}#`)));
const med = (tool, prefix, field) => median(pick(tool, prefix).map((r) => r[field]));
const rows = [];
const row = (workload, metric, e, fl, pf, fmt, better = 'lower') => {
  const ratio = (a, b) => (a && b ? (better === 'lower' ? b / a : a / b) : null);
  rows.push([
    workload,
    metric,
    fmt(e),
    fmt(fl),
    fmt(pf),
    fl != null && e != null ? `${f(better === 'lower' ? e / fl : e / fl, 2)}` : '',
    pf != null && e != null ? `${f(ratio(e, pf), 1)}x` : '',
  ]);
};
const s2 = (x) => (x == null ? '' : `${f(x, 2)} s`);
const mb = (x) => (x == null ? '' : `${f(x, 0)} MB`);
const cps = (x) => (x == null ? '' : f(x, 0));
const r3 = (x) => (x == null ? '' : f(x, 3));
const pfW3 = median(peer.filter((p) => p.workload === 'W3-cached').map((p) => p.wallS));
const pfPass = (w, m) => {
  const p = peer.filter((x) => x.workload === w).at(-1);
  return p ? (p.tool?.byModel?.[m]?.passRate ?? null) : null;
};
if (opt.only.includes('W1')) {
  row('W1', 'wall', med('evalspec', 'W1', 'wallS'), med('floor', 'W1', 'wallS'), med('promptfoo', 'W1', 'wallS'), s2);
  row('W1', 'wall / limit (12.5 s)', med('evalspec', 'W1', 'ratio'), med('floor', 'W1', 'ratio'), med('promptfoo', 'W1', 'ratio'), r3);
  row('W1', 'peak RSS', med('evalspec', 'W1', 'peakRssMB'), med('floor', 'W1', 'peakRssMB'), med('promptfoo', 'W1', 'peakRssMB'), mb);
}
if (opt.only.includes('W2')) {
  row('W2', 'calls/s (whole process)', med('evalspec', 'W2', 'callsPerS'), med('floor', 'W2', 'callsPerS'), med('promptfoo', 'W2', 'callsPerS'), cps, 'higher');
  row('W2', 'calls/s (calls phase only)', median(pick('evalspec', 'W2').map((r) => (r.phases ? r.calls / r.phases.callsS : null))), null, null, cps, 'higher');
  row('W2', 'wall', med('evalspec', 'W2', 'wallS'), med('floor', 'W2', 'wallS'), med('promptfoo', 'W2', 'wallS'), s2);
  row('W2', 'peak RSS', med('evalspec', 'W2', 'peakRssMB'), med('floor', 'W2', 'peakRssMB'), med('promptfoo', 'W2', 'peakRssMB'), mb);
  row('W2/2', 'peak RSS (10k cases)', med('evalspec', 'W2/2', 'peakRssMB'), null, null, mb);
  row('W2', 'peak RSS until the last call', med('evalspec', 'W2', 'peakRssCallsMB'), null, null, mb);
  row('W2/2', 'peak RSS until the last call (10k)', med('evalspec', 'W2/2', 'peakRssCallsMB'), null, null, mb);
}
if (opt.only.includes('W3')) row('W3', 'cached re-run wall', med('evalspec', 'W3-cached', 'wallS'), null, pfW3, s2);
if (opt.only.includes('W4')) {
  row('W4', 'wall', med('evalspec', 'W4', 'wallS'), med('floor', 'W4', 'wallS'), med('promptfoo', 'W4', 'wallS'), s2);
  const w4 = pick('evalspec', 'W4').at(-1);
  const fl4 = pick('floor', 'W4').at(-1);
  for (const m of MODELS) {
    rows.push([
      'W4',
      `${m} pass (truth ${pct(w4?.truth?.perModel?.[m]?.truth)})`,
      pct(w4?.truth?.perModel?.[m]?.reported),
      fl4 ? pct(fl4.passRates[m]) : '',
      pct(pfPass('W4', m)),
      '',
      '',
    ]);
  }
  rows.push([
    'W4',
    'errors left',
    String(w4?.errors ?? ''),
    fl4 ? String(fl4.errors) : '',
    peer.length ? String(MODELS.reduce((s, m) => s + (peer.filter((x) => x.workload === 'W4').at(-1)?.tool?.byModel?.[m]?.error ?? 0), 0)) : '',
    '',
    '',
  ]);
}
rows.push(...w7Rows, ...w9Rows, ...w10Rows);
if (session.kill)
  rows.push([
    'kill',
    'stored at kill / resume calls / diffs',
    `${session.kill.storedAtKill} / ${session.kill.resumeCalls} / ${session.kill.diffs}`,
    '',
    '',
    '',
    '',
  ]);

const header = ['workload', 'metric', 'evalspec', 'floor', 'promptfoo', 'evalspec/floor', 'promptfoo/evalspec'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
const elapsed = (performance.now() - started) / 1000;
console.log(`\n# summary (medians of ${opt.reps} rep${opt.reps > 1 ? 's' : ''}; bench took ${f(elapsed, 0)} s)`);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
const failed = session.checks.filter((c) => !c.ok);
console.log(
  `\n${session.checks.length - failed.length}/${session.checks.length} checks passed${failed.length ? `; FAILED: ${failed.map((c) => `${c.workload} ${c.name}`).join('; ')}` : ''}`,
);

session.elapsedS = elapsed;
session.table = { header, rows };
const resultsDir = path.join(REPO, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(session, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), path.join(resultsDir, 'latest.json'))}${opt.keep ? `; work dir kept: ${WORK}` : ''}`);
process.exitCode = failed.length ? 1 : 0;
