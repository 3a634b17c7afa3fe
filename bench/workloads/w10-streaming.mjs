// W10 — streaming (issue #20): W1's workload (1,000 cases x 2 models = 2,000 calls, latency 200 ms, concurrency 32)
// run once not streamed and once streamed (`stream: true` in the same suite) against ../shared/bench/fake-llm-server.mjs,
// whose Chat Completions route answers `stream: true` with SSE chunks (one per word, written together after the
// latency). Reported: wall and CPU per call of both, the streaming overhead (CPU per call streamed / not streamed − 1,
// and the wall ratio), and from the streamed run's report TTFT p50/p95 and decode tokens/s per variant. The server
// writes its chunks at once, so TTFT is about the latency and decode tok/s measures how fast evalspec reads a
// stream, not a model. Checks: both runs complete with every result stored, pass rates equal the server's truth,
// every streamed result has a TTFT (0 < TTFT <= latency), none of the plain run's has one.
import path from 'node:path';
import fs from 'node:fs';
import Database from 'better-sqlite3';

export const W10 = { n: 1000, latencyMs: 200, concurrency: 32 };

/** TTFT and latency of every result of the run in `db`. */
function ttftRows(db) {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return d.prepare('SELECT ttft_ms AS ttft, latency_ms AS latency FROM results').all();
  } finally {
    d.close();
  }
}

/** `bench` gives the harness's helpers: startServer, runEvalspec, printEvalspec, add, check, WORK, reps, f. */
export async function runW10(bench) {
  const { startServer, runEvalspec, printEvalspec, add, check, WORK, reps, f } = bench;
  console.log('\n## W10: W1 (1,000 cases x 2 models, latency 200 ms, concurrency 32) not streamed, then streamed');
  const server = await startServer(['--latency-ms', String(W10.latencyMs)]);
  const pairs = [];
  for (let rep = 1; rep <= reps; rep++) {
    const plainDir = path.join(WORK, `W10-plain-r${rep}`);
    const plain = add(await runEvalspec({ label: `W10-plain#${rep}`, server, ...W10, dir: plainDir, db: path.join(plainDir, 'evalspec.db') }));
    printEvalspec(plain);
    // The same suite with `stream: true` (runEvalspec writes a suite only where there is none; the cases path is
    // relative to a sibling folder, so it holds here too).
    const streamDir = path.join(WORK, `W10-stream-r${rep}`);
    fs.mkdirSync(streamDir, { recursive: true });
    fs.writeFileSync(path.join(streamDir, 'evalspec.yaml'), `${fs.readFileSync(path.join(plainDir, 'evalspec.yaml'), 'utf8').trimEnd()}\nstream: true\n`);
    const streamed = add(await runEvalspec({ label: `W10-stream#${rep}`, server, ...W10, dir: streamDir, db: path.join(streamDir, 'evalspec.db') }));
    printEvalspec(streamed);
    const figures = streamed.failed ? [] : JSON.parse(fs.readFileSync(streamed.json, 'utf8')).variants.map((v) => ({ id: v.id, ...v.latencyMs }));
    const cpuPerCall = (rec) => (rec.failed ? null : (1000 * rec.cpuS) / rec.calls);
    const overhead = cpuPerCall(plain) && cpuPerCall(streamed) ? cpuPerCall(streamed) / cpuPerCall(plain) - 1 : null;
    streamed.w10 = { cpuPerCallMs: cpuPerCall(streamed), plainCpuPerCallMs: cpuPerCall(plain), overhead, wallRatio: streamed.wallS / plain.wallS, figures };
    console.log(
      `  W10#${rep}: CPU per call ${f(cpuPerCall(plain), 3)} ms not streamed, ${f(cpuPerCall(streamed), 3)} ms streamed (overhead ${f(100 * overhead, 1)}%); ` +
        `wall ${f(plain.wallS, 2)} s vs ${f(streamed.wallS, 2)} s; ` +
        figures.map((v) => `${v.id}: TTFT p50 ${f(v.ttftP50, 1)} ms p95 ${f(v.ttftP95, 1)} ms, decode ${f(v.decodeTokensPerSecond, 0)} tok/s`).join('; '),
    );
    const plainRows = plain.failed ? [] : ttftRows(plain.db);
    const streamRows = streamed.failed ? [] : ttftRows(streamed.db);
    check('W10', `#${rep}: both runs store every result`, plain.results === 2000 && streamed.results === 2000, `${plain.results} / ${streamed.results}`);
    check('W10', `#${rep}: pass rates equal the ground truth, streamed or not`, Boolean(plain.truth?.exact && streamed.truth?.exact));
    check(
      'W10',
      `#${rep}: every streamed result has 0 < TTFT <= latency, no plain one has a TTFT`,
      streamRows.length === 2000 && streamRows.every((r) => r.ttft > 0 && r.ttft <= r.latency) && plainRows.every((r) => r.ttft === null),
    );
    pairs.push(streamed);
  }
  await server.stop();
  const last = pairs.at(-1)?.w10;
  if (!last) return [];
  return [
    ['W10', 'CPU per call, not streamed / streamed', `${f(last.plainCpuPerCallMs, 3)} / ${f(last.cpuPerCallMs, 3)} ms`, '', '', '', ''],
    ['W10', 'streaming overhead (CPU per call; wall ratio)', `${f(100 * last.overhead, 1)}%; ${f(last.wallRatio, 3)}x`, '', '', '', ''],
    ...last.figures.map((v) => [
      'W10',
      `${v.id} TTFT p50 / p95, decode tok/s`,
      `${f(v.ttftP50, 1)} / ${f(v.ttftP95, 1)} ms, ${f(v.decodeTokensPerSecond, 0)}`,
      '',
      '',
      '',
      '',
    ]),
  ];
}
