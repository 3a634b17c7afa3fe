import { describe, expect, it } from 'vitest';
import {
  betaQuantile,
  binomialCdf,
  normalCdf,
  normalQuantile,
  normalTwoSidedPValue,
  tCdf,
  tQuantile,
  tTwoSidedPValue,
  logBeta,
  logGamma,
  regularizedIncompleteBeta,
  chiSquareUpperTail,
} from '../../src/stats/index.js';
import { expectClose, referenceEntry, scipyExtra } from './reference-helpers.js';

describe('normal distribution', () => {
  it('matches reference normal_quantiles', () => {
    const entry = referenceEntry('normal_quantiles');
    const actual = Object.fromEntries(Object.keys(entry.expected).map((key) => [key, normalQuantile(Number(key.slice(2)))]));
    expectClose(actual, entry.expected, entry.tolerance);
  });

  it('quantile matches mpmath far into the tails', () => {
    for (const { p, z } of scipyExtra.normal_quantile) {
      expectClose(normalQuantile(p), z, { abs: 1e-13, rel: 1e-14 }, `normalQuantile(${p})`);
    }
  });

  it('cdf matches mpmath with relative precision in the lower tail', () => {
    for (const { z, cdf } of scipyExtra.normal_cdf) {
      expectClose(normalCdf(z), cdf, { abs: 0, rel: 1e-13 }, `normalCdf(${z})`);
    }
  });

  it('round-trips quantile and cdf', () => {
    for (const p of [1e-12, 0.001, 0.2, 0.5, 0.8, 0.999]) {
      expectClose(normalCdf(normalQuantile(p)), p, { abs: 0, rel: 1e-13 });
    }
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });

  it('two-sided p-value agrees with the paired_difference_continuous normal p', () => {
    const entry = referenceEntry('paired_difference_continuous');
    expectClose(normalTwoSidedPValue(entry.expected.z), entry.expected.p_two_sided_normal, entry.tolerance);
  });
});

describe('Student t distribution', () => {
  it('matches the t critical values in the reference', () => {
    const continuous = referenceEntry('clt_mean_se_continuous');
    expectClose(tQuantile(0.975, 11), continuous.expected.t_crit_df_n_minus_1, continuous.tolerance);
    const paired = referenceEntry('paired_difference_continuous');
    expectClose(tQuantile(0.975, 14), paired.expected.t_crit_df_n_minus_1, paired.tolerance);
  });

  it('quantiles match scipy across df and tails', () => {
    for (const { p, df, t } of scipyExtra.t_quantile) {
      expectClose(tQuantile(p, df), t, { abs: 1e-12, rel: 1e-10 }, `tQuantile(${p}, ${df})`);
    }
  });

  it('two-sided p-values match scipy', () => {
    for (const { t, df, p } of scipyExtra.t_two_sided_p) {
      expectClose(tTwoSidedPValue(t, df), p, { abs: 0, rel: 1e-11 }, `tTwoSidedPValue(${t}, ${df})`);
    }
  });

  it('cdf is symmetric and inverts the quantile', () => {
    expect(tCdf(0, 7)).toBe(0.5);
    expectClose(tCdf(-2, 7) + tCdf(2, 7), 1, { abs: 1e-15, rel: 0 });
    expectClose(tCdf(tQuantile(0.9, 4.5), 4.5), 0.9, { abs: 1e-14, rel: 0 });
    // df = 1 is Cauchy: quantile tan(π(p − ½)).
    expectClose(tQuantile(0.75, 1), 1, { abs: 1e-13, rel: 0 });
  });
});

describe('beta, binomial, gamma building blocks', () => {
  it('beta quantiles match scipy, including tiny tails', () => {
    for (const { p, a, b, x } of scipyExtra.beta_quantile) {
      expectClose(betaQuantile(p, a, b), x, { abs: 1e-14, rel: 1e-10 }, `betaQuantile(${p}, ${a}, ${b})`);
    }
  });

  it('binomial cdf matches scipy', () => {
    for (const { k, n, p, cdf } of scipyExtra.binomial_cdf) {
      expectClose(binomialCdf(k, n, p), cdf, { abs: 1e-15, rel: 1e-11 }, `binomialCdf(${k}, ${n}, ${p})`);
    }
  });

  it('known closed forms', () => {
    expectClose(logGamma(10), Math.log(362880), { abs: 1e-13, rel: 0 });
    expectClose(logGamma(0.25), Math.log(3.6256099082219083119), { abs: 1e-14, rel: 0 });
    expectClose(regularizedIncompleteBeta(0.3, 1, 1), 0.3, { abs: 1e-15, rel: 0 });
    expectClose(regularizedIncompleteBeta(0.3, 2, 1), 0.09, { abs: 1e-15, rel: 0 });
    // χ²(1) upper tail at 3.841458820694124 is 0.05.
    expectClose(chiSquareUpperTail(3.841458820694124, 1), 0.05, { abs: 1e-14, rel: 0 });
  });
});

describe('log beta', () => {
  it('keeps its digits for large arguments', () => {
    for (const { a, b, log_beta } of scipyExtra.log_beta) {
      expectClose(logBeta(a, b), log_beta, { abs: 1e-13, rel: 1e-14 }, `logBeta(${a}, ${b})`);
    }
  });
});
