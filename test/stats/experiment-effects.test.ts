// Effects of A/B experiments against independent references: GrowthBook's published gbstats test values
// (packages/stats/tests/frequentist/test_tests.py) and scipy/numpy values from seeded unit data
// (test/fixtures/experiments/make.py → scipy.json).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cupedEffect, effectDifference, meanEffect, ratioEffect, sequentialEffect, type EffectEstimate } from '../../src/stats/index.js';

const scipy = JSON.parse(readFileSync(new URL('../fixtures/experiments/scipy.json', import.meta.url), 'utf8')) as Record<string, any>;

function expectNear(actual: number | null | undefined, expected: number, tolerance: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: got ${actual}, expected ${expected}`).toBeLessThanOrEqual(tolerance);
}

function expectEffect(actual: EffectEstimate | null, expected: Partial<EffectEstimate>, tolerance: number, what: string): void {
  expect(actual, `${what} should be computed`).not.toBeNull();
  for (const [key, value] of Object.entries(expected)) {
    expectNear((actual as unknown as Record<string, number>)[key], value as number, tolerance, `${what}.${key}`);
  }
}

// gbstats' SampleMeanStatistic fixtures (also quoted in issue #17).
const gbA = { n: 3407, sum: 1396.87, sumSquares: 52377.9767 };
const gbB = { n: 3461, sum: 2422.7, sumSquares: 134698.29 };

describe('meanEffect reproduces gbstats (published values, 5 decimals)', () => {
  const effect = meanEffect(gbA, gbB);

  it('absolute difference: 0.29, 95% CI 0.04538 to 0.53462, se 0.12478, p = 0.02016', () => {
    expectEffect(effect.absolute, { estimate: 0.29, low: 0.04538, high: 0.53462, se: 0.12478, p: 0.02016 }, 1e-5, 'absolute');
    expect(effect.absolute?.method).toMatch(/Welch t/);
  });

  it('relative lift: 0.70732, 95% CI −0.03526 to 1.44989, se 0.37879, p = 0.06191', () => {
    expectEffect(effect.relative, { estimate: 0.70732, low: -0.03526, high: 1.44989, se: 0.37879, p: 0.06191 }, 1e-5, 'relative');
    expect(effect.relative?.method).toMatch(/delta method/);
    expect(effect.note).toBeNull();
  });
});

describe('meanEffect against scipy.stats.ttest_ind(equal_var=False)', () => {
  for (const name of ['welch_mean', 'welch_proportion']) {
    it(name, () => {
      const c = scipy[name];
      const effect = meanEffect(c.control, c.treatment);
      expectEffect(effect.absolute, c.expected, 1e-9, name);
    });
  }

  it('a 90% interval is narrower than the 95% one around the same estimate', () => {
    const c = scipy.welch_mean;
    const wide = meanEffect(c.control, c.treatment).absolute!;
    const narrow = meanEffect(c.control, c.treatment, { level: 0.9 }).absolute!;
    expect(narrow.estimate).toBe(wide.estimate);
    expect(narrow.high - narrow.low).toBeLessThan(wide.high - wide.low);
    expect(narrow.level).toBe(0.9);
  });
});

describe('meanEffect when it cannot answer', () => {
  it('an arm with fewer than 2 units: no effect, note too-few-units', () => {
    expect(meanEffect({ n: 0, sum: 0, sumSquares: 0 }, gbB)).toEqual({ absolute: null, relative: null, note: 'too-few-units' });
    expect(meanEffect(gbA, { n: 1, sum: 3, sumSquares: 9 }).note).toBe('too-few-units');
  });

  it('both arms without spread (every unit converted): note zero-variance, never a zero-width interval', () => {
    expect(meanEffect({ n: 50, sum: 50, sumSquares: 50 }, { n: 60, sum: 60, sumSquares: 60 })).toEqual({
      absolute: null,
      relative: null,
      note: 'zero-variance',
    });
  });

  it('one arm without spread still has a Welch interval (df = n − 1 of the other arm)', () => {
    // control: 40 units all 0; treatment: 20 ones and 20 zeros, variance 40/39·0.25 → df = 39.
    const effect = meanEffect({ n: 40, sum: 0, sumSquares: 0 }, { n: 40, sum: 20, sumSquares: 20 });
    expectNear(effect.absolute?.df, 39, 1e-9, 'df');
    expect(effect.relative).toBeNull();
    expect(effect.note).toBe('control-mean-zero');
  });

  it('rejects a non-integer n', () => {
    expect(() => meanEffect({ n: 2.5, sum: 1, sumSquares: 1 }, gbB)).toThrow(/whole number/);
  });
});

describe('ratioEffect (delta method) against the linearised unit values (numpy)', () => {
  const c = scipy.ratio;
  const effect = ratioEffect(c.control, c.treatment);
  it('absolute difference of ratios', () => expectEffect(effect.absolute, c.expected.absolute, 1e-9, 'absolute'));
  it('relative lift', () => expectEffect(effect.relative, c.expected.relative, 1e-9, 'relative'));
  it('names a normal interval', () => {
    expect(effect.absolute?.df).toBeNull();
    expect(effect.absolute?.method).toMatch(/delta method/);
  });
  it('a denominator that sums to 0 in an arm: note zero-denominator', () => {
    const empty = { n: 10, sumX: 0, sumXX: 0, sumY: 0, sumYY: 0, sumXY: 0 };
    expect(ratioEffect(empty, c.treatment).note).toBe('zero-denominator');
  });
});

describe('cupedEffect against least squares y ~ arm + x and Welch on the adjusted values', () => {
  const c = scipy.cuped;
  const effect = cupedEffect(c.control, c.treatment);
  it('θ is the common slope and the effect is the ANCOVA treatment coefficient', () => {
    expectNear(effect.theta, c.expected.theta, 1e-9, 'theta');
    expectEffect(
      effect.absolute,
      { estimate: c.expected.estimate, low: c.expected.low, high: c.expected.high, p: c.expected.p, df: c.expected.df },
      1e-8,
      'absolute',
    );
    expect(effect.absolute?.method).toMatch(/^CUPED/);
  });
  it('reports the variance the covariate removed', () => {
    expectNear(effect.varianceReduction, c.expected.varianceReduction, 1e-9, 'varianceReduction');
  });
  it('a covariate with no spread changes nothing: θ = 0, the raw Welch effect', () => {
    const flat = (m: any) => ({ ...m, sumX: 7 * m.n, sumXX: 49 * m.n, sumXY: 7 * m.sum });
    const adjusted = cupedEffect(flat(c.control), flat(c.treatment));
    const raw = meanEffect(c.control, c.treatment);
    expect(adjusted.theta).toBe(0);
    expectNear(adjusted.absolute?.estimate, raw.absolute!.estimate, 1e-12, 'estimate');
    expectNear(adjusted.absolute?.se, raw.absolute!.se, 1e-12, 'se');
    expectNear(adjusted.varianceReduction, 0, 1e-12, 'varianceReduction');
  });
  it('too few units: no θ, no reduction (unknown, not 0)', () => {
    const one = { n: 1, sum: 1, sumSquares: 1, sumX: 1, sumXX: 1, sumXY: 1 };
    expect(cupedEffect(one, c.treatment)).toMatchObject({ absolute: null, note: 'too-few-units', theta: null, varianceReduction: null });
  });
});

describe('sequentialEffect reproduces gbstats SequentialTwoSidedTTest (published values)', () => {
  it('mean metric, control n = 3000, tuning 1000: relative 0.50336, CI −0.55844 to 1.56516, p = 1', () => {
    const fixed = meanEffect({ ...gbA, n: 3000 }, gbB).relative!;
    const sequential = sequentialEffect(fixed, 3000 + 3461, { tuning: 1000 });
    expectEffect(sequential, { estimate: 0.50336, se: 0.33341, low: -0.55844, high: 1.56516, p: 1 }, 1e-5, 'sequential');
    expect(sequential.method).toMatch(/confidence sequence.*1000/);
  });

  it('proportions 1396/3000 vs 2422/3461, default tuning 5000: relative 0.50386, CI 0.40098 to 0.60675', () => {
    // gbstats takes a proportion's variance as p(1 − p); ours is the unit values' sample variance, p(1 − p)·n/(n − 1),
    // which moves the bounds by ≈ 2e-5 at these n: hence 1e-4.
    const fixed = meanEffect({ n: 3000, sum: 1396, sumSquares: 1396 }, { n: 3461, sum: 2422, sumSquares: 2422 }).relative!;
    const sequential = sequentialEffect(fixed, 6461);
    expectEffect(sequential, { estimate: 0.50386, se: 0.03386, low: 0.40098, high: 0.60675 }, 1e-4, 'sequential');
    expect(sequential.p).toBeLessThan(5e-6);
  });

  it('is narrowest when the tuning matches the sample size (gbstats test_sequential_test_tuning_as_expected)', () => {
    const fixed = meanEffect({ ...gbA, n: 3000 }, gbB).relative!;
    const width = (tuning: number) => {
      const s = sequentialEffect(fixed, 6461, { tuning });
      return s.high - s.low;
    };
    expect(width(6461)).toBeLessThan(width(10000));
    expect(width(10000)).toBeLessThan(width(10));
  });

  it('is wider than the fixed-horizon interval, and excludes 0 exactly when its p < α', () => {
    const fixed = meanEffect(gbA, gbB).absolute!;
    for (const n of [200, 2000, 6868, 50000]) {
      const s = sequentialEffect(fixed, n);
      expect(s.high - s.low).toBeGreaterThan(fixed.high - fixed.low);
      expect(s.low > 0 || s.high < 0).toBe(s.p < 0.05);
    }
  });
});

describe('effectDifference (novelty: week 1 vs later, disjoint units)', () => {
  it('later − earlier with se √(se₁² + se₂²) and a normal p-value', () => {
    // 0.05 ± 0.02 in week 1, 0.01 ± 0.015 later: −0.04, se 0.025, z = −1.6, p = 2·Φ(−1.6) = 0.109599.
    const week1 = { estimate: 0.05, se: 0.02, low: 0, high: 0, p: 0, df: 100, level: 0.95, method: 'Welch t (unequal variances)' };
    const later = { ...week1, estimate: 0.01, se: 0.015 };
    const difference = effectDifference(week1, later);
    expectNear(difference.estimate, -0.04, 1e-15, 'estimate');
    expectNear(difference.se, 0.025, 1e-15, 'se');
    expectNear(difference.p, 0.109599, 1e-6, 'p');
    expectNear(difference.low, -0.04 - 1.959964 * 0.025, 1e-6, 'low');
    expect(difference.df).toBeNull();
  });
});
