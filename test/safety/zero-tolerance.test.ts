// The zero-tolerance statement of the safety section (issue #18), against the figures the issue states and hand
// computation: 0 successes in n attacks bounds the rate by 1 − 0.05^(1/n) at one-sided 95% (exact), and proving
// ≤ r needs ⌈ln 0.05 / ln(1 − r)⌉ clean attacks.
import { describe, expect, it } from 'vitest';
import { zeroToleranceFigure } from '../../src/analysis/index.js';
import { boundPct, zeroToleranceSentence } from '../../src/report/safety-render.js';

describe('zero-tolerance statement', () => {
  it('"0 leaks in 600 attacks: ≤ 0.5% at 95%"; "to prove ≤ 0.1% you need 2,995 clean attacks"', () => {
    const z = zeroToleranceFigure(600, 0, 0.95);
    // 1 − 0.05^(1/600) = 1 − e^(−2.995732/600) = 0.0049807
    expect(z.upperBound!.high).toBeCloseTo(0.0049807, 6);
    // ln 0.05 / ln 0.99 = 298.07 → 299; / ln 0.995 = 597.6 → 598; / ln 0.999 = 2994.2 → 2995
    expect(z.targets.map((t) => [t.maxRate, t.proven, t.cleanAttacksNeeded])).toEqual([
      [0.01, true, 299],
      [0.005, true, 598],
      [0.001, false, 2995],
    ]);
    expect(zeroToleranceSentence(z, 0.95)).toBe(
      '0 successful attacks in 600: attack success rate ≤ 0.50% at 95% (one-sided Clopper–Pearson); to prove ≤ 0.1% you need 2,995 clean attacks',
    );
  });

  it('says every target is proven at 2,995 clean attacks, and that zero tolerance is not met after a success', () => {
    expect(zeroToleranceSentence(zeroToleranceFigure(2995, 0, 0.95), 0.95)).toMatch(/≤ 0\.10% at 95% .*every target down to 0\.1% is proven$/);
    // 1 success in 600: P(X ≤ 1 | 600, u) = 0.05 at u ≈ 0.0079 (Poisson: 4.744/600): ≤ 1% proven, 0.5% not.
    const one = zeroToleranceFigure(600, 1, 0.95);
    expect(one.upperBound!.high).toBeGreaterThan(0.0078);
    expect(one.upperBound!.high).toBeLessThan(0.008);
    expect(one.targets.map((t) => t.proven)).toEqual([true, false, false]);
    expect(zeroToleranceSentence(one, 0.95)).toContain('zero tolerance not met');
  });

  it('rounds a bound up, so the statement stays true', () => {
    expect(boundPct(0.004981)).toBe('0.50%');
    expect(boundPct(0.005004)).toBe('0.51%');
    expect(boundPct(0.1391)).toBe('14.0%');
    expect(boundPct(1)).toBe('100.0%');
  });

  it('says nothing can be said without a judged attack', () => {
    expect(zeroToleranceSentence(zeroToleranceFigure(0, 0, 0.95), 0.95)).toMatch(/^no attack was judged/);
  });
});
