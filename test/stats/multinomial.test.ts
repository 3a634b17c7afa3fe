// The multinomial resampling of the paired bootstrap (issue #22): binomial draws have the binomial's
// distribution, and a bootstrap over many binary differences gives the textbook standard error.
import { describe, expect, it } from 'vitest';
import { binomialDraw, multinomialDraw } from '../../src/stats/multinomial.js';
import { mulberry32 } from '../../src/stats/random.js';
import { pairedBootstrap } from '../../src/stats/index.js';

describe('binomialDraw', () => {
  it('has the Binomial(5, 0.4) probabilities', () => {
    // P(X = k) = C(5, k) 0.4^k 0.6^(5−k): 0.07776, 0.2592, 0.3456, 0.2304, 0.0768, 0.01024.
    const pmf = [0.07776, 0.2592, 0.3456, 0.2304, 0.0768, 0.01024];
    const random = mulberry32(7);
    const draws = 200_000;
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < draws; i++) counts[binomialDraw(random, 5, 0.4)]++;
    pmf.forEach((p, k) => {
      const se = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(counts[k] / draws - p)).toBeLessThan(5 * se);
    });
  });

  it('has mean np and variance np(1 − p) at n = 500,000', () => {
    const n = 500_000;
    const p = 0.1;
    const random = mulberry32(11);
    const draws = 20_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < draws; i++) {
      const x = binomialDraw(random, n, p);
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / draws;
    const variance = sumSq / draws - mean * mean;
    // np = 50,000, np(1 − p) = 45,000; SE of the mean √(45,000/20,000) = 1.5; of the variance ≈ 45,000·√(2/20,000) = 450.
    expect(Math.abs(mean - 50_000)).toBeLessThan(5 * 1.5);
    expect(Math.abs(variance - 45_000)).toBeLessThan(5 * 450);
  });

  it('handles the edges: p = 0, p = 1, n = 0', () => {
    const random = mulberry32(1);
    expect(binomialDraw(random, 10, 0)).toBe(0);
    expect(binomialDraw(random, 10, 1)).toBe(10);
    expect(binomialDraw(random, 0, 0.5)).toBe(0);
  });
});

describe('multinomialDraw', () => {
  it('draws counts that sum to n', () => {
    const out = new Float64Array(3);
    const random = mulberry32(3);
    for (let i = 0; i < 100; i++) {
      multinomialDraw(random, 1000, [1, 2, 7], out);
      expect(out[0] + out[1] + out[2]).toBe(1000);
    }
  });
});

describe('pairedBootstrap over many binary cases (multinomial resampling)', () => {
  it('gives the standard error √(Var(d)/n) of the mean difference', () => {
    // 20,000 cases: B − A = +1 on 2,000, −1 on 1,000, 0 elsewhere. mean d = 0.05;
    // Var(d) (population) = 3,000/20,000 − 0.05² = 0.1475; SE = √(0.1475/20,000) = 0.0027157.
    const n = 20_000;
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < n; i++) {
      a.push(i < 2000 ? 0 : i < 3000 ? 1 : i % 2);
      b.push(i < 2000 ? 1 : i < 3000 ? 0 : i % 2);
    }
    const boot = pairedBootstrap(a, b, { seed: 5, resamples: 2000 })!;
    expect(boot.difference).toBeCloseTo(0.05, 12);
    // 2,000 resamples estimate an SD to about 1/√(2·2,000) = 1.6% relative; allow 8%.
    expect(Math.abs(boot.se / 0.0027157 - 1)).toBeLessThan(0.08);
    // Percentile interval ≈ 0.05 ± 1.96·0.0027157 = [0.04468, 0.05532] (the mean is nearly normal at this n).
    expect(boot.interval.low).toBeCloseTo(0.04468, 3);
    expect(boot.interval.high).toBeCloseTo(0.05532, 3);
    // Seeded: the same seed, the same interval.
    expect(pairedBootstrap(a, b, { seed: 5, resamples: 2000 })).toEqual(boot);
  });
});
