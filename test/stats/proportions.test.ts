import { describe, expect, it } from 'vitest';
import {
  agrestiCoullInterval,
  casesNeededForZeroFailureBar,
  clopperPearsonInterval,
  intervalCoverage,
  jeffreysInterval,
  lowerBound,
  upperBound,
  wilsonCoverage,
  wilsonInterval,
  zeroFailureUpperBound,
  type Interval,
} from '../../src/stats/index.js';
import { expectClose, referenceEntry, scipyExtra } from './reference-helpers.js';

const bounds = (interval: Interval | undefined) => ({ lower: interval?.low, upper: interval?.high });

describe.each(['proportion_ci_0_of_20', 'proportion_ci_17_of_20', 'proportion_ci_20_of_20'])('%s', (name) => {
  const entry = referenceEntry(name);
  const { successes, n, confidence } = entry.inputs;

  it('Wilson, Clopper–Pearson, Jeffreys and Agresti–Coull match the reference', () => {
    expectClose(
      {
        wilson: bounds(wilsonInterval(successes, n, confidence)),
        clopper_pearson: bounds(clopperPearsonInterval(successes, n, confidence)),
        jeffreys: bounds(jeffreysInterval(successes, n, confidence)),
        agresti_coull: bounds(agrestiCoullInterval(successes, n, confidence)),
      },
      {
        wilson: entry.expected.wilson,
        clopper_pearson: entry.expected.clopper_pearson,
        jeffreys: entry.expected.jeffreys,
        agresti_coull: entry.expected.agresti_coull,
      },
      entry.tolerance,
    );
  });

  it('names the method and level, and follows the boundary convention exactly', () => {
    const wilson = wilsonInterval(successes, n, confidence) as Interval;
    expect(wilson.method).toBe('wilson');
    expect(wilson.level).toBe(0.95);
    expect(clopperPearsonInterval(successes, n)?.method).toBe('clopper-pearson');
    expect(jeffreysInterval(successes, n)?.method).toBe('jeffreys');
    if (successes === 0) {
      expect(wilson.low).toBe(0);
      expect(clopperPearsonInterval(successes, n)?.low).toBe(0);
      expect(jeffreysInterval(successes, n)?.low).toBe(0);
    }
    if (successes === n) {
      expect(wilson.high).toBe(1);
      expect(clopperPearsonInterval(successes, n)?.high).toBe(1);
      expect(jeffreysInterval(successes, n)?.high).toBe(1);
    }
  });
});

describe('proportion intervals against scipy at other sizes and levels', () => {
  const rows: [string, any][] = scipyExtra.proportion_intervals.map((row: any) => [`${row.successes}/${row.n} at ${row.level}`, row]);
  it.each(rows)('%s', (_label, row) => {
    const tolerance = { abs: 1e-12, rel: 1e-9 };
    const asPair = (interval: Interval | undefined) => [interval?.low, interval?.high];
    expectClose(asPair(clopperPearsonInterval(row.successes, row.n, row.level)), row.clopper_pearson, tolerance, 'clopper-pearson');
    expectClose(asPair(wilsonInterval(row.successes, row.n, row.level)), row.wilson, tolerance, 'wilson');
    expectClose(asPair(jeffreysInterval(row.successes, row.n, row.level)), row.jeffreys, tolerance, 'jeffreys');
  });
});

describe('zero failures', () => {
  const entry = referenceEntry('zero_failures_upper_bound');

  it('exact one-sided bound, two-sided CP and Wilson upper ends match every row', () => {
    for (const row of entry.expected.rows) {
      expectClose(zeroFailureUpperBound(row.n, entry.inputs.confidence)?.high, row.exact_one_sided_95_upper, entry.tolerance, `n=${row.n} one-sided`);
      expectClose(clopperPearsonInterval(0, row.n)?.high, row.exact_two_sided_95_upper, entry.tolerance, `n=${row.n} two-sided CP`);
      expectClose(wilsonInterval(0, row.n)?.high, row.wilson_95_upper, entry.tolerance, `n=${row.n} Wilson`);
      // The rule of three is the one-sided bound rounded up: always a little above it.
      expect(row.rule_of_three_3_over_n).toBeGreaterThan(zeroFailureUpperBound(row.n)?.high as number);
    }
  });

  it('the bound is an interval [0, bound] that names its method', () => {
    expect(zeroFailureUpperBound(300)).toEqual({ method: 'clopper-pearson-one-sided', level: 0.95, low: 0, high: expect.any(Number) });
    expect(zeroFailureUpperBound(0)).toBeUndefined();
  });

  it('casesNeededForZeroFailureBar is the smallest n whose bound clears the bar', () => {
    expect(casesNeededForZeroFailureBar(0.01, 0.95)).toBe(299);
    expect(casesNeededForZeroFailureBar(0.03, 0.95)).toBe(99);
    expect(casesNeededForZeroFailureBar(0.05, 0.99)).toBe(90);
    for (const [maxRate, level] of [
      [0.01, 0.95],
      [0.001, 0.9],
      [0.2, 0.99],
      [0.5, 0.75],
    ]) {
      const n = casesNeededForZeroFailureBar(maxRate, level);
      expect(zeroFailureUpperBound(n, level)?.high).toBeLessThanOrEqual(maxRate);
      if (n > 1) expect(zeroFailureUpperBound(n - 1, level)?.high).toBeGreaterThan(maxRate);
    }
    // Per the reference, 0/30 proves ≤ 9.5%, 0/20 does not.
    expect(casesNeededForZeroFailureBar(0.0951, 0.95)).toBe(30);
  });
});

describe('one-sided bounds for gates', () => {
  it('Clopper–Pearson one-sided bound equals the two-sided one at twice the tail', () => {
    const oneSided = lowerBound(17, 20, { method: 'clopper-pearson', level: 0.975 });
    expectClose(oneSided?.low, clopperPearsonInterval(17, 20, 0.95)?.low as number, { abs: 1e-14, rel: 0 });
    const upper = upperBound(3, 20, { method: 'clopper-pearson', level: 0.975 });
    expectClose(upper?.high, clopperPearsonInterval(3, 20, 0.95)?.high as number, { abs: 1e-14, rel: 0 });
  });

  it('Wilson one-sided bound uses z = 1.645 at 95%', () => {
    expectClose(lowerBound(17, 20)?.low, wilsonInterval(17, 20, 0.9)?.low as number, { abs: 1e-14, rel: 0 });
    expect(lowerBound(17, 20)).toMatchObject({ method: 'wilson-one-sided', level: 0.95, high: 1 });
    expect(upperBound(3, 20)).toMatchObject({ method: 'wilson-one-sided', level: 0.95, low: 0 });
  });

  it('one-sided bound is tighter than the two-sided end at the same level', () => {
    expect(lowerBound(90, 100)?.low).toBeGreaterThan(wilsonInterval(90, 100)?.low as number);
  });

  it('all pass: lower bound is still below 1; all fail: upper bound above 0', () => {
    expect(lowerBound(20, 20)?.low).toBeLessThan(1);
    expect(lowerBound(0, 20)?.low).toBe(0);
    expect(upperBound(0, 20)?.high).toBeGreaterThan(0);
    expect(upperBound(20, 20)?.high).toBe(1);
  });
});

describe('edge cases', () => {
  it('n = 0 gives undefined, never 0', () => {
    for (const build of [wilsonInterval, clopperPearsonInterval, jeffreysInterval, agrestiCoullInterval]) {
      expect(build(0, 0)).toBeUndefined();
    }
    expect(lowerBound(0, 0)).toBeUndefined();
    expect(upperBound(0, 0, { method: 'clopper-pearson' })).toBeUndefined();
  });

  it('n = 1', () => {
    expect(wilsonInterval(1, 1)).toMatchObject({ high: 1 });
    expect(wilsonInterval(0, 1)).toMatchObject({ low: 0 });
    expectClose(clopperPearsonInterval(1, 1)?.low, 0.025, { abs: 1e-15, rel: 0 });
    expectClose(clopperPearsonInterval(0, 1)?.high, 0.975, { abs: 1e-15, rel: 0 });
  });

  it('rejects impossible inputs with a RangeError naming the problem', () => {
    expect(() => wilsonInterval(21, 20)).toThrow(/cannot exceed n/);
    expect(() => wilsonInterval(1.5, 20)).toThrow(RangeError);
    expect(() => wilsonInterval(5, 20, 95)).toThrow(/between 0 and 1/);
    expect(() => casesNeededForZeroFailureBar(0)).toThrow(RangeError);
  });
});

describe('coverage', () => {
  it('seeded simulation: 95% Wilson covers p = 0.8 at n = 100 in 93–97% of 2,000 suites', () => {
    const result = wilsonCoverage({ p: 0.8, n: 100, draws: 2000, seed: 20240611 });
    expect(result.coverage).toBeGreaterThanOrEqual(0.93);
    expect(result.coverage).toBeLessThanOrEqual(0.97);
    expect(result.covered).toBe(Math.round(result.coverage * 2000));
    expect(result.coverageInterval.method).toBe('wilson');
    // The simulation estimates the exact coverage; they agree within the simulation's own interval.
    expect(result.exactCoverage).toBeGreaterThanOrEqual(result.coverageInterval.low);
    expect(result.exactCoverage).toBeLessThanOrEqual(result.coverageInterval.high);
  });

  it('is reproducible from the seed', () => {
    const options = { p: 0.3, n: 40, draws: 500, seed: 7 };
    expect(wilsonCoverage(options)).toEqual(wilsonCoverage(options));
    expect(wilsonCoverage({ ...options, seed: 8 }).covered).not.toBe(wilsonCoverage(options).covered);
  });

  it('Clopper–Pearson coverage is never below the level (exact computation)', () => {
    for (const p of [0.02, 0.1, 0.5, 0.85, 0.99]) {
      for (const n of [5, 20, 100]) {
        expect(intervalCoverage('clopper-pearson', { p, n, draws: 1, seed: 1 }).exactCoverage).toBeGreaterThanOrEqual(0.95 - 1e-12);
      }
    }
  });

  it('Wilson exact coverage stays close to nominal for moderate p', () => {
    for (const p of [0.2, 0.5, 0.8]) {
      const { exactCoverage } = wilsonCoverage({ p, n: 100, draws: 1, seed: 1 });
      expect(exactCoverage).toBeGreaterThan(0.93);
      expect(exactCoverage).toBeLessThan(0.97);
    }
  });
});
