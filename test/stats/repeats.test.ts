import { describe, expect, it } from 'vitest';
import {
  allPassed,
  consistency,
  majorityPassed,
  passAtK,
  passHatK,
  reduceRepeats,
  repeatsMean,
  repeatsMeanEstimate,
  repeatsVarianceRatio,
} from '../../src/stats/index.js';
import { expectClose, referenceEntry } from './reference-helpers.js';

describe('pass@k and pass^k', () => {
  const entry = referenceEntry('pass_at_k_and_pass_hat_k_single');

  it('match pass_at_k_and_pass_hat_k_single', () => {
    const { n, c } = entry.inputs;
    const rows = entry.inputs.k_values.map((k: number) => ({
      n,
      c,
      k,
      pass_at_k_unbiased: passAtK(n, c, k),
      pass_hat_k: passHatK(n, c, k),
    }));
    expectClose(
      rows,
      entry.expected.rows.map(({ n, c, k, pass_at_k_unbiased, pass_hat_k }: any) => ({ n, c, k, pass_at_k_unbiased, pass_hat_k })),
      entry.tolerance,
    );
  });

  it('agree with the exact binomial-coefficient formulas and stay stable for large n', () => {
    const choose = (n: number, k: number) => {
      let value = 1;
      for (let i = 0; i < k; i++) value = (value * (n - i)) / (i + 1);
      return value;
    };
    for (const [n, c, k] of [
      [20, 7, 3],
      [50, 1, 10],
      [12, 12, 4],
      [30, 0, 5],
    ]) {
      expectClose(passAtK(n, c, k), 1 - choose(n - c, k) / choose(n, k), { abs: 1e-14, rel: 1e-12 });
      expectClose(passHatK(n, c, k), choose(c, k) / choose(n, k), { abs: 1e-14, rel: 1e-12 });
    }
    // C(2000, 100) overflows a double; the product form does not.
    const large = passAtK(2000, 30, 100);
    expect(large).toBeGreaterThan(0.75);
    expect(large).toBeLessThan(0.8);
  });

  it('edge cases: all pass, all fail, k = n, invalid k', () => {
    expect(passAtK(5, 5, 3)).toBe(1);
    expect(passAtK(5, 0, 3)).toBe(0);
    expect(passHatK(5, 5, 5)).toBe(1);
    expect(passHatK(5, 4, 5)).toBe(0);
    expect(passAtK(1, 1, 1)).toBe(1);
    expect(() => passAtK(5, 2, 6)).toThrow(/k must be/);
    expect(() => passAtK(5, 6, 1)).toThrow(/cannot exceed/);
  });
});

describe('reducers', () => {
  const repeats = (passes: boolean[]) => passes.map((pass) => ({ pass, score: pass ? 1 : 0 }));

  it('mean, majority (ties fail), all', () => {
    expect(repeatsMean([0.5, 1, 0])).toBe(0.5);
    expect(repeatsMean([])).toBeUndefined();
    expect(majorityPassed([true, true, false])).toBe(true);
    expect(majorityPassed([true, false])).toBe(false);
    expect(majorityPassed([])).toBeUndefined();
    expect(allPassed([true, true])).toBe(true);
    expect(allPassed([true, false])).toBe(false);
    expect(allPassed([])).toBeUndefined();
  });

  it('reduceRepeats dispatches by name', () => {
    const sample = repeats([true, false, true, true]);
    expect(reduceRepeats(sample, 'mean')).toBe(0.75);
    expect(reduceRepeats(sample, 'majority')).toBe(1);
    expect(reduceRepeats(sample, 'all')).toBe(0);
    expect(reduceRepeats(sample, 'pass@2')).toBe(passAtK(4, 3, 2));
    expect(reduceRepeats(sample, 'pass^2')).toBe(passHatK(4, 3, 2));
    expect(reduceRepeats([], 'mean')).toBeUndefined();
    expect(() => reduceRepeats(sample, 'median' as never)).toThrow(/unknown reducer/);
  });

  it('consistency: share of cases whose repeats disagree, with a Wilson interval', () => {
    const result = consistency([[true, true, true], [true, false, true], [false, false], [false, true], [true]])!;
    expect(result).toMatchObject({ cases: 4, disagreeing: 2, share: 0.5 });
    expect(result.interval.method).toBe('wilson');
    expect(consistency([[true], []])).toBeUndefined();
    expect(consistency([])).toBeUndefined();
  });
});

describe('repeats are reduced per case before the interval (Miller §3.1)', () => {
  it('matches resampled_questions_K4', () => {
    const entry = referenceEntry('resampled_questions_K4');
    const estimate = repeatsMeanEstimate(entry.inputs.scores_by_question)!;
    expectClose(
      {
        n_questions: estimate.n,
        K: estimate.repeats.max,
        question_means: estimate.caseMeans,
        mean: estimate.mean,
        se_question_level: estimate.se,
        se_pooled_wrong: estimate.sePooledAsIfIndependent,
        mean_within_question_variance_E_sigma2_hat: estimate.meanWithinCaseVariance,
        var_of_question_means: estimate.varianceOfCaseMeans,
        var_x_hat: estimate.betweenCaseVariance,
      },
      entry.expected,
      entry.tolerance,
    );
    expect(estimate.repeats.min).toBe(4);
    expect(estimate.interval?.method).toBe('t');
    expect(estimate.sePooledAsIfIndependent!).toBeLessThan(estimate.se!);
  });

  it('matches miller_resampling_variance_ratio_uniform_example', () => {
    const entry = referenceEntry('miller_resampling_variance_ratio_uniform_example');
    const rows = entry.expected.rows.map((row: any) => {
      const ratio = repeatsVarianceRatio(entry.inputs.var_x, entry.inputs.E_sigma2, row.K);
      return { K: row.K, variance_ratio_vs_K1: ratio, variance_reduction: 1 - ratio };
    });
    expectClose(rows, entry.expected.rows, entry.tolerance);
    expectClose(repeatsVarianceRatio(entry.inputs.var_x, entry.inputs.E_sigma2, 1e9), entry.expected.limit_K_infinity_ratio, { abs: 1e-8, rel: 0 });
  });

  it('handles unequal repeats and no cases', () => {
    const estimate = repeatsMeanEstimate([[1, 0, 1], [0], [1, 1]])!;
    expect(estimate.repeats).toEqual({ min: 1, max: 3 });
    expect(estimate.caseMeans).toEqual([2 / 3, 0, 1]);
    expect(repeatsMeanEstimate([])).toBeUndefined();
    expect(repeatsMeanEstimate([[]])).toBeUndefined();
  });
});
