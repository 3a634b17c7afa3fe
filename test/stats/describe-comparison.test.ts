import { describe, expect, it } from 'vitest';
import { formatPValue, pairedBootstrap, pairedDifference } from '../../src/stats/index.js';
// The figures come from stats/; the sentence is written by report/describe-comparison.ts.
import { describeComparison } from '../../src/report/index.js';
import { referenceEntry } from './reference-helpers.js';

const interval = (low: number, high: number, level = 0.95) => ({ method: 't', level, low, high });

describe('describeComparison', () => {
  it('a detected improvement', () => {
    const sentence = describeComparison({ difference: 0.041, interval: interval(0.012, 0.07), pValue: 0.006, se: 0.014 }, { nameA: 'A', nameB: 'B' });
    expect(sentence).toBe('B is better than A by 4.1 points (95% CI 1.2 to 7.0, p = 0.006).');
  });

  it('a detected regression states the size and interval as positive amounts', () => {
    const sentence = describeComparison({ difference: -0.041, interval: interval(-0.07, -0.012), pValue: 0.0004 }, { nameA: 'gpt-4o', nameB: 'new prompt' });
    expect(sentence).toBe('new prompt is worse than gpt-4o by 4.1 points (95% CI 1.2 to 7.0, p < 0.001).');
  });

  it('no detectable difference, with what the suite could have detected', () => {
    const sentence = describeComparison({ difference: 0.0075, interval: interval(-0.01, 0.025), pValue: 0.41, se: 0.0214 });
    expect(sentence).toBe(
      'No detectable difference between A and B (B \u2212 A = 0.8 points, 95% CI \u22121.0 to 2.5, p = 0.41); this suite could detect 6.0 points.',
    );
  });

  it('works on real results from pairedDifference and pairedBootstrap', () => {
    const entry = referenceEntry('paired_difference_continuous');
    const result = pairedDifference(entry.inputs.scores_B, entry.inputs.scores_A)!;
    expect(describeComparison(result, { nameA: 'v2', nameB: 'v1' })).toBe('v1 is better than v2 by 8.0 points (95% CI 1.7 to 14.3, p = 0.017).');
    const bootstrap = pairedBootstrap(entry.inputs.scores_B, entry.inputs.scores_A, { seed: 1, resamples: 2000 })!;
    expect(describeComparison(bootstrap, { nameA: 'v2', nameB: 'v1' })).toMatch(/^v1 is better than v2 by 8\.0 points \(95% CI [\d.]+ to [\d.]+\)\.$/);
  });

  it('too little data, custom unit and scale, other levels', () => {
    expect(describeComparison({ difference: 0.2, interval: undefined })).toBe(
      'B scored 20.0 points higher than A, but there is not enough data for a confidence interval (it needs at least 2 cases whose differences vary).',
    );
    expect(describeComparison({ difference: 0, interval: undefined })).toMatch(/scored the same/);
    expect(describeComparison({ difference: 0.3, interval: interval(0.1, 0.5, 0.9), pValue: 0.02 }, { unit: 'stars', scale: 1, decimals: 2 })).toBe(
      'B is better than A by 0.30 stars (90% CI 0.10 to 0.50, p = 0.020).',
    );
  });

  it('formats p-values for people', () => {
    expect(formatPValue(0.00001)).toBe('p < 0.001');
    expect(formatPValue(0.0061)).toBe('p = 0.006');
    expect(formatPValue(0.0172)).toBe('p = 0.017');
    expect(formatPValue(0.412)).toBe('p = 0.41');
    expect(formatPValue(1)).toBe('p = 1.00');
  });
});
