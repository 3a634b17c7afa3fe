// `evalspec plan SUITE --detect D`: cases (and repeats) needed to detect a difference, and the minimum
// detectable difference of the suite, with stated assumptions when the store has no run of the suite, and
// the observed variance and correlation (Miller Eq. 9) when it has one. Expected numbers are computed here.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, cleanupTempDirs, writeFiles, jsonl, REPO } from '../helpers/cli.js';
import { cases, mean, runScenario, sd, writeScenario, type ScenarioSpec } from '../stats-integration/scenario.js';

afterAll(() => cleanupTempDirs());

const Z975 = 1.959963984540054;
const Z80 = 0.8416212335729143;
const M2 = (Z975 + Z80) ** 2;

const N = 40;
const A = (i: number) => i % 4 !== 0;
const B = (i: number) => (A(i) || (i % 4 === 0 && i < 28)) && i !== 1;

function spec(repeat = 1): ScenarioSpec {
  return {
    name: 'planning',
    cases: cases(N),
    variants: [
      // With repeats, A is flaky on every 5th case (fails the last repeat).
      { label: 'A', answer: (i, r) => ({ pass: A(i) && !(repeat > 1 && i % 5 === 0 && r === repeat - 1) }) },
      { label: 'B', answer: (i) => ({ pass: B(i) }) },
    ],
    baseline: 'A',
    repeat,
    bars: ['- { severity: critical, max_rate: 0.01 }'],
  };
}

describe('evalspec plan', () => {
  it('without a previous run: states the worst-case assumption and uses it', async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, spec());
    const text = await runCli(['plan', suite, '--detect', '0.05'], { cwd: dir });
    expect(text.stderr).toBe('');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('no previous run of this suite is in the store');
    expect(text.stdout).toContain('worst-case binary variance 0.25');
    expect(text.stdout).toContain('correlation of 0.5');
    // Cases needed at 1, 2, 3, 5 and 10 repeats: without a run, each row past 1 is a range, from 0.25/k
    // (repeats average all the variance away) to 0.25: 2 repeats: (z.975 + z.8)²·0.125/0.05² = 392.4 → 393.
    expect(text.stdout).toContain(
      'cases needed: 1 repeat: 785 cases · 2 repeats: 393–785 cases · 3 repeats: 262–785 cases · 5 repeats: 157–785 cases · 10 repeats: 79–785 cases',
    );
    // Planning never creates a store.
    expect(existsSync(join(dir, '.evalspec'))).toBe(false);

    const json = JSON.parse((await runCli(['plan', suite, '--detect', '5%', '--json'], { cwd: dir })).stdout);
    expect(json.source).toBe('assumption');
    expect(json.previousRunId).toBeNull();
    // Var(B − A) = 0.25 + 0.25 − 2·0.5·0.25 = 0.25; n = (z.975 + z.8)²·0.25/0.05² = 784.9 → 785.
    expect(json.casesNeeded).toBe(Math.ceil((M2 * 0.25) / 0.0025));
    expect(json.casesNeeded).toBe(785);
    expect(json.minimumDetectableDifference).toBeCloseTo((Z975 + Z80) * Math.sqrt(0.25 / N), 10);
    expect(json.suite).toMatchObject({ name: 'planning', cases: N, variants: 2, repeat: 1 });
    // Zero-failure bar: 0 failures in 299 cases prove ≤ 1%.
    expect(json.bars).toEqual([expect.objectContaining({ index: 0, casesNeeded: 299 })]);
  });

  it('with a previous run: the observed variance and correlation (Miller Eq. 9)', async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, spec());
    const { report } = await runScenario(dir, suite);
    const json = JSON.parse((await runCli(['plan', suite, '--detect', '0.05', '--json'], { cwd: dir })).stdout);
    expect(json.source).toBe('previous-run');
    expect(json.previousRunId).toBe(report.runId);
    const a = Array.from({ length: N }, (_, i) => (A(i) ? 1 : 0));
    const b = Array.from({ length: N }, (_, i) => (B(i) ? 1 : 0));
    const d = b.map((x, i) => x - a[i]);
    const variance = sd(d) ** 2;
    const [pair] = json.pairs;
    expect(pair).toMatchObject({ baseline: 'A', variant: 'B', n: N });
    expect(pair.varianceOfDifference).toBeCloseTo(variance, 12);
    expect(pair.sdBaseline).toBeCloseTo(sd(a), 12);
    expect(pair.sdVariant).toBeCloseTo(sd(b), 12);
    const ma = mean(a);
    const mb = mean(b);
    const correlation = a.reduce<number>((s, x, i) => s + (x - ma) * (b[i] - mb), 0) / ((N - 1) * sd(a) * sd(b));
    expect(pair.correlation).toBeCloseTo(correlation, 12);
    expect(json.casesNeeded).toBe(Math.ceil((M2 * variance) / 0.0025));
    expect(json.minimumDetectableDifference).toBeCloseTo((Z975 + Z80) * Math.sqrt(variance / N), 10);
    // One repeat observed: it cannot tell what more repeats would buy, so the rows for 2, 3, 5, 10 repeats
    // (the README's table) are ranges: Miller Eq. 9 with Var(d)/k (all of it the model's randomness) up to
    // Var(d) (none of it, the safe figure).
    expect(pair.casesNeeded.map((r: { repeats: number }) => r.repeats)).toEqual([1, 2, 3, 5, 10]);
    for (const r of pair.casesNeeded) {
      expect(r.cases).toBe(json.casesNeeded);
      if (r.repeats > 1) expect(r.casesLowerBound).toBe(Math.ceil((M2 * variance) / r.repeats / 0.0025));
    }
    expect(json.assumptions.join(' ')).toContain('one repeat per case');

    const text = await runCli(['plan', suite, '--detect', '0.05'], { cwd: dir });
    expect(text.stdout).toContain(`observed in run ${report.runId}`);
    expect(text.stdout).toContain(`Cases needed: ${json.casesNeeded.toLocaleString('en-US')} at 1 repeat`);
    expect(text.stdout).toContain('Minimum detectable difference of the suite as it is');
  });

  it('with repeats in the previous run: how many cases at 1, 2, 3, 5, 10 repeats', async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, spec(3));
    await runScenario(dir, suite);
    const json = JSON.parse((await runCli(['plan', suite, '--detect', '0.1', '--json'], { cwd: dir })).stdout);
    const [pair] = json.pairs;
    expect(pair.decomposition.observedRepeats).toBe(3);
    expect(pair.decomposition.repeatVarianceVariant).toBe(0); // B never varies between repeats
    // A: flaky cases (2 of 3 repeats) have within-case variance 1/3; the mean over the 40 cases:
    const flaky = Array.from({ length: N }, (_, i) => A(i) && i % 5 === 0).filter(Boolean).length;
    expect(pair.decomposition.repeatVarianceBaseline).toBeCloseTo((flaky * (1 / 3)) / N, 12);
    expect(pair.casesNeeded.map((r: { repeats: number }) => r.repeats)).toEqual([1, 2, 3, 5, 10]);
    const needed = pair.casesNeeded.map((r: { cases: number }) => r.cases);
    for (let k = 1; k < needed.length; k++) expect(needed[k]).toBeLessThanOrEqual(needed[k - 1]);
    // Miller Eq. 9 at K repeats: (z + z)²·(ω² + σ_A²/K + σ_B²/K)/δ².
    const { caseVarianceOfDifference: omega, repeatVarianceBaseline: va, repeatVarianceVariant: vb } = pair.decomposition;
    pair.casesNeeded.forEach((r: { repeats: number; cases: number }) => {
      expect(r.cases).toBe(Math.ceil((M2 * (omega + va / r.repeats + vb / r.repeats)) / 0.01 - 1e-9));
    });
  });

  it("the README's example suite, bars included, is valid", async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const yaml = /A suite \(YAML[^\n]*\n\n```yaml\n([\s\S]*?)```/.exec(readme)![1];
    expect(yaml).toContain('bars:');
    const dir = tempDir();
    const casesFile = jsonl(
      Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, vars: { question: 'q', expected: 'e' }, tags: [i < 4 ? 'segment:enterprise' : 'segment:smb'] })),
    );
    writeFiles(dir, { 'evalspec.yaml': yaml, 'cases.jsonl': casesFile });
    const result = await runCli(['plan', 'evalspec.yaml', '--detect', '0.05'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('critical failure rate ≤ 1%: 299 cases');
  });

  it('rejects a difference outside (0, 1) with exit 2', async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, spec());
    const result = await runCli(['plan', suite, '--detect', '5'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--detect must be a difference between 0 and 1');
  });
});
