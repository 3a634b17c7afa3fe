// W7 — a real rate limit (issue #21): 500 cases x 2 models = 1,000 calls, latency 200 ms, concurrency 64,
// against the fake server's token bucket (1 s burst), once at 6,000 requests/minute and once at 60,000
// tokens/minute. The physical limit is the time the bucket needs to let every call through plus one latency:
//   requests: (calls - burst) / (rpm / 60) + latency = (1000 - 100) / 100 + 0.2 = 9.2 s
//   tokens:   (tokens charged - burst) / (tpm / 60) + latency, the tokens charged being what the server bills per
//             answered call (prompt chars / 4 + answer chars / 4, the usage it reports, summed from our report).
// Checks (the issue's "Done when"): wall <= 1.15 x the limit, 100% complete, rejected requests <= 5% of calls.
// promptfoo's figure on the requests limit (../shared/bench/run-peer.sh W7, from the issue): 164.5 s.
import fs from 'node:fs';
import path from 'node:path';

export const W7 = { n: 500, latencyMs: 200, concurrency: 64, burstS: 1 };
const PROMPTFOO_RPM_WALL_S = 164.5;

/** `bench` gives the harness's helpers: startServer, runEvalspec, printEvalspec, add, check, WORK, reps, f. */
export async function runW7(bench) {
  const { startServer, runEvalspec, printEvalspec, add, check, WORK, reps, f } = bench;
  const rows = [];
  for (const [name, flag, perMinute] of [
    ['W7-rpm', '--rpm', 6000],
    ['W7-tpm', '--tpm', 60000],
  ]) {
    console.log(`\n## ${name}: 1,000 calls, latency 200 ms, concurrency 64, server ${flag} ${perMinute} (1 s burst)`);
    const server = await startServer(['--latency-ms', String(W7.latencyMs), flag, String(perMinute), '--burst-s', String(W7.burstS)]);
    for (let rep = 1; rep <= reps; rep++) {
      const dir = path.join(WORK, `${name}-r${rep}`);
      const rec = add(await runEvalspec({ label: `${name}#${rep}`, server, ...W7, dir, db: path.join(dir, 'evalspec.db') }));
      printEvalspec(rec);
      const calls = rec.calls;
      const rejected = rec.serverOutcomes?.rate_limited ?? 0;
      let limitS = null;
      let rateLimits = null;
      if (!rec.failed) {
        const report = JSON.parse(fs.readFileSync(rec.json, 'utf8'));
        rateLimits = report.rateLimits ?? null;
        const perSecond = perMinute / 60;
        const charged = flag === '--rpm' ? calls : report.variants.reduce((s, v) => s + (v.tokens.input ?? 0) + (v.tokens.output ?? 0), 0);
        limitS = Math.max(0, charged - perSecond * W7.burstS) / perSecond + W7.latencyMs / 1000;
      }
      const ratio = limitS ? rec.wallS / limitS : null;
      // The calls phase alone (first request to last response): what the controller decides, without start-up.
      const callsRatio = limitS && rec.phases ? rec.phases.callsS / limitS : null;
      const complete = rec.failed ? 0 : (rec.results - (rec.errors ?? 0)) / calls;
      rec.w7 = { limitS, ratio, callsRatio, rejected, complete, rateLimits };
      console.log(
        `  ${name}#${rep}: wall ${f(rec.wallS, 2)} s, limit ${f(limitS, 2)} s, wall/limit ${f(ratio, 3)} (calls phase ${f(callsRatio, 3)}), complete ${f(100 * complete, 1)}%, ` +
          `rejected ${rejected} (${f((100 * rejected) / calls, 1)}% of calls), exit ${rec.rc}` +
          (rateLimits ? `; evalspec saw ${rateLimits.map((r) => `${r.model}: ${r.rejected} rejected, waited ${r.waitedS} s`).join('; ')}` : ''),
      );
      check('W7', `${name}: wall <= 1.15 x the physical limit`, ratio !== null && ratio <= 1.15, `${f(rec.wallS, 2)} s / ${f(limitS, 2)} s = ${f(ratio, 3)}`);
      check('W7', `${name}: 100% complete, exit 0`, complete === 1 && rec.rc === 0 && rec.status === 'completed', `${f(100 * complete, 1)}%, exit ${rec.rc}`);
      check('W7', `${name}: rejected requests <= 5% of the calls`, rejected <= 0.05 * calls, `${rejected} of ${calls}`);
      check('W7', `${name}: pass rates equal the ground truth`, Boolean(rec.truth?.exact));
      rows.push({ name, rec });
    }
    await server.stop();
  }
  return rows.map(({ name, rec }) => [
    'W7',
    `${name} wall / limit (${f(rec.w7.limitS, 1)} s), rejected, complete`,
    `${f(rec.wallS, 2)} s = ${f(rec.w7.ratio, 2)}x (calls ${f(rec.w7.callsRatio, 2)}x), ${rec.w7.rejected} rejected, ${f(100 * rec.w7.complete, 0)}%`,
    '',
    name === 'W7-rpm' ? `${PROMPTFOO_RPM_WALL_S} s (issue)` : '',
    '',
    '',
  ]);
}
