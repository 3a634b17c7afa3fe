// The pass^k curve of one run with repeats through the built CLI (a replayed log, so every repeat's verdict is
// known): terminal line, JSON passHatK/passAtK, Markdown table, nothing for one repeat; and `show` / `gate
// --reduce`, which replace the stored reducer in the figures and the bar verdicts and say so.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, writeFiles, jsonl, cleanupTempDirs } from '../helpers/cli.js';

afterAll(() => cleanupTempDirs());

// 20 cases, 3 repeats each: case i passes c = 3, 2, 1, 0 of its repeats for i mod 4 = 0, 1, 2, 3.
const CASES = Array.from({ length: 20 }, (_, i) => ({ id: `q${String(i).padStart(2, '0')}`, vars: { answer: `A${i}` } }));
const passes = (i: number) => 3 - (i % 4);
const LOG = CASES.flatMap((c, i) => [0, 1, 2].map((repeat) => ({ id: c.id, repeat, output: repeat < passes(i) ? c.vars.answer : 'wrong' })));

const suite = (name: string, repeat: string, log: string) => `name: ${name}
models: [replay:./${log}]
cases: cases.jsonl
checks:
  - { type: equals, value: "{{answer}}" }
${repeat}
bars:
  - { metric: pass_rate, min: 0.3 }
`;

function project() {
  const dir = tempDir();
  writeFiles(dir, {
    'repeated.yaml': suite('repeated', 'repeat: 3', 'log.jsonl'),
    'single.yaml': suite('single', '', 'single.jsonl'),
    'cases.jsonl': jsonl(CASES),
    'log.jsonl': jsonl(LOG),
    'single.jsonl': jsonl(LOG.filter((r) => r.repeat === 0)),
  });
  return dir;
}

const readJson = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const ci = (p: { ci: { low: number; high: number } }) => `${(p.ci.low * 100).toFixed(1)}–${(p.ci.high * 100).toFixed(1)}`;

describe('the pass^k curve of a run with repeats', () => {
  const dir = project();

  it('one run prints pass^1..pass^3 and writes pass^k and pass@k per k, pass^1 being the mean pass share', async () => {
    const run = await runCli(['run', 'repeated.yaml', '--no-progress', '--json', 'out.json', '--md', 'out.md'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const v = readJson(dir, 'out.json').variants[0];
    // Per group of 4 cases (c = 3, 2, 1, 0 of n = 3), the mean of:
    //   pass^1 = c/3:            (1 + 2/3 + 1/3 + 0)/4 = 1/2
    //   pass^2 = C(c,2)/C(3,2):  (3/3 + 1/3 + 0 + 0)/4 = 1/3
    //   pass^3 = C(c,3)/1:       (1 + 0 + 0 + 0)/4     = 1/4
    //   pass@2 = 1 − C(3−c,2)/3: (1 + 1 + 2/3 + 0)/4   = 2/3
    //   pass@3 = 1 − C(3−c,3):   (1 + 1 + 1 + 0)/4     = 3/4
    expect(v.passHatK.map((p: { k: number; value: number }) => [p.k, p.value])).toEqual([
      [1, expect.closeTo(1 / 2, 12)],
      [2, expect.closeTo(1 / 3, 12)],
      [3, expect.closeTo(1 / 4, 12)],
    ]);
    expect(v.passAtK.map((p: { value: number }) => p.value)).toEqual([expect.closeTo(1 / 2, 12), expect.closeTo(2 / 3, 12), expect.closeTo(3 / 4, 12)]);
    // With the default reducer (the share of repeats passed) pass^1 is the run's pass rate, interval included:
    // 30 of 60 results passed.
    expect(v.passRate).toBeCloseTo(30 / 60, 12);
    expect(v.passHatK[0].value).toBeCloseTo(v.passRate, 12);
    expect(v.passHatK[0].ci).toMatchObject({ low: expect.closeTo(v.passRateCi.low, 12), high: expect.closeTo(v.passRateCi.high, 12) });
    expect(v.passHatK[0].ci.method).toBe('t over per-case pass^1 estimates (3 repeats)');
    expect(v.passHatK[1].ci.method).toBe('t over per-case pass^2 estimates (3 repeats)');
    const line = `  log: pass^1 50.0% [${ci(v.passHatK[0])}] · pass^2 33.3% [${ci(v.passHatK[1])}] · pass^3 25.0% [${ci(v.passHatK[2])}]`;
    expect(run.stdout.split('\n')).toContain(line);
    expect(run.stdout).toContain('pass^k over 3 repeats (the chance that k repeats of a case all pass');
    const md = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(md).toContain('#### `pass^k` and `pass@k` over 3 repeats');
    expect(md).toContain(`| log | \`pass@k\` | 50.0% (${ci(v.passAtK[0])}) | 66.7% (${ci(v.passAtK[1])}) | 75.0% (${ci(v.passAtK[2])}) |`);
  });

  it('a run of one repeat has no curve', async () => {
    const run = await runCli(['run', 'single.yaml', '--no-progress', '--json', 'single.json', '--md', 'single.md'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(readJson(dir, 'single.json').variants[0]).not.toHaveProperty('passHatK');
    expect(run.stdout).not.toContain('pass^k');
    expect(readFileSync(join(dir, 'single.md'), 'utf8')).not.toContain('pass^k');
  });

  it('gate --reduce judges the bars with another reducer and says so; show --reduce changes the pass rate', async () => {
    const repeated = (await runCli(['runs', '--json'], { cwd: dir })).stdout;
    const id = (JSON.parse(repeated) as { id: string; suiteName: string }[]).find((r) => r.suiteName === 'repeated')!.id;
    // Stored reducer (mean, 50%): the bar ≥ 30% is met. pass^3 (25%) is below it.
    const stored = await runCli(['gate', id], { cwd: dir });
    expect(stored.exitCode, stored.stdout).toBe(0);
    const hat3 = await runCli(['gate', id, '--reduce', 'pass^3'], { cwd: dir });
    expect(hat3.exitCode, hat3.stdout).toBe(1);
    expect(hat3.stdout).toContain("pass rate per case over 3 repeats: pass^3 (--reduce: replaces the suite's mean in every figure and bar verdict)");
    expect(hat3.stdout).toContain('pass rate 25.0% over 20 cases');
    const json = await runCli(['gate', id, '--reduce', 'pass^3', '--json'], { cwd: dir });
    expect(JSON.parse(json.stdout).repeatReduce).toMatchObject({ reducer: 'pass^3', k: 3, storedReducer: 'mean' });
    const show = await runCli(['show', id, '--reduce', 'pass^2', '--json', 'show.json'], { cwd: dir });
    expect(show.exitCode, show.stderr).toBe(0);
    const v = readJson(dir, 'show.json').variants[0];
    expect(v.passRate).toBeCloseTo(1 / 3, 12);
    expect(v.passRateCi).toEqual(v.passHatK[1].ci);
  });

  it('--reduce that does not parse, asks for more repeats than the run has, or meets a run of one repeat: exit 2', async () => {
    const runs = JSON.parse((await runCli(['runs', '--json'], { cwd: dir })).stdout) as { id: string; suiteName: string }[];
    const repeated = runs.find((r) => r.suiteName === 'repeated')!.id;
    const single = runs.find((r) => r.suiteName === 'single')!.id;
    const bad = await runCli(['gate', repeated, '--reduce', 'median'], { cwd: dir });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--reduce median is not a repeat reducer');
    expect(bad.stderr).toContain('use mean, majority, all, pass@K or pass^K with K from 1 to 3');
    const tooBig = await runCli(['show', repeated, '--reduce', 'pass^4'], { cwd: dir });
    expect(tooBig.exitCode).toBe(2);
    expect(tooBig.stderr).toContain(`--reduce pass^4: run ${repeated} has 3 repeats per case, fewer than k = 4`);
    const one = await runCli(['gate', single, '--reduce', 'pass^1'], { cwd: dir });
    expect(one.exitCode).toBe(2);
    expect(one.stderr).toContain('has one repeat per case, so there is nothing to reduce');
  });
});
