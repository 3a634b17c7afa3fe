// McNemar's test for two variants graded pass/fail on the same cases (McNemar 1947). Only the discordant
// cases carry information: where both pass or both fail, the cases say nothing about which is better.
import { binomialCdf, binomialProbability, chiSquareUpperTail } from './distributions.js';
import { assertCount, assertSameLength } from './validate.js';

export interface McNemarResult {
  /** Cases A failed and B passed. */
  b01: number;
  /** Cases A passed and B failed. */
  b10: number;
  /** b01 + b10. */
  discordant: number;
  /** Exact two-sided p-value: min(1, 2·P(X ≤ min(b01, b10))), X ~ Binomial(discordant, ½). */
  pValue: number;
  method: 'mcnemar-exact';
  /** Mid-p variant (Lancaster 1961): subtracts half the probability of the observed count; less conservative. */
  midPValue: number;
  /** Chi-square approximations, for comparison with other tools. Undefined when there are no discordant cases. */
  chiSquare: { statistic: number; pValue: number } | undefined;
  chiSquareContinuityCorrected: { statistic: number; pValue: number } | undefined;
}

/**
 * Exact McNemar test: under "no difference", each discordant case is equally likely to favour A or B, so
 * min(b01, b10) ~ Binomial(b01 + b10, ½) and the two-sided p-value doubles the smaller tail (the binomial
 * test of scipy.stats.binomtest). Exact at any size, so preferred over the chi-square version, which is
 * unreliable below ~25 discordant cases. With no discordant cases p = 1.
 */
export function mcnemarExact(b01: number, b10: number): McNemarResult {
  assertCount(b01, 'b01');
  assertCount(b10, 'b10');
  const discordant = b01 + b10;
  const smaller = Math.min(b01, b10);
  const lowerTail = binomialCdf(smaller, discordant, 0.5);
  const pointProbability = binomialProbability(smaller, discordant, 0.5);
  const pValue = Math.min(1, 2 * lowerTail);
  const midPValue = Math.min(1, 2 * (lowerTail - pointProbability / 2));
  let chiSquare: McNemarResult['chiSquare'];
  let chiSquareContinuityCorrected: McNemarResult['chiSquareContinuityCorrected'];
  if (discordant > 0) {
    const plain = (b01 - b10) ** 2 / discordant;
    const corrected = Math.max(0, Math.abs(b01 - b10) - 1) ** 2 / discordant;
    chiSquare = { statistic: plain, pValue: chiSquareUpperTail(plain, 1) };
    chiSquareContinuityCorrected = { statistic: corrected, pValue: chiSquareUpperTail(corrected, 1) };
  }
  return { b01, b10, discordant, pValue, method: 'mcnemar-exact', midPValue, chiSquare, chiSquareContinuityCorrected };
}

/** McNemar from per-case pass/fail of A and B (same cases, same order). */
export function mcnemarFromOutcomes(passesA: readonly boolean[], passesB: readonly boolean[]): McNemarResult {
  assertSameLength(passesA, passesB, 'passesA and passesB');
  let b01 = 0;
  let b10 = 0;
  for (let i = 0; i < passesA.length; i++) {
    if (!passesA[i] && passesB[i]) b01++;
    if (passesA[i] && !passesB[i]) b10++;
  }
  return mcnemarExact(b01, b10);
}
