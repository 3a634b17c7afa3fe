import { describe, expect, it } from 'vitest';
import { bradleyTerry, cohensKappa, krippendorffAlpha, type KappaWeights } from '../../src/stats/index.js';
import { expectClose, referenceEntry, scipyExtra } from './reference-helpers.js';

describe("Cohen's kappa", () => {
  const entry = referenceEntry('agreement_binary_pass_fail');
  const { human, judge, category_order: categories } = entry.inputs;
  const pairs = human.map((label: string, i: number) => [label, judge[i]] as [string, string]);

  it('matches agreement_binary_pass_fail from label pairs', () => {
    const result = cohensKappa({ pairs }, { categories })!;
    expectClose(
      {
        confusion_rows_human_cols_judge: result.confusion,
        observed_agreement: result.observedAgreement,
        expected_agreement: result.expectedAgreement,
        cohen_kappa: result.kappa,
      },
      {
        confusion_rows_human_cols_judge: entry.expected.confusion_rows_human_cols_judge,
        observed_agreement: entry.expected.observed_agreement,
        expected_agreement: entry.expected.expected_agreement,
        cohen_kappa: entry.expected.cohen_kappa,
      },
      entry.tolerance,
    );
    expect(result.categories).toEqual(['pass', 'fail']);
    expect(result.interval.method).toBe('fleiss-cohen-everitt');
  });

  it('gives the same kappa from the confusion matrix, and the 2×2 closed form', () => {
    const fromMatrix = cohensKappa({ confusion: entry.expected.confusion_rows_human_cols_judge })!;
    expectClose(fromMatrix.kappa, entry.expected.cohen_kappa, entry.tolerance);
    const [[a, b], [c, d]] = entry.expected.confusion_rows_human_cols_judge;
    expectClose(fromMatrix.kappa, (2 * (a * d - b * c)) / ((a + b) * (b + d) + (a + c) * (c + d)), entry.tolerance);
  });

  it('weighted kappa and its SE match an independent delta-method computation', () => {
    for (const row of scipyExtra.cohen_kappa) {
      const result = cohensKappa({ confusion: row.confusion }, { weights: row.weights as KappaWeights })!;
      expectClose(result.kappa, row.kappa, { abs: 1e-12, rel: 1e-10 }, `kappa ${row.weights}`);
      expectClose(result.se, row.se, { abs: 1e-10, rel: 1e-8 }, `se ${row.weights}`);
    }
  });

  it('numeric labels (1–5 stars) with quadratic weights sort numerically', () => {
    const stars = cohensKappa(
      {
        pairs: [
          [1, 2],
          [2, 2],
          [5, 4],
          [3, 3],
          [4, 4],
          [10, 10],
        ],
      },
      { weights: 'quadratic' },
    )!;
    expect(stars.categories).toEqual([1, 2, 3, 4, 5, 10]);
    expect(stars.kappa).toBeGreaterThan(0.9);
  });

  it('edge cases: no data, perfect agreement, a single label everywhere', () => {
    expect(cohensKappa({ pairs: [] })).toBeUndefined();
    expect(cohensKappa({ confusion: [] })).toBeUndefined();
    const perfect = cohensKappa({
      pairs: [
        ['a', 'a'],
        ['b', 'b'],
        ['a', 'a'],
      ],
    })!;
    expect(perfect.kappa).toBe(1);
    expect(perfect.interval.high).toBe(1);
    expect(
      cohensKappa({
        pairs: [
          ['pass', 'pass'],
          ['pass', 'pass'],
        ],
      }),
    ).toBeUndefined();
    expect(() => cohensKappa({ pairs: [['a', 'c']] }, { categories: ['a', 'b'] })).toThrow(/not in categories/);
    expect(() => cohensKappa({ confusion: [[1, 2], [3]] })).toThrow(/square/);
  });
});

describe("Krippendorff's alpha", () => {
  const entry = referenceEntry('agreement_binary_pass_fail');
  const { human, judge } = entry.inputs;
  const units = human.map((label: string, i: number) => [label, judge[i]]);

  it('matches agreement_binary_pass_fail (nominal, two graders)', () => {
    const result = krippendorffAlpha(units)!;
    expectClose(
      { krippendorff_alpha_nominal: result.alpha, krippendorff_Do: result.observedDisagreement, krippendorff_De: result.expectedDisagreement },
      {
        krippendorff_alpha_nominal: entry.expected.krippendorff_alpha_nominal,
        krippendorff_Do: entry.expected.krippendorff_Do,
        krippendorff_De: entry.expected.krippendorff_De,
      },
      entry.tolerance,
    );
    expect(result.interval).toBeUndefined();
  });

  it("Krippendorff's own worked example (2011, §C: 4 coders, missing data)", () => {
    // Reliability data matrix from "Computing Krippendorff's Alpha-Reliability", nominal alpha = 0.743,
    // interval alpha = 0.849.
    const columns: (number | null)[][] = [
      [1, 1, null, 1],
      [2, 2, 3, 2],
      [3, 3, 3, 3],
      [3, 3, 3, 3],
      [2, 2, 2, 2],
      [1, 2, 3, 4],
      [4, 4, 4, 4],
      [1, 1, 2, 1],
      [2, 2, 2, 2],
      [null, 5, 5, 5],
      [null, null, 1, 1],
      [null, null, 3, null],
    ];
    expect(krippendorffAlpha(columns)!.alpha).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(columns, { metric: 'interval' })!.alpha).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(columns)!.units).toBe(11);
  });

  it('seeded bootstrap interval brackets the estimate and is reproducible', () => {
    const options = { bootstrap: { seed: 11, resamples: 1000 } };
    const result = krippendorffAlpha(units, options)!;
    expect(result.interval!.method).toBe('bootstrap-percentile');
    expect(result.interval!.low).toBeLessThan(result.alpha);
    expect(result.interval!.high).toBeGreaterThan(result.alpha);
    expect(krippendorffAlpha(units, options)).toEqual(result);
  });

  it('undefined when nothing is pairable or everyone used one label', () => {
    expect(krippendorffAlpha([])).toBeUndefined();
    expect(
      krippendorffAlpha([
        ['a', null],
        ['b', undefined],
      ]),
    ).toBeUndefined();
    expect(
      krippendorffAlpha([
        ['a', 'a'],
        ['a', 'a'],
      ]),
    ).toBeUndefined();
  });
});

describe('Bradley–Terry', () => {
  const entry = referenceEntry('bradley_terry_mle');
  const { models, wins_row_beats_col: wins } = entry.inputs;

  it('matches bradley_terry_mle: strengths, Elo, win probabilities, likelihood and SEs', () => {
    const fit = bradleyTerry(wins, { models })!;
    const byModel = (pick: (rating: (typeof fit.ratings)[number]) => number | undefined) =>
      Object.fromEntries(fit.ratings.map((rating) => [rating.model, pick(rating)]));
    expectClose(
      {
        log_strength: byModel((rating) => rating.logStrength),
        elo_scale_anchor_A_1000: byModel((rating) => rating.elo),
        p_row_beats_col: fit.winProbability,
        neg_log_likelihood: fit.negativeLogLikelihood,
        asymptotic_se_log_strength_vs_A: Object.fromEntries(fit.ratings.slice(1).map((rating) => [rating.model, rating.se])),
      },
      entry.expected,
      entry.tolerance,
    );
    expect(fit.anchor).toBe('A');
    expect(fit.ratings[0].interval).toBeUndefined();
    expect(fit.ratings[1].interval?.method).toBe('wald-fisher-information');
  });

  it('score equations hold at the fit: observed wins equal expected wins', () => {
    const fit = bradleyTerry(wins, { models })!;
    wins.forEach((row: number[], i: number) => {
      const observed = row.reduce((total, count) => total + count, 0);
      const expected = row.reduce((total, _count, j) => total + (i === j ? 0 : (wins[i][j] + wins[j][i]) * fit.winProbability[i][j]), 0);
      expectClose(expected, observed, { abs: 1e-8, rel: 0 });
    });
  });

  it('undefined when a model never lost (the MLE does not exist)', () => {
    expect(
      bradleyTerry([
        [0, 3],
        [0, 0],
      ]),
    ).toBeUndefined();
    expect(bradleyTerry([[0]])).toBeUndefined();
    expect(() => bradleyTerry([[0, 1], [1]])).toThrow(/square/);
  });
});
