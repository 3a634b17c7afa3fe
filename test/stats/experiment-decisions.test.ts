// Sample ratio mismatch, p-value corrections, guardrail verdicts and planning for A/B experiments, against
// scipy (test/fixtures/experiments/scipy.json) and hand computations shown in the comments.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  adjustPValues,
  experimentSampleSize,
  guardrailIntervalLevel,
  guardrailVerdict,
  holmAdjust,
  sampleRatioMismatch,
  type EffectEstimate,
} from '../../src/stats/index.js';

const scipy = JSON.parse(readFileSync(new URL('../fixtures/experiments/scipy.json', import.meta.url), 'utf8')) as Record<string, any>;

describe('sampleRatioMismatch (chi-square against the planned allocation)', () => {
  it('fires on a 2.1% shortfall in a 50/50 experiment of 99,150 users (scipy.stats.chisquare)', () => {
    const c = scipy.srm_two;
    const srm = sampleRatioMismatch(c.counts, c.weights);
    expect(Math.abs(srm.chi2 - c.expected.chi2)).toBeLessThan(1e-9);
    expect(Math.abs(srm.p - c.expected.p) / c.expected.p).toBeLessThan(1e-9);
    expect(srm.fired).toBe(true);
    expect(srm.df).toBe(1);
    // treatment: 48540 of 99150 = 48.957% against 50% planned → 2.09% fewer than planned.
    expect(srm.worst).toMatchObject({ arm: 1, plannedShare: 0.5 });
    expect(Math.abs(srm.worst!.observedShare - 48540 / 99150)).toBeLessThan(1e-12);
    expect(Math.abs(srm.worst!.relativeDifference - (48540 / 49575 - 1))).toBeLessThan(1e-12);
    expect(srm.method).toMatch(/chi-square/);
  });

  it('stays quiet when a three-arm 20/40/40 plan holds', () => {
    const c = scipy.srm_three;
    const srm = sampleRatioMismatch(c.counts, c.weights);
    expect(Math.abs(srm.chi2 - c.expected.chi2)).toBeLessThan(1e-9);
    expect(Math.abs(srm.p - c.expected.p)).toBeLessThan(1e-9);
    expect(srm.fired).toBe(false);
    expect(srm.df).toBe(2);
  });

  it('weights need not sum to 1; the threshold can be set; no units means no verdict and no worst arm', () => {
    // 1:1 written as 5:5.
    const srm = sampleRatioMismatch([520, 480], [5, 5], { threshold: 0.25 });
    // chi2 = (520−500)²/500 + (480−500)²/500 = 0.8 + 0.8 = 1.6; P(χ²₁ ≥ 1.6) = 0.2059 < 0.25.
    expect(Math.abs(srm.chi2 - 1.6)).toBeLessThan(1e-12);
    expect(Math.abs(srm.p - 0.20590321)).toBeLessThan(1e-7);
    expect(srm.fired).toBe(true);
    expect(sampleRatioMismatch([0, 0], [1, 1])).toMatchObject({ p: 1, fired: false, worst: null });
  });

  it('rejects mismatched lengths and non-positive weights', () => {
    expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(/2 counts but 1 weights/);
    expect(() => sampleRatioMismatch([1, 2], [1, 0])).toThrow(/weights\[1\]/);
  });
});

describe('adjustPValues', () => {
  it('bh matches scipy.stats.false_discovery_control', () => {
    const adjusted = adjustPValues(scipy.bh.p, 'bh');
    scipy.bh.expected.forEach((value: number, i: number) => expect(Math.abs(adjusted[i] - value)).toBeLessThan(1e-12));
  });
  it('holm is the stats stage’s Holm step-down', () => {
    // [0.01, 0.04, 0.03]: sorted 0.01·3 = 0.03, 0.03·2 = 0.06, max(0.06, 0.04·1) = 0.06.
    expect(adjustPValues([0.01, 0.04, 0.03], 'holm')).toEqual(holmAdjust([0.01, 0.04, 0.03]));
    const holm = adjustPValues([0.01, 0.04, 0.03], 'holm');
    [0.03, 0.06, 0.06].forEach((value, i) => expect(Math.abs(holm[i] - value)).toBeLessThan(1e-12));
  });
  it('names the valid methods when given another', () => {
    expect(() => adjustPValues([0.1], 'bonferroni' as 'holm')).toThrow(/holm or bh/);
  });
});

describe('guardrailVerdict ("not worse by more than X", read on the interval)', () => {
  const effect = (low: number, high: number): EffectEstimate => ({
    estimate: (low + high) / 2,
    se: 1,
    low,
    high,
    p: 0.5,
    df: null,
    level: 0.9,
    method: 'test',
  });

  it('latency (lower is better), at most 5% worse', () => {
    const options = { maxWorse: 0.05, higherIsBetter: false };
    expect(guardrailVerdict(effect(-0.02, 0.03), options)).toBe('met'); // worst case +3% ≤ 5%
    expect(guardrailVerdict(effect(0.06, 0.12), options)).toBe('not-met'); // even the best case is 6% worse
    expect(guardrailVerdict(effect(0.01, 0.09), options)).toBe('inconclusive'); // could be 1% or 9%
  });

  it('acceptance (higher is better), at most 1 point worse', () => {
    const options = { maxWorse: 0.01, higherIsBetter: true };
    expect(guardrailVerdict(effect(-0.005, 0.02), options)).toBe('met');
    expect(guardrailVerdict(effect(-0.04, -0.015), options)).toBe('not-met');
    expect(guardrailVerdict(effect(-0.03, 0.01), options)).toBe('inconclusive');
  });

  it('one-sided at 95% reads a two-sided 90% interval', () => {
    expect(guardrailIntervalLevel(0.95)).toBeCloseTo(0.9, 12);
    expect(() => guardrailIntervalLevel(0.4)).toThrow(/one-sided level/);
  });
});

describe('experimentSampleSize', () => {
  it('the textbook figure: σ = 1, δ = 0.5, two-sided 5%, power 80% → 63 per arm', () => {
    // n per arm = 2·(z.975 + z.80)²·σ²/δ² = 2·(1.959964 + 0.841621)²/0.25 = 62.79 → 63.
    const plan = experimentSampleSize({ mde: 0.5, relative: false, controlMean: 10, sd: 1, weights: [0.5, 0.5] });
    expect(plan.unitsPerArm).toEqual([63, 63]);
    expect(plan.totalUnits).toBe(126);
    expect(plan.days).toBeNull();
    expect(plan.method).toMatch(/normal approximation/);
  });

  it('a 2-point lift on a 30% acceptance rate at 1,000 users a day', () => {
    // sd = √(0.3·0.7) = 0.458258; n per arm = 2·7.848879·0.21/0.0004 = 8241.3 → 8242; 16,484 users → 17 days.
    const plan = experimentSampleSize({ mde: 0.02, relative: false, controlMean: 0.3, sd: Math.sqrt(0.21), weights: [1, 1], unitsPerDay: 1000 });
    expect(plan.unitsPerArm).toEqual([8242, 8242]);
    expect(plan.days).toBe(17);
  });

  it('a relative mde scales by the control mean; an unequal split needs more units in total', () => {
    const absolute = experimentSampleSize({ mde: 0.5, relative: false, controlMean: 10, sd: 1, weights: [0.5, 0.5] });
    const relative = experimentSampleSize({ mde: 0.05, relative: true, controlMean: 10, sd: 1, weights: [0.5, 0.5] });
    expect(relative.unitsPerArm).toEqual(absolute.unitsPerArm);
    // 20/80 split: N = 7.848879·(1/0.2 + 1/0.8)/0.25 = 196.2 → arms 40 and 157.
    const uneven = experimentSampleSize({ mde: 0.5, relative: false, controlMean: 10, sd: 1, weights: [0.2, 0.8] });
    expect(uneven.unitsPerArm).toEqual([40, 157]);
  });

  it('rejects what cannot be planned', () => {
    expect(() => experimentSampleSize({ mde: 0, relative: false, controlMean: 1, sd: 1, weights: [1, 1] })).toThrow(/mde/);
    expect(() => experimentSampleSize({ mde: 0.1, relative: true, controlMean: 0, sd: 1, weights: [1, 1] })).toThrow(/control mean/);
  });
});
