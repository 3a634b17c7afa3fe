// The ab-suggestions example (examples/ab-suggestions/README.md) end to end through the built CLI, on a temporary
// copy: the seeded data written, the suite run (two replayed prompt versions), `experiment analyze --json` and the
// library's analyzeExperiment with the offline link. The
// scorecard's figures are checked against values computed here from the raw files with the textbook formulas (not
// with the code under test): users per arm, the accept rate per arm and its delta-method difference, the task-success
// share, and the offline pass-rate difference counted from the replay logs with the suite's checks written again.
// The story the README tells holds: SRM fine, accept rate up, a novelty effect, the latency guardrail met, offline
// and online agree.
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { dbPath } from '../helpers/store.js';
import { analyzeExperiment, offlineLinkFor, type Scorecard } from '../../src/experiment/index.js';
import { openStore } from '../../src/store/index.js';

const EXAMPLE = join(REPO, 'examples/ab-suggestions');
let dir: string;
let scorecard: Scorecard;
let analyzeOutput: { stdout: string; exitCode: number | null };
const cli = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 120_000 });

interface UnitSums {
  arm: string;
  accepted: number;
  shown: number;
  completedAny: boolean;
}

/** Per user from the raw files: arm, Σaccepted, Σshown, any completed (every generated event follows the exposure). */
function unitSums(): Map<string, UnitSums> {
  const units = new Map<string, UnitSums>();
  const [header, ...rows] = readFileSync(join(dir, 'exposures.csv'), 'utf8').trim().split('\n');
  expect(header).toBe('user_id,arm,timestamp,plan');
  for (const row of rows) {
    const [user, arm] = row.split(',');
    units.set(user, { arm, accepted: 0, shown: 0, completedAny: false });
  }
  for (const line of readFileSync(join(dir, 'events.jsonl'), 'utf8').trim().split('\n')) {
    const e = JSON.parse(line);
    const u = units.get(e.user_id)!;
    u.accepted += e.accepted;
    u.shown += e.shown;
    u.completedAny ||= e.completed > 0;
  }
  return units;
}

/**
 * One arm's ratio Σx/Σy with the delta-method variance of a ratio of means (Kohavi, Tang & Xu 2020, §18.2):
 * Var(x̄/ȳ) ≈ (σx² − 2R·σxy + R²·σy²) / (n·ȳ²), sample (co)variances with n − 1.
 */
function ratioWithVariance(units: UnitSums[]): { ratio: number; variance: number } {
  const n = units.length;
  const mx = units.reduce((s, u) => s + u.accepted, 0) / n;
  const my = units.reduce((s, u) => s + u.shown, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const u of units) {
    sxx += (u.accepted - mx) ** 2;
    syy += (u.shown - my) ** 2;
    sxy += (u.accepted - mx) * (u.shown - my);
  }
  const ratio = mx / my;
  const variance = (sxx / (n - 1) - 2 * ratio * (sxy / (n - 1)) + ratio * ratio * (syy / (n - 1))) / (n * my * my);
  return { ratio, variance };
}

/** The suite's checks, written again: a time word or "by …day", and at most 25 words. */
const passes = (output: string) => /\b(today|tomorrow|by \w+day)\b/i.test(output) && output.trim().split(/\s+/).length <= 25;
const passRate = (file: string) => {
  const rows = readFileSync(join(dir, file), 'utf8').trim().split('\n');
  return rows.filter((l) => passes(JSON.parse(l).output)).length / rows.length;
};

beforeAll(async () => {
  dir = tempDir('evalspec-ab-example-');
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const generated of ['.evalspec', 'exposures.csv', 'events.jsonl', 'pre.csv', 'out.json']) rmSync(join(dir, generated), { recursive: true, force: true });
  const made = spawnSync(process.execPath, ['make-data.mjs'], { cwd: dir, encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  const run = await cli(['run', 'evalspec.yaml']);
  expect(run.exitCode, run.stderr).toBe(0);
  analyzeOutput = await cli(['experiment', 'analyze', 'exp.yaml', '--json', 'out.json']);
  // The library call with the offline link over the example's store: what `view --experiment` serves.
  const store = openStore(dbPath(dir), { access: 'read' });
  try {
    scorecard = await analyzeExperiment(join(dir, 'exp.yaml'), { offline: offlineLinkFor(store) });
  } finally {
    await store.close();
  }
}, 240_000);
afterAll(() => cleanupTempDirs());

describe('the ab-suggestions example, end to end', () => {
  it('counts the users per arm as the exposures file has them, and the allocation is as planned', () => {
    const units = [...unitSums().values()];
    const counts = ['control', 'treatment'].map((arm) => units.filter((u) => u.arm === arm).length);
    expect(scorecard.srm.counts).toEqual(counts);
    expect(scorecard.srm.fired).toBe(false);
    expect(scorecard.arms.map((a) => a.units)).toEqual(counts);
  });

  it('`experiment analyze --json` prints the scorecard (exit 0) and writes the same figures', () => {
    expect(analyzeOutput.exitCode, analyzeOutput.stdout).toBe(0);
    const written = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Scorecard;
    expect(written.metrics).toEqual(scorecard.metrics);
    expect(written.verdict).toBe('ship');
    // The CLI reads the offline runs from the default store, as `view --experiment` does; +11.67 pts = (35 − 7) / 240 cases.
    expect(written.offline).toEqual(scorecard.offline);
    expect(analyzeOutput.stdout).toMatch(/offline vs online:\n {2}treatment vs control: offline pass rate \+11\.67 pts .* agree: yes/);
  });

  it('gives the accept rate per arm and its delta-method difference computed here from the raw rows', () => {
    const units = [...unitSums().values()];
    const control = ratioWithVariance(units.filter((u) => u.arm === 'control'));
    const treatment = ratioWithVariance(units.filter((u) => u.arm === 'treatment'));
    const metric = scorecard.metrics.find((m) => m.id === 'accept_rate')!;
    expect(metric.arms.map((a) => a.mean)).toEqual([expect.closeTo(control.ratio, 10), expect.closeTo(treatment.ratio, 10)]);
    const raw = metric.comparisons[0].raw.absolute!;
    expect(raw.estimate).toBeCloseTo(treatment.ratio - control.ratio, 10);
    expect(raw.se).toBeCloseTo(Math.sqrt(control.variance + treatment.variance), 8);
    // 95% normal interval: ± 1.959964 SE.
    expect(raw.low).toBeCloseTo(raw.estimate - 1.959964 * raw.se, 5);
    // The generated lift (+3 to +7 points) is found, and decided by the sequential interval as exp.yaml asks.
    expect(metric.comparisons[0].deciding).toBe('sequential');
    expect(metric.comparisons[0].conclusion).toBe('better');
  });

  it('gives the task-success share (any completed session) per arm, users without sessions counted as 0', () => {
    const units = [...unitSums().values()];
    const share = (arm: string) => units.filter((u) => u.arm === arm && u.completedAny).length / units.filter((u) => u.arm === arm).length;
    const metric = scorecard.metrics.find((m) => m.id === 'task_success')!;
    expect(metric.arms.map((a) => a.mean)).toEqual([expect.closeTo(share('control'), 12), expect.closeTo(share('treatment'), 12)]);
  });

  it('tells the README’s story: CUPED narrows the interval, a novelty effect, the latency guardrail met', () => {
    const accepted = scorecard.metrics.find((m) => m.id === 'accepted_per_user')!.comparisons[0];
    // The October count explains part of November's (12% of the variance with the default seed).
    expect(accepted.cuped!.varianceReduction).toBeGreaterThan(0.05);
    expect(accepted.effect.absolute!.se).toBeLessThan(accepted.raw.absolute!.se);
    const novelty = scorecard.metrics[0].novelty[0];
    expect(novelty.early.absolute!.estimate).toBeGreaterThan(novelty.late.absolute!.estimate);
    expect(novelty.detected).toBe(true);
    expect(scorecard.guardrails[0].verdict).toBe('met');
    expect(scorecard.metrics[0].segments.map((s) => s.segment).sort()).toEqual(['plan=free', 'plan=pro']);
  });

  it('links offline and online: the offline difference is the replay logs’ pass rates, and they agree', () => {
    const offline = scorecard.offline!;
    expect(offline.suite).toBe('smart-suggestions');
    const [c] = offline.comparisons;
    expect(c.variants.treatment).toMatch(/suggest-v2/);
    expect(c.difference!.estimate).toBeCloseTo(passRate('outputs/suggest-v2.jsonl') - passRate('outputs/suggest-v1.jsonl'), 12);
    expect(c.online!.estimate).toBeCloseTo(scorecard.metrics[0].comparisons[0].sequential!.absolute!.estimate, 12);
    expect(c.agree).toBe('yes');
    expect(c.segments.map((s) => s.segment).sort()).toEqual(['plan=free', 'plan=pro']);
  });
});
