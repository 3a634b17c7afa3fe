// Clustered intervals use the CR1 cluster-robust SE with t on G − 1 df, as docs/statistics.md says: the
// mean's interval, the paired difference, and the bars built on them. Reference: clustered_se_binary
// (se_clustered_cr1_G_over_G_minus_1 = CR0·√(G/(G−1)), computed independently in the shared reference file).
import { describe, expect, it } from 'vitest';
import { clusteredMeanEstimate, meanBound, pairedDifference, tQuantile } from '../../src/stats/index.js';
import { expectClose, referenceEntry } from './reference-helpers.js';

const entry = referenceEntry('clustered_se_binary');
const scores = entry.inputs.scores as number[];
const ids = entry.inputs.cluster_ids as string[];
const cr1 = entry.expected.se_clustered_cr1_G_over_G_minus_1 as number;

describe('CR1 everywhere a clustered SE is used', () => {
  it('the clustered mean, the paired difference and the one-sided bar bound all use CR1 with G − 1 df', () => {
    expectClose(clusteredMeanEstimate(scores, ids)!.se, cr1, entry.tolerance);
    // Differences B − A equal to the reference scores (A = 0 everywhere).
    const pd = pairedDifference(
      scores.map(() => 0),
      scores,
      0.95,
      ids,
    )!;
    expectClose(pd.se, cr1, entry.tolerance);
    expect(pd.df).toBe(5);
    const bound = meanBound(scores, ids, 0.95, 'lower')!.bound!;
    expect(bound.method).toBe('clustered-t-one-sided');
    expect(bound.low).toBeCloseTo((entry.expected.mean as number) - tQuantile(0.95, 5) * cr1, 12);
  });
});
