// examples/tau-bench-airline end to end through the built CLI, on τ-bench's 200 real GPT-4o airline transcripts
// (skipped when the shared data is absent): the build script, pass^1..pass^4 from ONE run's curve (the
// published 0.420, 0.273, 0.220, 0.200) with their t intervals, pass^4 also as the suite's reducer, the flaky tasks, the forbidden-cancellation bar
// and `calibrate` of the trajectory checks against the reward. Every expected figure is computed here from the
// JSON file itself, by code that shares nothing with evalspec's.
import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { execFileSync } from 'node:child_process';
import { REPO, runCli, tempDir, cleanupTempDirs } from '../helpers/cli.js';

afterAll(() => cleanupTempDirs());

const TAU_FILE = process.env.TAU_BENCH_FILE ?? join(REPO, '../shared/data/real/tau_bench/historical_trajectories/gpt-4o-airline.json');
const EXAMPLE = join(REPO, 'examples/tau-bench-airline');

interface RawCall {
  id: string;
  function: { name: string; arguments: string };
}
interface TauRecord {
  task_id: number;
  trial: number;
  reward: number;
  info: { task: { instruction: string; actions: { name: string; kwargs: Record<string, unknown> }[] } };
  traj: { role: string; tool_calls?: RawCall[]; tool_call_id?: string; content?: string | null }[];
}
type Call = { name: string; args: unknown };

const READ_ONLY = ['get_user_details', 'get_reservation_details', 'search_direct_flight', 'search_onestop_flight', 'list_all_airports', 'calculate', 'think'];
const IGNORED_FOR_WRITES = [...READ_ONLY, 'transfer_to_human_agents'];

const callsOf = (r: TauRecord): Call[] =>
  r.traj.flatMap((m) => m.tool_calls ?? []).map((c) => ({ name: c.function.name, args: JSON.parse(c.function.arguments) }));
const expectedOf = (r: TauRecord): Call[] => r.info.task.actions.map((a) => ({ name: a.name, args: a.kwargs }));

/** The check's documented subset rule: every key of `want` in `got` (objects recursively), other values deep-equal. */
function subsetOf(want: unknown, got: unknown): boolean {
  if (want && typeof want === 'object' && !Array.isArray(want)) {
    if (!got || typeof got !== 'object' || Array.isArray(got)) return false;
    return Object.entries(want).every(([k, v]) => k in got && subsetOf(v, (got as Record<string, unknown>)[k]));
  }
  return isDeepStrictEqual(want, got);
}

/** superset: every expected call paired with a distinct call of the agent (greedy; ties do not occur here). */
function superset(calls: Call[], expected: Call[], match: (want: unknown, got: unknown) => boolean): boolean {
  const used = new Set<number>();
  return expected.every((e) => {
    const i = calls.findIndex((c, j) => !used.has(j) && c.name === e.name && match(e.args, c.args));
    if (i < 0) return false;
    used.add(i);
    return true;
  });
}

/** strict over the database-changing calls: the same sequence, arguments deep-equal. */
function writesExact(calls: Call[], expected: Call[]): boolean {
  const keep = (c: Call) => !IGNORED_FOR_WRITES.includes(c.name);
  const a = calls.filter(keep);
  const b = expected.filter(keep);
  return a.length === b.length && a.every((c, i) => c.name === b[i].name && isDeepStrictEqual(c.args, b[i].args));
}

/**
 * writes-accepted: writesExact over the calls whose tool answer does not start with "Error:" (the documented
 * rejection rule). The logs reuse call ids, so a tool message answers the latest call with its id made before it.
 */
function writesAccepted(r: TauRecord): boolean {
  const calls: (Call & { result?: string })[] = [];
  const latest = new Map<string, Call & { result?: string }>();
  for (const m of r.traj) {
    for (const c of m.tool_calls ?? []) {
      const call = { name: c.function.name, args: JSON.parse(c.function.arguments) as unknown };
      calls.push(call);
      latest.set(c.id, call);
    }
    const answered = m.role === 'tool' ? latest.get(m.tool_call_id ?? '') : undefined;
    if (answered && answered.result === undefined) answered.result = m.content ?? '';
  }
  return writesExact(
    calls.filter((c) => !/^error\s*:/i.test((c.result ?? '').trimStart())),
    expectedOf(r),
  );
}

const choose = (n: number, k: number): number => (k < 0 || k > n ? 0 : k === 0 ? 1 : (choose(n - 1, k - 1) * n) / k);

/** Binomial P(X ≤ x) for n trials at rate p. */
const binomialCdf = (x: number, n: number, p: number) =>
  Array.from({ length: x + 1 }, (_, i) => choose(n, i) * p ** i * (1 - p) ** (n - i)).reduce((s, v) => s + v, 0);

describe.skipIf(!existsSync(TAU_FILE))('examples/tau-bench-airline on the real τ-bench transcripts', () => {
  const records = existsSync(TAU_FILE) ? (JSON.parse(readFileSync(TAU_FILE, 'utf8')) as TauRecord[]) : [];
  const byTask = new Map<number, TauRecord[]>();
  for (const r of records) byTask.set(r.task_id, [...(byTask.get(r.task_id) ?? []), r]);
  const successes = [...byTask.values()].map((trials) => trials.filter((t) => t.reward === 1).length);

  const dir = tempDir();
  for (const f of ['build-data.mjs', 'evalspec.yaml', 'behaviour.yaml']) copyFileSync(join(EXAMPLE, f), join(dir, f));
  const readJson = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));

  it('the build script writes 50 cases, 200 replay records and 200 labels', () => {
    const out = execFileSync(process.execPath, [join(dir, 'build-data.mjs'), TAU_FILE], { encoding: 'utf8' });
    expect(out).toContain('wrote 50 cases (13 where cancelling is against the policy), 200 replay records and 200 labels');
    const lines = (f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').length;
    expect([lines('cases.jsonl'), lines('replay.jsonl'), lines('labels.jsonl')]).toEqual([50, 200, 200]);
  });

  it('one run gives pass^1..pass^4, the published 0.420, 0.273, 0.220, 0.200, with t intervals', async () => {
    expect(byTask.size).toBe(50);
    expect(successes.every((_, i) => [...byTask.values()][i].length === 4)).toBe(true);
    const published = [0.42, 0.273, 0.22, 0.2];
    const run = await runCli(['run', 'evalspec.yaml', '--no-progress', '--json', 'pass4.json', '--md', 'pass4.md'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const v = readJson('pass4.json').variants[0];
    expect(v.passHatK.map((p: { k: number }) => p.k)).toEqual([1, 2, 3, 4]);
    const shown: string[] = [];
    for (const k of [1, 2, 3, 4]) {
      // τ-bench's estimator: mean over tasks of C(c, k)/C(4, k).
      const perTask = successes.map((c) => choose(c, k) / choose(4, k));
      const mean = perTask.reduce((s, v) => s + v, 0) / perTask.length;
      expect(mean).toBeCloseTo(published[k - 1], 3);
      const point = v.passHatK[k - 1];
      expect(point.value).toBeCloseTo(mean, 12);
      expect(point.shortCases).toBe(0);
      // t interval over the 50 per-task values: mean ± t(0.975, 49)·s/√50, t(0.975, 49) = 2.009575 (t table).
      const s = Math.sqrt(perTask.reduce((acc, x) => acc + (x - mean) ** 2, 0) / 49);
      expect(point.ci.method).toBe(`t over per-case pass^${k} estimates (4 repeats)`);
      expect(point.ci.low).toBeCloseTo(mean - (2.009575 * s) / Math.sqrt(50), 5);
      expect(point.ci.high).toBeCloseTo(mean + (2.009575 * s) / Math.sqrt(50), 5);
      shown.push(`pass^${k} ${(mean * 100).toFixed(1)}% [${(point.ci.low * 100).toFixed(1)}–${(point.ci.high * 100).toFixed(1)}]`);
      // pass@k: mean over tasks of 1 − C(4 − c, k)/C(4, k).
      const atK = successes.map((c) => 1 - choose(4 - c, k) / choose(4, k)).reduce((a, b) => a + b, 0) / 50;
      expect(v.passAtK[k - 1].value).toBeCloseTo(atK, 12);
    }
    // pass^1 is the mean share of successful trials: 84 of 200 rewards are 1.
    expect(records.filter((r) => r.reward === 1).length).toBe(84);
    expect(v.passHatK[0].value).toBeCloseTo(84 / 200, 12);
    // The terminal prints the curve on one line; the suite's own reducer (pass^4) is the pass rate.
    const line = `  gpt-4o-tool-calling: ${shown.join(' · ')}`;
    expect(run.stdout).toContain(line);
    // The README shows that line and the pass@k column, rounded as printed (the sum over 50 tasks × 100/50).
    const readme = readFileSync(join(EXAMPLE, 'README.md'), 'utf8');
    expect(readme).toContain(line);
    const atShown = [1, 2, 3, 4].map((k) => (successes.map((c) => 1 - choose(4 - c, k) / choose(4, k)).reduce((a, b) => a + b, 0) * 2).toFixed(1));
    expect(atShown).toEqual(['42.0', '56.7', '66.0', '72.0']);
    expect(v.passRate).toBeCloseTo(v.passHatK[3].value, 12);
    expect(v.passRateCi).toEqual(v.passHatK[3].ci);
    expect(readFileSync(join(dir, 'pass4.md'), 'utf8')).toContain('| gpt-4o-tool-calling | `pass^k` | 42.0% (31.5–52.5) | 27.3% (16.2–38.5) |');
    // The flaky tasks: trials that disagree on the reward (0 < c < 4).
    const flaky = successes.filter((c) => c > 0 && c < 4).length;
    expect(flaky).toBe(26);
    const consistency = readJson('pass4.json').variants[0].consistency;
    expect(consistency).toMatchObject({ cases: 50, disagreeing: flaky });
  });

  it('behaviour: the forbidden-cancellation bar and calibrate of the trajectory checks against the reward', async () => {
    const run = await runCli(['run', 'behaviour.yaml', '--no-progress', '--json', 'behaviour.json'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(1); // the bar is not met
    // Tasks where the user asks to cancel and the expected actions hold no cancellation; a task fails when any
    // of its trials called cancel_reservation.
    const forbidden = [...byTask.values()].filter(
      (t) => /cancel/i.test(t[0].info.task.instruction) && !t[0].info.task.actions.some((a) => a.name === 'cancel_reservation'),
    );
    const cancelled = forbidden.filter((trials) => trials.some((t) => callsOf(t).some((c) => c.name === 'cancel_reservation')));
    const [bar] = readJson('behaviour.json').bars;
    expect([bar.verdict, bar.n, bar.failures]).toEqual(['not_met', forbidden.length, cancelled.length]);
    expect([forbidden.length, cancelled.length]).toEqual([13, 6]);
    // Clopper–Pearson one-sided 95% upper bound u: P(X ≤ 6 | n = 13, p = u) = 0.05.
    expect(bar.bound.method).toBe('clopper-pearson-one-sided');
    expect(binomialCdf(cancelled.length, forbidden.length, bar.bound.high)).toBeCloseTo(0.05, 6);

    const imported = await runCli(['labels', 'import', 'labels.jsonl'], { cwd: dir });
    expect(imported.exitCode, imported.stderr).toBe(0);
    const cal = await runCli(['calibrate', 'latest', '--metric', 'calls-exact', 'calls-subset', 'writes-exact', 'writes-accepted', '--json', 'cal.json'], {
      cwd: dir,
    });
    expect(cal.exitCode, cal.stderr).toBe(0);
    const byMetric = new Map(readJson('cal.json').judges.map((j: { metric: string }) => [j.metric, j]));
    const readings: [string, (r: TauRecord) => boolean][] = [
      ['calls-exact', (r) => superset(callsOf(r), expectedOf(r), isDeepStrictEqual)],
      ['calls-subset', (r) => superset(callsOf(r), expectedOf(r), subsetOf)],
      ['writes-exact', (r) => writesExact(callsOf(r), expectedOf(r))],
      ['writes-accepted', writesAccepted],
    ];
    const figures: Record<string, number[]> = {};
    for (const [metric, check] of readings) {
      // Confusion: rows the reward (pass, fail), columns the check (pass, fail).
      const m = [
        [0, 0],
        [0, 0],
      ];
      for (const r of records) m[r.reward === 1 ? 0 : 1][check(r) ? 0 : 1]++;
      const n = records.length;
      const [[a, b], [c, d]] = m;
      const po = (a + d) / n;
      const pe = ((a + b) * (a + c) + (c + d) * (b + d)) / n ** 2;
      const kappa = (po - pe) / (1 - pe);
      const j = byMetric.get(metric) as {
        n: number;
        agreement: number;
        kappa: { value: number };
        confusion: { matrix: number[][] };
        falsePass: { count: number; of: number; upper: number };
        falseFail: { count: number; of: number };
      };
      expect(j.n).toBe(200);
      expect(j.confusion.matrix).toEqual(m);
      expect(j.agreement).toBeCloseTo(po, 12);
      expect(j.kappa.value).toBeCloseTo(kappa, 12);
      expect(j.falsePass).toMatchObject({ count: c, of: c + d });
      expect(j.falseFail).toMatchObject({ count: b, of: a + b });
      figures[metric] = [po, kappa, c / (c + d), b / (a + b)];
      // The false-pass upper bound is one-sided Clopper–Pearson: P(X ≤ c | n = c + d, p = upper) = 0.05.
      expect(binomialCdf(c, c + d, j.falsePass.upper)).toBeCloseTo(0.05, 6);
    }
    // The figures README.md states (agreement, kappa, false pass, false fail), to the precision it prints.
    const shown = (metric: string) => figures[metric].map((x, i) => (i === 1 ? x.toFixed(3) : (x * 100).toFixed(1)));
    expect(shown('calls-exact')).toEqual(['77.0', '0.522', '16.4', '32.1']);
    expect(shown('calls-subset')).toEqual(shown('calls-exact'));
    expect(shown('writes-exact')).toEqual(['93.5', '0.865', '2.6', '11.9']);
    expect(shown('writes-accepted')).toEqual(['97.5', '0.949', '3.4', '1.2']);
    expect(cal.stdout).toContain('writes-exact · trajectory check: this check agrees with humans κ 0.865 on 200 labels (raw agreement 93.5%)');
    // 2.6% observed meets the 5% target, but 3 false passes in 116 leave the bound at 6.5%: said as such (not as
    // "too few labels", which 116 ≥ 59 are not).
    expect(cal.stdout).toContain(
      'false pass 2.6% (3/116) meets the target ≤ 5.0%; not shown with 95% confidence: with 3 false passes in 116 human-failed labels the upper bound is 6.5%',
    );
  });
});
