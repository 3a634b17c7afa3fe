// W9 — an agent workload (issue #16): 500 cases, one model, each case a conversation of 5 model steps (4 tool
// calls, then the final answer) against bench/fake-agent-server.mjs at 150 ms per request, concurrency 40,
// max_steps 8. Two tools answered by fixed answers (the suite's default `result`, the case's `tool_results`), no
// user code: the workload measures the agent loop (the AI SDK's generateText over evalspec's step model, tool
// answering, the transcript, the behaviour checks), not a tool.
// Physical limit: every step is one request and a conversation's steps are sequential and cannot be split across
// slots, so 40 slots run the 500 conversations (0.75 s each) in at least ceil(500 / 40) = 13 rounds: 13 x 0.75 s =
// 9.75 s. The fluid bound, 500 x 5 x 0.15 s / 40 = 9.375 s, would need half a conversation per slot in the last
// round; it is printed beside (wall over it) so the two can be told apart.
// Reported: wall, wall/limit, calls phase/limit, steps/s, peak RSS, CPU per step; checked: wall/limit <= 1.15
// (docs/benchmark.md says why), every result stored with 5 steps and `stop: final`, one request per step (none
// repeated), at most 40 in flight, and the pass count equal to the server's own count of faithful answers.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const W9 = { n: 500, steps: 5, latencyMs: 150, concurrency: 40, maxSteps: 8 };
const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(HERE, '..', '..', 'package.json'));
const conversationS = (W9.steps * W9.latencyMs) / 1000; // 0.75 s
const limitS = Math.ceil(W9.n / W9.concurrency) * conversationS; // 9.75 s: whole conversations per slot
const fluidLimitS = (W9.n * conversationS) / W9.concurrency; // 9.375 s

/** Seeded PRNG (mulberry32) for the cases' tracking codes: the same suite in every session. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The suite and its 500 cases (each with its expected tool calls and its tracking codes as tool results). */
export function writeSuite(dir, port) {
  fs.mkdirSync(dir, { recursive: true });
  const rand = prng(9);
  const code = () =>
    `1Z${Math.floor(rand() * 2 ** 32)
      .toString(16)
      .toUpperCase()
      .padStart(8, '0')}`;
  const lines = [];
  for (let i = 1; i <= W9.n; i++) {
    const order = `ORD-${String(100000 + i * 37)}`;
    const tracking = [1, 2, 3].map(() => code());
    const expectedActions = [
      { name: 'lookup_order', args: { order_id: order } },
      ...[1, 2, 3].map((parcel) => ({ name: 'get_tracking', args: { order_id: order, parcel } })),
    ];
    lines.push(
      JSON.stringify({
        id: `a${String(i).padStart(4, '0')}`,
        vars: { order, expected: tracking[2], expected_actions: JSON.stringify(expectedActions) },
        tool_results: { get_tracking: tracking.map((t, k) => ({ args: { parcel: k + 1 }, result: { parcel: k + 1, tracking: t } })) },
      }),
    );
  }
  fs.writeFileSync(path.join(dir, 'cases.jsonl'), `${lines.join('\n')}\n`);
  const q = JSON.stringify;
  const yaml = [
    'name: bench-w9-agent',
    'providers:',
    `  openai: { baseURL: ${q(`http://127.0.0.1:${port}/v1`)}, apiKey: "sk-fake-bench-not-a-secret" }`,
    'models: ["openai:fake-agent"]',
    'params: { temperature: 0, max_tokens: 256 }',
    'prompts:',
    '  - id: v1',
    '    messages:',
    '      - { role: system, content: "You are a support agent. Use the tools, then answer with every tracking code." }',
    '      - { role: user, content: "Where is my order {{order}}? Please give me every tracking code." }',
    'tools:',
    '  - name: lookup_order',
    '    description: Look up an order by its id',
    '    parameters: { type: object, properties: { order_id: { type: string } }, required: [order_id] }',
    '    result: { status: shipped, parcels: 3 }',
    '  - name: get_tracking',
    '    description: The tracking code of one parcel of an order',
    '    parameters: { type: object, properties: { order_id: { type: string }, parcel: { type: integer, minimum: 1 } }, required: [order_id, parcel] }',
    '    result: { error: unknown parcel }',
    `max_steps: ${W9.maxSteps}`,
    'cases: cases.jsonl',
    'checks:',
    '  - { type: tool-called, tool: get_tracking, min: 3, max: 3 }',
    '  - { type: trajectory, mode: strict, expected: "{{expected_actions}}" }',
    `  - { type: max-steps, value: ${W9.steps} }`,
    '  - { type: contains, value: "{{expected}}" }',
    `concurrency: ${W9.concurrency}`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'evalspec.yaml'), yaml);
}

async function startAgentServer(WORK) {
  const portFile = path.join(WORK, `w9-port-${Date.now()}`);
  const log = fs.openSync(path.join(WORK, 'w9-server.log'), 'a');
  const proc = spawn(
    process.execPath,
    [path.join(HERE, '..', 'fake-agent-server.mjs'), '--port', '0', '--port-file', portFile, '--latency-ms', String(W9.latencyMs), '--quiet'],
    {
      stdio: ['ignore', log, log],
    },
  );
  const killOnExit = () => proc.exitCode === null && proc.kill('SIGKILL');
  process.on('exit', killOnExit);
  for (let i = 0; i < 100 && !fs.existsSync(portFile); i++) await new Promise((r) => setTimeout(r, 50));
  if (!fs.existsSync(portFile)) throw new Error(`W9: the fake agent server did not start (see ${path.join(WORK, 'w9-server.log')})`);
  const base = `http://127.0.0.1:${Number(fs.readFileSync(portFile, 'utf8'))}`;
  return {
    port: Number(new URL(base).port),
    stats: async () => (await fetch(`${base}/stats`)).json(),
    reset: async () => void (await (await fetch(`${base}/stats/reset`, { method: 'POST' })).text()),
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.once('exit', r)));
      process.off('exit', killOnExit);
    },
  };
}

/** What the store holds: results, their steps and stop reasons (from the stored transcripts), passes, errors. */
function readStore(db) {
  const Database = require('better-sqlite3');
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d
      .prepare(
        `SELECT COUNT(*) AS results, SUM(pass) AS passed, SUM(error_class IS NOT NULL) AS errors,
          SUM(json_extract(transcript_json, '$.steps') = ${W9.steps} AND json_extract(transcript_json, '$.stop') = 'final') AS fiveSteps
        FROM results`,
      )
      .get();
  } finally {
    d.close();
  }
}

/**
 * CPU seconds used so far by the evalspec process under `root` (GNU time's child, or root itself), from
 * /proc/<pid>/stat (utime + stime, in clock ticks of 10 ms); null when there is no /proc.
 */
function cpuOfTree(root) {
  try {
    const isTime = fs.readFileSync(`/proc/${root}/comm`, 'utf8').trim() === 'time';
    const pid = isTime ? Number(fs.readFileSync(`/proc/${root}/task/${root}/children`, 'utf8').trim().split(/\s+/)[0]) : root;
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: fields 14 and 15 of stat
  } catch {
    return null;
  }
}

/** The CPU used between two instants, from samples [ms, cpuS] taken every 50 ms (the nearest sample at or after each). */
function cpuBetween(series, fromMs, toMs) {
  const at = (t) => series.find(([ms, cpu]) => ms >= t && cpu !== null)?.[1] ?? null;
  const a = at(fromMs);
  const b = at(toMs);
  return a === null || b === null ? null : b - a;
}

/** `bench` gives the harness's helpers: timed, waitQuiet, add, check, CLI, WORK, reps, f. */
export async function runW9({ timed, waitQuiet, add, check, CLI, WORK, reps, f }) {
  console.log(`\n## W9: an agent, ${W9.n} cases x ${W9.steps} steps at ${W9.latencyMs} ms per step, concurrency ${W9.concurrency} (limit ${f(limitS, 3)} s)`);
  const server = await startAgentServer(WORK);
  const recs = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      const dir = path.join(WORK, `W9-r${rep}`);
      writeSuite(dir, server.port);
      const db = path.join(dir, 'evalspec.db');
      const json = path.join(dir, 'out.json');
      const busyBefore = await waitQuiet(`evalspec W9#${rep}`);
      await server.reset();
      const cpuSeries = [];
      const r = await timed(process.execPath, [CLI, 'run', 'evalspec.yaml', '--db', db, '--json', json, '--no-progress', '--no-cache'], {
        cwd: dir,
        // the process's CPU every 50 ms, so the calls phase's CPU per step is known without start-up and reports
        onTick: (child) => cpuSeries.push([Date.now(), cpuOfTree(child.pid)]),
      });
      const stats = await server.stats();
      const steps = W9.n * W9.steps;
      const stored = r.code === 0 && fs.existsSync(db) ? readStore(db) : null;
      if (!stored) console.error(`evalspec W9#${rep} exited with ${r.code}:\n${r.stderr.slice(-2000)}`);
      const callsS = stats.firstAt ? (stats.lastAt - stats.firstAt) / 1000 : null;
      const callsCpuS = stats.firstAt ? cpuBetween(cpuSeries, stats.firstAt, stats.lastAt) : null;
      const rec = add({
        tool: 'evalspec',
        workload: `W9#${rep}`,
        n: W9.n,
        calls: steps,
        concurrency: W9.concurrency,
        latencyMs: W9.latencyMs,
        wallS: r.wallS,
        limitS,
        ratio: r.wallS / limitS,
        fluidLimitS,
        fluidRatio: r.wallS / fluidLimitS,
        callsRatio: callsS === null ? null : callsS / limitS,
        phases: stats.firstAt ? { startupS: (stats.firstAt - r.startedAt) / 1000, callsS, finishS: (r.endedAt - stats.lastAt) / 1000 } : null,
        stepsPerS: stats.requests / r.wallS,
        peakRssMB: r.peakRssMB,
        cpuS: r.cpuS,
        cpuPerStepMs: r.cpuS === null ? null : (1000 * r.cpuS) / steps,
        // the calls phase only (first request to last response at the server): the loop's own cost per step
        callsCpuPerStepMs: callsCpuS === null ? null : (1000 * callsCpuS) / steps,
        serverCpuS: (stats.cpu.user + stats.cpu.system) / 1e6,
        rc: r.code,
        busyBefore,
        server: {
          requests: stats.requests,
          byStep: stats.byStep,
          maxInFlight: stats.maxInFlight,
          avgInFlight: stats.avgInFlight,
          finals: stats.finals,
          anomalies: stats.anomalies,
        },
        stored,
      });
      recs.push(rec);
      console.log(
        `evalspec W9#${rep} wall=${f(rec.wallS, 2)}s limit=${f(limitS, 3)}s wall/limit=${f(rec.ratio, 3)} (fluid ${f(fluidLimitS, 3)}s: ${f(rec.fluidRatio, 3)})` +
          (rec.phases ? ` (start ${f(rec.phases.startupS, 2)}s, calls ${f(callsS, 2)}s = ${f(rec.callsRatio, 3)}x, finish ${f(rec.phases.finishS, 2)}s)` : '') +
          ` steps/s=${f(rec.stepsPerS, 0)} peak_rss=${f(rec.peakRssMB, 0)}MB cpu=${f(rec.cpuS, 1)}s (${f(rec.cpuPerStepMs, 2)} ms/step, ${f(rec.callsCpuPerStepMs, 2)} ms/step during the calls; server ${f(rec.serverCpuS, 1)}s)` +
          ` in_flight max ${stats.maxInFlight} avg ${f(stats.avgInFlight, 1)} requests=${stats.requests} rc=${r.code}` +
          ` stored=${stored?.results ?? 0} (5 steps: ${stored?.fiveSteps ?? 0}, passed ${stored?.passed ?? 0}, errors ${stored?.errors ?? 0}) truth=${stats.finals.faithful}/${stats.finals.answered}` +
          (Object.keys(stats.anomalies).length ? ` anomalies=${JSON.stringify(stats.anomalies)}` : '') +
          (busyBefore > 0.2 ? ` [other work kept ${(100 * busyBefore).toFixed(0)}% of the CPUs busy]` : ''),
      );
      const perStep = Array.from({ length: W9.steps }, (_, i) => stats.byStep[i] ?? 0);
      check(
        'W9',
        'every result stored with 5 steps, stop final, no errors, exit 0',
        r.code === 0 && stored?.results === W9.n && stored.fiveSteps === W9.n && stored.errors === 0,
        `${stored?.fiveSteps ?? 0}/${W9.n}, exit ${r.code}`,
      );
      check(
        'W9',
        'one request per step, none repeated',
        stats.requests === steps && perStep.every((c) => c === W9.n),
        `${stats.requests} requests, per step ${perStep.join('/')}`,
      );
      check('W9', `at most ${W9.concurrency} requests in flight`, stats.maxInFlight <= W9.concurrency, `max ${stats.maxInFlight}`);
      check(
        'W9',
        'passes equal the server’s faithful answers',
        stored?.passed === stats.finals.faithful && stats.finals.answered === W9.n,
        `${stored?.passed ?? 0} vs ${stats.finals.faithful} of ${stats.finals.answered}`,
      );
    }
  } finally {
    await server.stop();
  }
  const ratios = recs.map((r) => r.ratio).sort((a, b) => a - b);
  const med = ratios.length % 2 ? ratios[(ratios.length - 1) / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  check('W9', 'wall/limit <= 1.15', med <= 1.15, `median ${f(med, 3)}`);
  const last = recs.at(-1);
  return [
    ['W9', `agent wall / limit (${f(limitS, 3)} s)`, `${f(last.wallS, 2)} s = ${f(med, 3)}x (calls ${f(last.callsRatio, 3)}x)`, '', '', '', ''],
    [
      'W9',
      'agent steps/s, peak RSS, CPU/step (calls phase)',
      `${f(last.stepsPerS, 0)}, ${f(last.peakRssMB, 0)} MB, ${f(last.cpuPerStepMs, 2)} ms (${f(last.callsCpuPerStepMs, 2)} ms)`,
      '',
      '',
      '',
      '',
    ],
  ];
}
