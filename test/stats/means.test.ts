import { describe, expect, it } from 'vitest';
import { clusteredMeanEstimate, clusteredMeanInterval, clusteredStandardErrors, meanEstimate, meanInterval, normalQuantile } from '../../src/stats/index.js';
import { expectClose, referenceEntry } from './reference-helpers.js';

describe('CLT mean with Student t (Miller Eq. 1)', () => {
  it('matches clt_mean_se_continuous', () => {
    const entry = referenceEntry('clt_mean_se_continuous');
    const estimate = meanEstimate(entry.inputs.scores)!;
    const z = normalQuantile(0.975);
    expectClose(
      {
        n: estimate.n,
        mean: estimate.mean,
        se: estimate.se,
        ci95_t: [estimate.interval?.low, estimate.interval?.high],
        ci95_normal: [estimate.mean - z * estimate.se!, estimate.mean + z * estimate.se!],
        sample_variance_ddof1: estimate.se! ** 2 * estimate.n,
      },
      {
        n: entry.expected.n,
        mean: entry.expected.mean,
        se: entry.expected.se,
        ci95_t: entry.expected.ci95_t,
        ci95_normal: entry.expected.ci95_normal,
        sample_variance_ddof1: entry.expected.sample_variance_ddof1,
      },
      entry.tolerance,
    );
    expect(estimate.interval).toMatchObject({ method: 't', level: 0.95 });
    expect(estimate.df).toBe(11);
    // The Bernoulli shortcut √(p̄(1−p̄)/n) would be wrong (too wide) for fractional scores.
    const bernoulli = Math.sqrt((estimate.mean * (1 - estimate.mean)) / estimate.n);
    expectClose(bernoulli, entry.expected.se_bernoulli_formula_if_misapplied, entry.tolerance);
    expect(bernoulli).toBeGreaterThan(estimate.se!);
  });

  it('matches clt_mean_se_binary (ddof = 1, not the Bernoulli shortcut)', () => {
    const entry = referenceEntry('clt_mean_se_binary');
    const estimate = meanEstimate(entry.inputs.scores)!;
    const bernoulli = Math.sqrt((estimate.mean * (1 - estimate.mean)) / estimate.n);
    expectClose(
      { n: estimate.n, mean: estimate.mean, se_eq1_ddof1: estimate.se, se_eq2_bernoulli: bernoulli, ratio_eq1_over_eq2: estimate.se! / bernoulli },
      entry.expected,
      entry.tolerance,
    );
  });

  it('edge cases: no values → undefined; one value → mean without interval; constant → zero width', () => {
    expect(meanEstimate([])).toBeUndefined();
    expect(meanInterval([])).toBeUndefined();
    expect(meanEstimate([0.7])).toEqual({ n: 1, mean: 0.7, se: undefined, df: undefined, interval: undefined });
    expect(meanInterval([1, 1, 1])).toEqual({ method: 't', level: 0.95, low: 1, high: 1 });
    expect(() => meanEstimate([0.5, Number.NaN])).toThrow(/values\[1\]/);
  });

  it('other levels use the matching t quantile', () => {
    const values = [0.1, 0.4, 0.35, 0.8];
    const wide = meanInterval(values, 0.99)!;
    const narrow = meanInterval(values, 0.8)!;
    expect(wide.high - wide.low).toBeGreaterThan(narrow.high - narrow.low);
    expect(wide.level).toBe(0.99);
  });
});

describe('clustered standard errors (Miller Eq. 4)', () => {
  const entry = referenceEntry('clustered_se_binary');
  const { scores, cluster_ids: clusterIds } = entry.inputs;

  it('matches clustered_se_binary: Miller, CR0, CR1 and the naive SE', () => {
    const errors = clusteredStandardErrors(scores, clusterIds)!;
    expectClose(
      {
        n: errors.n,
        n_clusters: errors.clusters,
        mean: errors.mean,
        se_clt_naive: errors.naive,
        within_cluster_cross_term_sum: errors.withinClusterCrossProducts,
        se_clustered_miller_eq4: errors.miller,
        se_clustered_cr0_sandwich: errors.cr0,
        se_clustered_cr1_G_over_G_minus_1: errors.cr1,
        ratio_miller_over_naive: errors.miller! / errors.naive!,
      },
      entry.expected,
      entry.tolerance,
    );
    // Cross-check from the reference: Miller² = CR0² + SE_naive²/n.
    expectClose(errors.miller! ** 2, errors.cr0 ** 2 + errors.naive! ** 2 / errors.n, entry.tolerance);
  });

  it('clustered interval uses the CR1 SE with t on G − 1 degrees of freedom and names "clustered-t"', () => {
    const estimate = clusteredMeanEstimate(scores, clusterIds)!;
    expect(estimate.df).toBe(5);
    expect(estimate.clusters).toBe(6);
    // CR1 (what the docs promise), not Miller's Eq. 4 SE (0.1375), which is smaller with few clusters.
    expectClose(estimate.se, entry.expected.se_clustered_cr1_G_over_G_minus_1, entry.tolerance);
    expectClose(estimate.seNaive, entry.expected.se_clt_naive, entry.tolerance);
    expect(estimate.interval?.method).toBe('clustered-t');
    expect(estimate.interval!.high - estimate.interval!.low).toBeGreaterThan(meanInterval(scores)!.high - meanInterval(scores)!.low);
  });

  it('singleton clusters reduce exactly to the ordinary t interval (and CR1 to the naive SE)', () => {
    const values = [0.2, 0.9, 0.4, 0.4, 1, 0.65];
    const ids = values.map((_, i) => `case-${i}`);
    const errors = clusteredStandardErrors(values, ids)!;
    const tolerance = { abs: 1e-15, rel: 1e-13 };
    expectClose(errors.miller, errors.naive!, tolerance);
    expectClose(errors.cr1, errors.naive!, tolerance);
    expectClose(errors.cr0, errors.naive! * Math.sqrt((values.length - 1) / values.length), tolerance);
    const clustered = clusteredMeanInterval(values, ids)!;
    const plain = meanInterval(values)!;
    expectClose([clustered.low, clustered.high], [plain.low, plain.high], tolerance);
  });

  it('one cluster: no interval; no values: undefined; mismatched lengths throw', () => {
    const single = clusteredMeanEstimate([0.1, 0.5, 0.9], ['doc', 'doc', 'doc'])!;
    expect(single.interval).toBeUndefined();
    expect(single.mean).toBeCloseTo(0.5, 15);
    expect(clusteredMeanEstimate([], [])).toBeUndefined();
    expect(() => clusteredMeanInterval([1, 0], ['a'])).toThrow(/same length/);
  });
});
