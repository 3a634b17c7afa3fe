import { describe, expect, it } from 'vitest';
import {
  benjaminiHochbergAdjust,
  bonferroniAdjust,
  holmAdjust,
  mcnemarExact,
  mcnemarFromOutcomes,
  pairedBootstrap,
  pairedDifference,
  signFlipPermutationTest,
} from '../../src/stats/index.js';
import { expectClose, referenceEntry } from './reference-helpers.js';

describe('paired difference (Miller Eq. 7, Student t)', () => {
  const entry = referenceEntry('paired_difference_continuous');
  const { scores_A: scoresA, scores_B: scoresB } = entry.inputs;
  // The reference defines d = A − B; evalspec reports B − A. Passing (B, A) gives the reference's sign.
  const result = pairedDifference(scoresB, scoresA)!;

  it('matches paired_difference_continuous', () => {
    expectClose(
      {
        n: result.n,
        mean_A: result.meanB,
        mean_B: result.meanA,
        mean_diff: result.difference,
        se_paired: result.se,
        ci95_t: [result.interval?.low, result.interval?.high],
        p_two_sided_t: result.pValue,
        pearson_corr_AB: result.correlation,
        se_unpaired: result.seUnpaired,
        se_A: result.sdB! / Math.sqrt(result.n),
        se_B: result.sdA! / Math.sqrt(result.n),
        z: result.statistic,
      },
      {
        n: entry.expected.n,
        mean_A: entry.expected.mean_A,
        mean_B: entry.expected.mean_B,
        mean_diff: entry.expected.mean_diff,
        se_paired: entry.expected.se_paired,
        ci95_t: entry.expected.ci95_t,
        p_two_sided_t: entry.expected.p_two_sided_t,
        pearson_corr_AB: entry.expected.pearson_corr_AB,
        se_unpaired: entry.expected.se_unpaired,
        se_A: entry.expected.se_A,
        se_B: entry.expected.se_B,
        z: entry.expected.z,
      },
      entry.tolerance,
    );
    expect(result.interval).toMatchObject({ method: 't', level: 0.95 });
    expect(result.test).toBe('paired-t');
    expect(result.df).toBe(14);
  });

  it('sign convention: difference is B − A', () => {
    const flipped = pairedDifference(scoresA, scoresB)!;
    expectClose(flipped.difference, -entry.expected.mean_diff, entry.tolerance);
    expectClose([flipped.interval?.low, flipped.interval?.high], [-entry.expected.ci95_t[1], -entry.expected.ci95_t[0]], entry.tolerance);
    expectClose(flipped.pValue, entry.expected.p_two_sided_t, entry.tolerance);
  });

  it('correlation identity: SE_paired² = SE_A² + SE_B² − 2ρ SE_A SE_B', () => {
    const { se_A: seA, se_B: seB, pearson_corr_AB: rho } = entry.expected;
    expectClose(result.se! ** 2, seA ** 2 + seB ** 2 - 2 * rho * seA * seB, entry.tolerance);
  });

  it('exact sign-flip permutation p-value matches', () => {
    const permutation = signFlipPermutationTest(scoresB, scoresA)!;
    expectClose(permutation.pValue, entry.expected.sign_flip_permutation_p_exact, entry.tolerance);
    expect(permutation).toMatchObject({ method: 'sign-flip-exact', permutations: 2 ** 15 });
  });

  it('seeded paired bootstrap SE lands within 3% of the ideal (B → ∞) value', () => {
    const bootstrap = pairedBootstrap(scoresB, scoresA, { seed: 12345, resamples: 20_000 })!;
    expect(Math.abs(bootstrap.se / entry.expected.ideal_bootstrap_se_plugin - 1)).toBeLessThan(0.03);
    expect(bootstrap.interval.method).toBe('bootstrap-percentile');
    expectClose(bootstrap.difference, entry.expected.mean_diff, entry.tolerance);
    // The percentile interval sits near the normal-theory one, roughly: within a few percent of its width.
    const [low, high] = entry.expected.ci95_normal;
    expect(Math.abs(bootstrap.interval.low - low)).toBeLessThan(0.1 * (high - low));
    expect(Math.abs(bootstrap.interval.high - high)).toBeLessThan(0.1 * (high - low));
    expect(pairedBootstrap(scoresB, scoresA, { seed: 12345, resamples: 2000 })).toEqual(pairedBootstrap(scoresB, scoresA, { seed: 12345, resamples: 2000 }));
  });

  it('clustered paired difference uses clustered SE and G − 1 df; singleton clusters match the plain test', () => {
    const singletons = pairedDifference(
      scoresB,
      scoresA,
      0.95,
      scoresA.map((_: number, i: number) => i),
    )!;
    expectClose(singletons.se, entry.expected.se_paired, { abs: 1e-15, rel: 1e-12 });
    expectClose(singletons.pValue, entry.expected.p_two_sided_t, { abs: 1e-15, rel: 1e-12 });
    expect(singletons.interval?.method).toBe('clustered-t');
    expect(singletons.test).toBe('clustered-paired-t');
    const grouped = pairedDifference(
      scoresB,
      scoresA,
      0.95,
      scoresA.map((_: number, i: number) => Math.floor(i / 3)),
    )!;
    expect(grouped.clusters).toBe(5);
    expect(grouped.df).toBe(4);
  });

  it('cluster bootstrap resamples whole clusters', () => {
    const ids = scoresA.map((_: number, i: number) => Math.floor(i / 3));
    const bootstrap = pairedBootstrap(scoresB, scoresA, { seed: 3, resamples: 2000, clusterIds: ids })!;
    expect(bootstrap.interval.method).toBe('cluster-bootstrap-percentile');
  });

  it('edge cases', () => {
    expect(pairedDifference([], [])).toBeUndefined();
    expect(pairedBootstrap([], [], { seed: 1 })).toBeUndefined();
    expect(signFlipPermutationTest([], [])).toBeUndefined();
    const one = pairedDifference([0.5], [0.7])!;
    expect(one.difference).toBeCloseTo(0.2, 15);
    expect(one.interval).toBeUndefined();
    expect(one.pValue).toBeUndefined();
    // Every case moved by the same amount: zero-width interval, no p-value (nothing to test against).
    const constant = pairedDifference([0, 0, 0], [1, 1, 1])!;
    expect(constant.interval).toMatchObject({ low: 1, high: 1 });
    expect(constant.pValue).toBeUndefined();
    expect(() => pairedDifference([1, 2], [1])).toThrow(/same length/);
    expect(() => signFlipPermutationTest(new Array(25).fill(0), new Array(25).fill(1))).toThrow(/seed/);
  });

  it('Monte Carlo sign-flip beyond 20 cases approximates the exact answer', () => {
    const a = Array.from({ length: 30 }, (_, i) => (i % 5) / 5);
    const b = a.map((value, i) => value + (i % 3 === 0 ? 0.2 : -0.05));
    const result = signFlipPermutationTest(a, b, { seed: 99, resamples: 20_000 })!;
    expect(result.method).toBe('sign-flip-monte-carlo');
    expect(result.pValue).toBeGreaterThan(0);
    expect(result.pValue).toBeLessThan(1);
  });
});

describe('McNemar', () => {
  const entry = referenceEntry('mcnemar');

  it('matches every reference row: exact, mid-p and chi-square variants', () => {
    const rows = entry.inputs.cases_b_c.map(([aOnly, bOnly]: [number, number]) => {
      const result = mcnemarExact(bOnly, aOnly);
      return {
        b_A_only: result.b10,
        c_B_only: result.b01,
        p_exact_two_sided: result.pValue,
        p_mid: result.midPValue,
        chi2_continuity_corrected: result.chiSquareContinuityCorrected?.statistic,
        p_chi2_continuity_corrected: result.chiSquareContinuityCorrected?.pValue,
        chi2_uncorrected: result.chiSquare?.statistic,
        p_chi2_uncorrected: result.chiSquare?.pValue,
      };
    });
    expectClose(rows, entry.expected.rows, entry.tolerance);
  });

  it('is symmetric, ignores concordant cases, and gives p = 1 with no discordant cases', () => {
    expect(mcnemarExact(4, 12).pValue).toBe(mcnemarExact(12, 4).pValue);
    expect(mcnemarExact(0, 0)).toMatchObject({ pValue: 1, discordant: 0, chiSquare: undefined, method: 'mcnemar-exact' });
    expect(mcnemarExact(5, 5).pValue).toBe(1);
    const fromOutcomes = mcnemarFromOutcomes([true, true, false, false, true], [true, false, true, true, true]);
    expect(fromOutcomes).toMatchObject({ b01: 2, b10: 1 });
  });
});

describe('multiple comparisons', () => {
  const entry = referenceEntry('multiple_comparisons');
  const { p_values: pValues, alpha } = entry.inputs;

  it('Bonferroni, Holm and Benjamini–Hochberg match', () => {
    const bonferroni = bonferroniAdjust(pValues);
    const holm = holmAdjust(pValues);
    const bh = benjaminiHochbergAdjust(pValues);
    expectClose(
      {
        bonferroni,
        holm,
        benjamini_hochberg: bh,
        reject_unadjusted: pValues.map((p: number) => p <= alpha),
        reject_bonferroni: bonferroni.map((p) => p <= alpha),
        reject_holm: holm.map((p) => p <= alpha),
        reject_bh: bh.map((p) => p <= alpha),
      },
      entry.expected,
      entry.tolerance,
    );
  });

  it('keeps the original order when input is unsorted, and handles empty input', () => {
    const shuffled = [0.04, 0.0004, 0.64, 0.012];
    const holm = holmAdjust(shuffled);
    expect(holm[1]).toBeCloseTo(0.0016, 15);
    expect(holm[2]).toBe(0.64);
    expect(holmAdjust([])).toEqual([]);
    expect(() => holmAdjust([1.2])).toThrow(RangeError);
  });
});
