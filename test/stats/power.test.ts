import { describe, expect, it } from 'vitest';
import {
  binomialCdf,
  casesForProportionPrecision,
  casesForProportionVsBar,
  minimumDetectableDifference,
  normalQuantile,
  pairedSampleSize,
  varianceOfDifference,
} from '../../src/stats/index.js';
import { expectClose, referenceEntry } from './reference-helpers.js';

describe('paired sample size (Miller Eq. 9)', () => {
  const entry = referenceEntry('sample_size_paired_miller_eq9');
  const { alpha, power } = entry.inputs;

  const varianceOf = (row: any) =>
    row.case === 'delta5pts_given_variance_and_correlation'
      ? {
          sdA: Math.sqrt(row.per_question_score_variance_each_model),
          sdB: Math.sqrt(row.per_question_score_variance_each_model),
          correlation: row.correlation_between_models,
        }
      : {
          caseVarianceOfDifference: row.omega2,
          repeatVarianceA: row.sigma2_A,
          repeatVarianceB: row.sigma2_B,
          repeatsA: row.K_A,
          repeatsB: row.K_B,
        };

  it('matches every row (n_real and n_required)', () => {
    for (const row of entry.expected.rows) {
      const size = pairedSampleSize({ detect: row.delta, alpha, power, ...varianceOf(row) });
      expectClose({ n_real: size.nUnrounded, n_required: size.n }, { n_real: row.n_real, n_required: row.n_required }, entry.tolerance, row.case);
      expect(size.method).toBe('miller-eq9');
      if ('var_of_difference_2v(1-rho)' in row) {
        expectClose(varianceOfDifference(varianceOf(row)), row['var_of_difference_2v(1-rho)'], entry.tolerance);
      }
    }
  });

  it('uses the reference multiplier (z_a + z_b)²', () => {
    expectClose(normalQuantile(1 - alpha / 2), entry.inputs.z_alpha_2, { abs: 1e-12, rel: 1e-12 });
    expectClose(normalQuantile(power), entry.inputs.z_beta, { abs: 1e-12, rel: 1e-12 });
    const size = pairedSampleSize({ detect: 1, varianceOfDifference: 1, alpha, power });
    expectClose(size.nUnrounded, entry.inputs['(z_a+z_b)^2'], entry.tolerance);
  });

  it('minimum detectable difference round-trips to delta at n_real', () => {
    for (const row of entry.expected.rows) {
      const detectable = minimumDetectableDifference({ n: row.n_real, alpha, power, ...varianceOf(row) });
      expectClose(detectable, row.delta, entry.tolerance, `${row.case} MDE`);
    }
    expectClose(minimumDetectableDifference({ standardError: 0.01 }), 0.01 * Math.sqrt(entry.inputs['(z_a+z_b)^2']), entry.tolerance);
  });

  it('rejects nonsense inputs', () => {
    expect(() => pairedSampleSize({ detect: 0, varianceOfDifference: 0.1 })).toThrow(/detect/);
    expect(() => pairedSampleSize({ detect: 0.05, sdA: 0.4, sdB: 0.4, correlation: 1.5 })).toThrow(/correlation/);
    expect(() => minimumDetectableDifference({ n: 0, varianceOfDifference: 0.1 })).toThrow(/n must be/);
  });
});

describe('single proportion planning', () => {
  it('matches single_proportion_precision_sample_size', () => {
    const entry = referenceEntry('single_proportion_precision_sample_size');
    const rows = entry.expected.rows.map((row: any) => {
      const size = casesForProportionPrecision({ expectedRate: row.p_planning, halfWidth: row.half_width });
      return { p_planning: row.p_planning, half_width: row.half_width, n_real: size.nUnrounded, n_required: size.n };
    });
    expectClose(rows, entry.expected.rows, entry.tolerance);
  });

  it('cases to show a rate clears a bar: formula value and exact binomial power near the target', () => {
    const size = casesForProportionVsBar({ bar: 0.8, expectedRate: 0.9 });
    const expected = ((normalQuantile(0.95) * 0.4 + normalQuantile(0.8) * 0.3) / 0.1) ** 2;
    expectClose(size.nUnrounded, expected, { abs: 1e-12, rel: 1e-12 });
    expect(size.n).toBe(83);
    // Exact check: one-sided exact test at 5% rejects p = 0.8 when successes ≥ k*; its power at 0.9.
    const n = size.n;
    let critical = n;
    while (critical > 0 && 1 - binomialCdf(critical - 2, n, 0.8) <= 0.05) critical--;
    const exactPower = 1 - binomialCdf(critical - 1, n, 0.9);
    expect(exactPower).toBeGreaterThan(0.7);
    expect(exactPower).toBeLessThan(0.9);
    expect(() => casesForProportionVsBar({ bar: 0.8, expectedRate: 0.8 })).toThrow(/equals the bar/);
  });
});

describe('minimum detectable difference with degrees of freedom', () => {
  it('uses t quantiles when df is given, and approaches z for large df', () => {
    const small = minimumDetectableDifference({ standardError: 0.01, df: 4 });
    const z = minimumDetectableDifference({ standardError: 0.01 });
    expect(small).toBeGreaterThan(z * 1.3);
    expectClose(minimumDetectableDifference({ standardError: 0.01, df: 1e12 }), z, { abs: 1e-12, rel: 1e-10 });
  });
});
