// The drift detectors on small, hand-checkable cases: the Shiryaev–Roberts martingale and Doob bound against a brute-
// force enumeration, minimum samples, both directions, exceedance and segment channels, the window-mean rule and the
// status-line window figures.
import { describe, expect, it } from 'vitest';
import {
  RateChangeDetector,
  detectDrift,
  detectWindowMean,
  exceedanceThreshold,
  quantileWindowEstimate,
  rateWindowEstimate,
  type DriftObservation,
} from '../../src/stats/index.js';

/** Likelihood ratio of one observation, written out again from the definition (not the detector's code). */
function ratio(x: number, q: number, p0: number): number {
  return x === 1 ? q / p0 : (1 - q) / (1 - p0);
}

/** Shiryaev–Roberts in closed form: R_t = Σ_{k≤t} Π_{k≤j≤t} L(x_j), mixed with equal weights. */
function closedFormR(xs: number[], t: number, alternatives: number[], p0: number): number {
  let total = 0;
  for (const q of alternatives) {
    for (let k = 0; k < t; k++) {
      let product = 1;
      for (let j = k; j < t; j++) product *= ratio(xs[j], q, p0);
      total += product / alternatives.length;
    }
  }
  return total;
}

const at = (i: number) => new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString();

describe('Shiryaev–Roberts mixture e-detector: the guarantee, checked by enumeration', () => {
  const p0 = 0.5;
  const alternatives = [0.2, 0.35];
  const N = 10;
  const A = 20; // α = N/A = 0.5, large enough that crossings happen in 2^10 sequences

  it('E[R_t] = t under the null rate, ≤ t under a higher true rate, and P(max R_t ≥ A) ≤ N/A', () => {
    for (const trueRate of [0.5, 0.6]) {
      const expected = new Array<number>(N + 1).fill(0);
      let crossProbability = 0;
      for (let mask = 0; mask < 1 << N; mask++) {
        const xs = Array.from({ length: N }, (_, j) => (mask >> j) & 1);
        const successes = xs.reduce((s, x) => s + x, 0);
        const probability = trueRate ** successes * (1 - trueRate) ** (N - successes);
        let crossed = false;
        const detector = new RateChangeDetector({ nullRate: p0, direction: 'decrease', falseAlarmRate: N / A, samplesPerPeriod: N, alternatives });
        for (let t = 1; t <= N; t++) {
          const r = closedFormR(xs, t, alternatives, p0);
          expected[t] += probability * r;
          // The streaming statistic equals the closed form, and alarms exactly when R_t ≥ A.
          const alarm = detector.observe(xs[t - 1]);
          expect(detector.state().logStatistic).toBeCloseTo(Math.log(r), 9);
          expect(alarm).toBe(r >= A * (1 - 1e-12));
          if (r >= A) crossed = true;
        }
        if (crossed) crossProbability += probability;
      }
      for (let t = 1; t <= N; t++) {
        if (trueRate === p0) expect(expected[t]).toBeCloseTo(t, 9);
        else expect(expected[t]).toBeLessThanOrEqual(t + 1e-9);
      }
      expect(crossProbability).toBeLessThanOrEqual(N / A);
      // Not vacuous: some sequences do cross at the null rate.
      if (trueRate === p0) expect(crossProbability).toBeGreaterThan(0.01);
    }
  });
});

describe('detectDrift on rates', () => {
  const allFailures: DriftObservation[] = Array.from({ length: 400 }, (_, i) => ({ at: at(i), value: false }));
  const rule = { kind: 'rate' as const, metric: 'pass_rate', falseAlarmRate: 0.01, samplesPerPeriod: 15_000, baseline: { kind: 'known' as const, rate: 0.88 } };

  it('respects minSamples: no alarm before it, an alarm at it when the evidence was already there', () => {
    const early = detectDrift(allFailures, { ...rule, direction: 'decrease' });
    expect(early.alarm).not.toBeNull();
    expect(early.alarm!.samples).toBeLessThan(50);
    const held = detectDrift(allFailures, { ...rule, direction: 'decrease', minSamples: 200 });
    expect(held.alarm!.samples).toBe(200);
    expect(held.alarm!.at).toBe(at(199));
  });

  it('watches only the stated direction; both directions catch either', () => {
    // A rise of the critical-failure rate from 1% to 10%: every 10th call fails critically.
    const rising: DriftObservation[] = Array.from({ length: 3000 }, (_, i) => ({ at: at(i), value: i % 10 === 0 }));
    const base = {
      kind: 'rate' as const,
      metric: 'critical_rate',
      falseAlarmRate: 0.01,
      samplesPerPeriod: 15_000,
      baseline: { kind: 'known' as const, rate: 0.01 },
    };
    expect(detectDrift(rising, { ...base, direction: 'decrease' }).alarm).toBeNull();
    const up = detectDrift(rising, { ...base, direction: 'increase' });
    expect(up.alarm?.direction).toBe('increase');
    expect(up.alarm!.sinceChange!.rate).toBeGreaterThan(0.05);
    expect(detectDrift(rising, { ...base, direction: 'both' }).alarm?.direction).toBe('increase');
    expect(detectDrift(allFailures, { ...rule, direction: 'increase' }).alarm).toBeNull();
  });

  it('skips unknown values (never 0), and spends α on an estimated baseline', () => {
    const withNulls: DriftObservation[] = allFailures.map((o, i) => (i % 2 ? { at: o.at, value: null } : o));
    const result = detectDrift(withNulls, { ...rule, direction: 'decrease', minSamples: 100 });
    expect(result.alarm!.samples).toBe(100);
    expect(result.skipped).toBe(99);
    const sampled = detectDrift(allFailures, { ...rule, direction: 'decrease', baseline: { kind: 'sample', successes: 880, n: 1000 } });
    expect(sampled.guarantee.baselineFalseAlarmRate).toBeCloseTo(0.005, 12);
    expect(sampled.guarantee.detectorFalseAlarmRate).toBeCloseTo(0.005, 12);
    // One-sided 99.5% Clopper–Pearson lower bound of 880/1000: below the point 0.88 by about 2.58·√(.88·.12/1000) ≈ 0.027.
    expect(sampled.channels[0].baseline.nullRate).toBeGreaterThan(0.85);
    expect(sampled.channels[0].baseline.nullRate).toBeLessThan(0.856);
  });

  it('estimates where the change started', () => {
    const stream: DriftObservation[] = Array.from({ length: 4000 }, (_, i) => ({ at: at(i), value: i < 2000 ? i % 10 !== 0 : i % 2 === 0 }));
    const result = detectDrift(stream, { ...rule, direction: 'decrease', baseline: { kind: 'known', rate: 0.9 } });
    expect(result.alarm!.index).toBeGreaterThan(2000);
    expect(Math.abs(result.alarm!.changeStart!.index - 2000)).toBeLessThan(20);
    expect(result.alarm!.sinceChange!.rate).toBeCloseTo(0.5, 1);
  });

  it('rejects out-of-order streams and values that are not 0/1', () => {
    expect(() =>
      detectDrift(
        [
          { at: at(2), value: true },
          { at: at(1), value: true },
        ],
        { ...rule, direction: 'decrease' },
      ),
    ).toThrow(/time order/);
    expect(() => detectDrift([{ at: at(1), value: 0.5 }], { ...rule, direction: 'decrease' })).toThrow(/0\/1/);
  });
});

describe('exceedance and segment channels', () => {
  it('takes the order-statistic threshold and its exact baseline count', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    // p95: k = ⌈0.95·100⌉ = 95, m = 95; 5 of 100 are above it.
    expect(exceedanceThreshold(values, 0.95, 'increase')).toMatchObject({ threshold: 95, counts: 'above', baseline: { successes: 5, n: 100 } });
    // median, decrease: m = X_(50) = 50; 49 of 100 below it.
    expect(exceedanceThreshold(values, 0.5, 'decrease')).toMatchObject({ threshold: 50, counts: 'below', baseline: { successes: 49, n: 100 } });
  });

  it('detects slower calls against the baseline p95', () => {
    const baseline = Array.from({ length: 2000 }, (_, i) => 100 + (i % 100)); // p95 = 194
    const slow: DriftObservation[] = Array.from({ length: 3000 }, (_, i) => ({ at: at(i), value: i % 5 === 0 ? 500 : 120 })); // 20% above
    const result = detectDrift(slow, {
      kind: 'exceedance',
      metric: 'p95_latency',
      quantile: 0.95,
      direction: 'increase',
      falseAlarmRate: 0.01,
      samplesPerPeriod: 15_000,
      baseline: { kind: 'values', values: baseline },
    });
    expect(result.channels[0].threshold).toMatchObject({ value: 194, counts: 'above' });
    expect(result.alarm?.sinceChange?.rate).toBeGreaterThan(0.1);
  });

  it('names the segment whose share moved, and sees tags the baseline never had', () => {
    const baseline = { n: 1000, counts: { 'plan:pro': 300, 'plan:free': 700 } };
    const rule = { kind: 'segments' as const, metric: 'segment_mix', falseAlarmRate: 0.01, samplesPerPeriod: 15_000, baseline };
    const moved: DriftObservation[] = Array.from({ length: 3000 }, (_, i) => ({ at: at(i), tags: [i % 10 < 6 ? 'plan:pro' : 'plan:free'] }));
    const alarm = detectDrift(moved, rule).alarm!;
    expect(alarm.segment).toMatch(/^plan:(pro|free)$/);
    expect(alarm.direction).toBe(alarm.segment === 'plan:pro' ? 'increase' : 'decrease');
    const fresh: DriftObservation[] = Array.from({ length: 3000 }, (_, i) => ({ at: at(i), tags: [i % 3 ? 'plan:free' : 'plan:team'] }));
    expect(detectDrift(fresh, rule).alarm?.segment).toMatch(/^\(new\)$|^plan:/);
    // The (new) channel can only rise; 4 channels for the two baseline tags, 1 for (new).
    expect(detectDrift([], rule).channels.map((c) => `${c.segment}/${c.direction}`)).toEqual([
      'plan:free/decrease',
      'plan:free/increase',
      'plan:pro/decrease',
      'plan:pro/increase',
      '(new)/increase',
    ]);
  });
});

describe('fixed-threshold window-mean rule', () => {
  it('alerts on the first UTC day whose mean is under the threshold', () => {
    const day = 86_400_000;
    const start = Date.UTC(2026, 11, 1);
    // Day 0: 9 of 10 pass (0.9); day 1: 8 of 10 (0.8 < 0.85); day 2: 0 of 10.
    const stream: DriftObservation[] = [];
    for (let d = 0; d < 3; d++)
      for (let i = 0; i < 10; i++) stream.push({ at: new Date(start + d * day + i * 1000).toISOString(), value: i < 9 - (d * (d + 1)) / 2 });
    const result = detectWindowMean(stream, { windowMs: day, threshold: 0.85, direction: 'decrease' });
    expect(result.alarm).toMatchObject({ windowStart: '2026-12-02T00:00:00.000Z', n: 10, mean: 0.8, samples: 20 });
    expect(result.guarantee).toBeNull();
  });
});

describe('window estimates', () => {
  it('rate: Wilson interval and the bar verdicts', () => {
    // Wilson 95% for 84/100 by hand: center (84 + 1.9208)/103.8415 = 0.82743, half-width
    // (1.95996/103.8415)·√(84·16/100 + 0.96036) = 0.071627 → [0.7558, 0.8991].
    const w = rateWindowEstimate(84, 100)!;
    expect(w.interval!.low).toBeCloseTo(0.7558, 3);
    expect(w.interval!.high).toBeCloseTo(0.8991, 3);
    expect(rateWindowEstimate(84, 100, { bar: { kind: 'min', value: 0.95 } })!.bar!.verdict).toBe('breached');
    expect(rateWindowEstimate(84, 100, { bar: { kind: 'min', value: 0.7 } })!.bar!.verdict).toBe('met');
    expect(rateWindowEstimate(84, 100, { bar: { kind: 'min', value: 0.85 } })!.bar!.verdict).toBe('undecided');
    expect(rateWindowEstimate(84, 100, { bar: { kind: 'min', value: 0.95 }, minSamples: 200 })!.bar!.verdict).toBe('too-few-samples');
    expect(rateWindowEstimate(5, 100, { bar: { kind: 'max', value: 0.01 } })!.bar!.verdict).toBe('breached');
    expect(rateWindowEstimate(0, 0)).toBeUndefined();
  });

  it('quantile: the order-statistic interval of the median of 100 values is [x(40), x(61)]', () => {
    // Binomial(100, ½): P(B ≤ 39) = 0.0176 ≤ 0.025 < P(B ≤ 40) = 0.0284, and symmetrically P(B ≥ 61) = 0.0176.
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const q = quantileWindowEstimate(values, 0.5)!;
    expect(q.interval).toMatchObject({ method: 'order-statistic', low: 40, high: 61 });
    expect(q.estimate).toBeCloseTo(50.5, 12);
  });
});
