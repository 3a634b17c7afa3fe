// Paired comparisons, repeats and clusters through the real CLI, on constructed runs whose per-case outcomes
// are known. Every figure is checked against a value computed here from the known per-case vectors: the
// paired t by hand (mean, SD, SE; t quantiles and p-values from the tested distribution functions),
// McNemar from the discordant counts, Holm written out, and the clustered SE from stats.clusteredMeanEstimate.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, cleanupTempDirs, runCli } from '../helpers/cli.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { clusteredMeanEstimate, pairedProportionDifference, tQuantile } from '../../src/stats/index.js';
import { cases, holm, mcnemarExactP, mean, runScenario, sd, wilson95, writeScenario, type ScenarioSpec } from '../stats-integration/scenario.js';

afterAll(() => cleanupTempDirs());

const N = 40;
const A = (i: number) => i % 4 !== 0; // 30 of 40
const B = (i: number) => (A(i) || (i % 4 === 0 && i < 28)) && i !== 1; // 7 more than A, 1 fewer: 36 of 40
const C = (i: number) => (A(i) && i !== 1 && i !== 2) || i === 0; // 2 fewer, 1 more: 29 of 40
const D = (i: number) => A(i); // identical to A

const vector = (f: (i: number) => boolean) => Array.from({ length: N }, (_, i) => (f(i) ? 1 : 0));

const FOUR: ScenarioSpec = {
  name: 'compare',
  cases: cases(N, (i) => (i < 20 ? ['segment:enterprise'] : ['segment:smb'])),
  variants: [
    { label: 'A', answer: (i) => ({ pass: A(i), tone: 0.5 }) },
    { label: 'B', answer: (i) => ({ pass: B(i), tone: 0.5 }) },
    { label: 'C', answer: (i) => ({ pass: C(i), tone: 0.5 }) },
    { label: 'D', answer: (i) => ({ pass: D(i), tone: 0.5 }) },
  ],
  baseline: 'A',
  bars: ['- { compare: baseline, max_drop: 0.02 }'],
};

describe('comparisons with the baseline: 4 variants, one result per case', () => {
  const dir = tempDir();
  let report: any;
  let stdout: string;

  it('runs and reports a comparison per non-baseline variant', async () => {
    const suite = writeScenario(dir, FOUR);
    const run = await runScenario(dir, suite, ['--md', 'out.md']);
    report = run.report;
    stdout = run.result.stdout;
    // The JSON contract still parses; the compare bar fails for C (exit 1).
    jsonReportSchema.parse(report);
    expect(run.result.exitCode).toBe(1);
    expect(report.baseline).toEqual({ id: 'A', source: 'suite', note: null });
    expect(report.comparisons.map((c: { variant: string }) => c.variant)).toEqual(['B', 'C', 'D']);
  });

  it('binary outcomes: difference and paired SE by hand, Newcombe paired interval, p from McNemar mid-p', () => {
    const a = vector(A);
    for (const [k, f] of [B, C].entries()) {
      const b = vector(f);
      const d = b.map((x, i) => x - a[i]);
      const diff = mean(d);
      const se = sd(d) / Math.sqrt(N);
      const c = report.comparisons[k];
      expect(c.n).toBe(N);
      // One result per case, no clusters: the t interval misbehaves with few discordant cases.
      expect(c.test).toBe('newcombe-paired');
      expect(c.difference).toBeCloseTo(diff, 12);
      expect(c.se).toBeCloseTo(se, 12);
      const newcombe = pairedProportionDifference(
        a.map((x) => x === 1),
        b.map((x) => x === 1),
      )!;
      expect(c.interval.method).toBe(newcombe.interval.method);
      expect(c.interval.low).toBeCloseTo(newcombe.interval.low, 12);
      expect(c.interval.high).toBeCloseTo(newcombe.interval.high, 12);
      const onlyB = b.filter((x, i) => x === 1 && a[i] === 0).length;
      const onlyA = b.filter((x, i) => x === 0 && a[i] === 1).length;
      // McNemar mid-p: the exact two-sided p less the probability of the observed split.
      const n = onlyA + onlyB;
      const smaller = Math.min(onlyA, onlyB);
      const choose = (m: number, r: number): number => (r === 0 ? 1 : (choose(m, r - 1) * (m - r + 1)) / r);
      expect(c.pValue).toBeCloseTo(Math.min(1, mcnemarExactP(onlyB, onlyA) - choose(n, smaller) / 2 ** n), 12);
      expect(c.baselinePassRate).toBeCloseTo(30 / 40, 12);
    }
    expect(report.comparisons[0].difference).toBeCloseTo(6 / 40, 12);
    expect(report.comparisons[1].difference).toBeCloseTo(-1 / 40, 12);
  });

  it('McNemar exact from the discordant counts', () => {
    const [b, c] = report.comparisons;
    expect(b.mcnemar).toMatchObject({ onlyVariantPassed: 7, onlyBaselinePassed: 1, method: 'mcnemar-exact' });
    expect(b.mcnemar.pValue).toBeCloseTo(mcnemarExactP(7, 1), 12);
    expect(b.mcnemar.pValue).toBeCloseTo(0.0703125, 12); // 2·(1 + 8)/256
    expect(c.mcnemar).toMatchObject({ onlyVariantPassed: 1, onlyBaselinePassed: 2 });
    expect(c.mcnemar.pValue).toBeCloseTo(1, 12);
  });

  it('Holm-adjusts across the three comparisons (a comparison without a p-value counts as p = 1)', () => {
    const raw = report.comparisons.map((c: { pValue: number | null }) => c.pValue);
    expect(raw[2]).toBe(1); // D = A on every case: no discordant case, McNemar p = 1
    const adjusted = holm(raw);
    report.comparisons.forEach((c: { pValueHolm: number }, k: number) => expect(c.pValueHolm).toBeCloseTo(adjusted[k], 12));
    const mcnemarAdjusted = holm(report.comparisons.map((c: { mcnemar: { pValue: number } }) => c.mcnemar.pValue));
    report.comparisons.forEach((c: { mcnemar: { pValueHolm: number } }, k: number) => expect(c.mcnemar.pValueHolm).toBeCloseTo(mcnemarAdjusted[k], 12));
    expect(report.comparisons[0].sentence).toMatch(/Adjusted for 3 comparisons \(Holm\): p = 0\.\d+/);
    expect(Number(/\(Holm\): p = (0\.\d+)/.exec(report.comparisons[0].sentence)![1])).toBeCloseTo(adjusted[0], 2);
  });

  it('says it in words, and never claims certainty when the variants agree on every case', () => {
    const [b, , d] = report.comparisons;
    expect(b.detected).toBe(true);
    expect(b.sentence).toMatch(/^Pass rate: B is better than A by 15\.0 points \(95% CI \d+\.\d to \d+\.\d, p = 0\.\d+\)\./);
    // D agrees with A on all 40 cases: not a zero-width "0 to 0" interval, but as wide as 40 cases warrant.
    expect(d.difference).toBe(0);
    expect(d.interval.low).toBeLessThan(-0.03);
    expect(d.interval.high).toBeGreaterThan(0.03);
    expect(d.detected).toBe(false);
    expect(d.sentence).toContain('No detectable difference between A and D');
    expect(stdout).toContain("comparisons with A (the suite's baseline), paired on the same cases:");
    expect(stdout).toContain('McNemar exact: 7 cases only B passed, 1 only A');
    const md = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(md).toContain('#### Comparisons with A');
  });

  it('the compare bar applies to every non-baseline variant: met, not met, inconclusive', () => {
    expect(report.bars.map((b: { variant: string; verdict: string }) => [b.variant, b.verdict])).toEqual([
      ['B', 'met'],
      ['C', 'not_met'],
      ['D', 'inconclusive'],
    ]);
    const a = vector(A);
    const d = vector(B).map((x, i) => x - a[i]);
    const [b, c, dd] = report.bars;
    expect(b.baseline).toBe('A');
    expect(b.threshold).toBe(-0.02);
    // Pass/fail outcomes: the paired score bound (Nam 1997, Tango 1998), not a t bound on 0/1 differences.
    // Check it by the paper's statistic: at the bound the one-sided z equals z.95.
    const z95 = 1.6448536269514722;
    const tangoZ = (onlyBaseline: number, onlyVariant: number, n: number, delta: number) => {
      const linear = onlyBaseline * (1 - delta) + onlyVariant * (1 + delta) - 2 * n * delta;
      const pTilde = (linear + Math.sqrt(linear ** 2 + 8 * n * onlyBaseline * delta * (1 - delta))) / (4 * n);
      return (onlyVariant - onlyBaseline - n * delta) / Math.sqrt(n * (2 * pTilde + delta - delta ** 2));
    };
    expect(b.bound.method).toBe('paired-score-one-sided');
    expect(b.point).toBeCloseTo(mean(d), 12);
    expect(tangoZ(1, 7, N, b.bound.low)).toBeCloseTo(z95, 6);
    expect(c.point).toBeCloseTo(-0.025, 12);
    // No discordant case: z(δ)² = n|δ|/(1 − |δ|), so the bound is −z²/(n + z²) (by hand from the statistic).
    expect(dd.bound.low).toBeCloseTo(-(z95 ** 2) / (N + z95 ** 2), 9);
    expect(dd.explanation).toContain('not proven');
    // And n agreeing cases prove a drop ≤ 2 points once n ≥ z²(1 − 0.02)/0.02 = 132.6.
    expect(dd.casesNeeded).toBe(133);
    expect(dd.explanation).toContain('133 paired cases would prove it if the variants agree on every one again.');
  });

  it('mean scores are compared too, with a seeded paired bootstrap', () => {
    const b = report.comparisons[0];
    // score = mean of contains (0/1) and no-leak (1), weights 1, 1 (tone has weight 0): 0.5 + pass/2.
    expect(b.score.difference).toBeCloseTo(6 / 40 / 2, 12);
    expect(b.score.bootstrap.seed).toBe(20241107);
    expect(b.score.bootstrap.resamples).toBe(2000);
    expect(b.score.bootstrap.interval.method).toBe('bootstrap-percentile');
    expect(b.score.bootstrap.interval.low).toBeLessThan(b.score.difference);
    expect(b.score.bootstrap.interval.high).toBeGreaterThan(b.score.difference);
  });

  it('segments carry the per-tag comparison and figures', () => {
    const enterprise = report.segments.find((s: { tag: string }) => s.tag === 'segment:enterprise');
    expect(enterprise.cases).toBe(20);
    const a = enterprise.variants.find((v: { id: string }) => v.id === 'A');
    const passed = Array.from({ length: 20 }, (_, i) => A(i)).filter(Boolean).length;
    expect(a.passRate).toBeCloseTo(passed / 20, 12);
    const [low, high] = wilson95(passed, 20);
    expect(a.passRateCi.low).toBeCloseTo(low, 10);
    expect(a.passRateCi.high).toBeCloseTo(high, 10);
    // 20 cases at 75%: Wilson half-width about 18 points > 15: too small, and the rule is named.
    expect(a.warning).toBe('too small to say anything: ±17.8 points (rule: interval half-width above 15 points)');
    const cb = enterprise.comparisons.find((c: { variant: string }) => c.variant === 'B');
    const d = Array.from({ length: 20 }, (_, i) => (B(i) ? 1 : 0) - (A(i) ? 1 : 0));
    expect(cb.difference).toBeCloseTo(mean(d), 12);
  });

  it('gate re-evaluates the stored bars with the same verdicts', async () => {
    const gate = await runCli(['gate', report.runId, '--json'], { cwd: dir });
    expect(gate.exitCode).toBe(1);
    expect(JSON.parse(gate.stdout).bars).toEqual(report.bars);
  });
});

describe('repeats: per-case reduction, consistency, intervals over cases', () => {
  const dir = tempDir();
  let report: any;
  // 20 cases × 3 repeats. A: cases 0–4 pass repeats 0 and 1 and fail repeat 2 (flaky), 5–14 always pass,
  // 15–19 always fail. B: always passes 0–14, fails 15–19.
  const flaky = (i: number) => i < 5;
  const spec: ScenarioSpec = {
    name: 'repeats',
    cases: cases(20),
    variants: [
      { label: 'A', answer: (i, r) => ({ pass: i < 15 && !(flaky(i) && r === 2) }) },
      { label: 'B', answer: (i) => ({ pass: i < 15 }) },
    ],
    repeat: 3,
    bars: ['- { metric: pass_rate, min: 0.4, variant: A }', '- { metric: pass_rate, min: 0.6, variant: B }'],
  };
  const sharesA = Array.from({ length: 20 }, (_, i) => (i >= 15 ? 0 : flaky(i) ? 2 / 3 : 1));

  it('reports consistency per variant: the share of cases whose repeats disagree', async () => {
    const suite = writeScenario(dir, spec);
    ({ report } = await runScenario(dir, suite));
    const a = report.variants.find((v: { id: string }) => v.id === 'A');
    expect(a.consistency.cases).toBe(20);
    expect(a.consistency.disagreeing).toBe(5);
    expect(a.consistency.share).toBe(0.25);
    const [low, high] = wilson95(5, 20);
    expect(a.consistency.interval.low).toBeCloseTo(low, 10);
    expect(a.consistency.interval.high).toBeCloseTo(high, 10);
    expect(a.consistency.flakyCases).toEqual(['c0', 'c1', 'c2', 'c3', 'c4']);
    const b = report.variants.find((v: { id: string }) => v.id === 'B');
    expect(b.consistency.disagreeing).toBe(0);
  });

  it('the pass-rate interval is a t interval over the 20 per-case shares, not over 60 results', () => {
    const a = report.variants.find((v: { id: string }) => v.id === 'A');
    const m = mean(sharesA);
    const half = tQuantile(0.975, 19) * (sd(sharesA) / Math.sqrt(20));
    expect(a.passRate).toBeCloseTo(m, 12);
    expect(a.passRateCi.method).toMatch(/^t over per-case pass shares \(3 repeats\)/);
    expect(a.passRateCi.low).toBeCloseTo(m - half, 12);
    expect(a.passRateCi.high).toBeCloseTo(m + half, 12);
    // Treating the 60 results as independent would give a much narrower interval.
    const [wl, wh] = wilson95(40, 60);
    expect(wh - wl).toBeLessThan(a.passRateCi.high - a.passRateCi.low);
  });

  it('bars and comparisons use per-case shares; McNemar is only for one result per case', () => {
    const [barA, barB] = report.bars;
    expect(barA.n).toBe(20);
    expect(barA.bound.method).toBe('t-one-sided');
    expect(barA.bound.low).toBeCloseTo(mean(sharesA) - tQuantile(0.95, 19) * (sd(sharesA) / Math.sqrt(20)), 12);
    expect(barA.verdict).toBe('met');
    // B has shares 1 (15 cases) and 0 (5 cases).
    expect(barB.point).toBeCloseTo(0.75, 12);
    const c = report.comparisons[0];
    expect(c.mcnemar).toBeNull();
    const d = Array.from({ length: 20 }, (_, i) => (i < 15 ? 1 : 0) - sharesA[i]);
    expect(c.difference).toBeCloseTo(mean(d), 12);
    expect(c.se).toBeCloseTo(sd(d) / Math.sqrt(20), 12);
  });

  it('the terminal names the flaky cases', async () => {
    const show = await runCli(['show', report.runId], { cwd: dir });
    expect(show.stdout).toContain('consistency over 3 repeats');
    expect(show.stdout).toContain('A: 5 of 20 cases (25.0%');
    expect(show.stdout).toContain('c0, c1, c2, c3, c4');
  });
});

describe('clusters: clustered standard errors when cases share a cluster', () => {
  const dir = tempDir();
  let report: any;
  // 30 cases in 6 clusters of 5 (doc0 … doc5). A fails all of doc4 and two of doc5; B fails doc5 only.
  const cluster = (i: number) => `doc${Math.floor(i / 5)}`;
  const passA = (i: number) => !(cluster(i) === 'doc4' || (cluster(i) === 'doc5' && i % 5 < 2));
  const passB = (i: number) => cluster(i) !== 'doc5';
  const ids = Array.from({ length: 30 }, (_, i) => cluster(i));
  const a = Array.from({ length: 30 }, (_, i) => (passA(i) ? 1 : 0));
  const b = Array.from({ length: 30 }, (_, i) => (passB(i) ? 1 : 0));

  it('variant intervals, comparisons and bars use the clustered SE with G − 1 df', async () => {
    const suite = writeScenario(dir, {
      name: 'clusters',
      cases: cases(30, undefined, cluster),
      variants: [
        { label: 'A', answer: (i) => ({ pass: passA(i) }) },
        { label: 'B', answer: (i) => ({ pass: passB(i) }) },
      ],
      bars: ['- { metric: pass_rate, min: 0.5, variant: A }'],
    });
    ({ report } = await runScenario(dir, suite));
    const expected = clusteredMeanEstimate(a, ids)!;
    const variantA = report.variants.find((v: { id: string }) => v.id === 'A');
    expect(variantA.passRateCi.method).toMatch(/^clustered-t over per-case passes, 6 clusters/);
    expect(variantA.passRateCi.low).toBeCloseTo(expected.interval!.low, 12);
    expect(variantA.passRateCi.high).toBeCloseTo(Math.min(1, expected.interval!.high), 12);

    const c = report.comparisons[0];
    const d = b.map((x, i) => x - a[i]);
    const clustered = clusteredMeanEstimate(d, ids)!;
    expect(c.test).toBe('clustered-paired-t');
    expect(c.clusters).toBe(6);
    expect(c.df).toBe(5);
    expect(c.se).toBeCloseTo(clustered.se!, 12);
    expect(c.se).toBeGreaterThan(sd(d) / Math.sqrt(30)); // clustering widens it here
    expect(c.interval.method).toBe('clustered-t');

    const bar = report.bars[0];
    expect(bar.clusters).toBe(6);
    expect(bar.bound.method).toBe('clustered-t-one-sided');
    expect(bar.bound.low).toBeCloseTo(expected.mean - tQuantile(0.95, 5) * expected.se!, 12);
  });
});
