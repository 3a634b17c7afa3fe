// Newcombe's paired interval for the difference of two pass rates on the same cases.
import { describe, expect, it } from 'vitest';
import { mulberry32, pairedProportionDifference, pairedProportionDifferenceFromTable } from '../../src/stats/index.js';

describe('pairedProportionDifferenceFromTable', () => {
  it("matches the published interval of Fagerland et al.'s example (Newcombe's method 10, corrected φ)", () => {
    // Airway hyper-responsiveness before (A) and after (B) stem-cell transplantation, (a, b, c, d) =
    // (1, 1, 7, 12), as in Fagerland, Lydersen & Laake (2014): Newcombe's interval 0.026 to 0.507 (ratesci's
    // tests quote −0.507 to −0.026 for A − B). The plain φ is 5/√3952 = 0.0795 (the ratesci vignette's
    // phi_hat); Newcombe's correction zeroes it, since ad − bc = 5 is below n/2 = 10.5.
    const r = pairedProportionDifferenceFromTable({ both: 1, onlyA: 1, onlyB: 7, neither: 12 })!;
    expect(r.rateA).toBeCloseTo(2 / 21, 12);
    expect(r.rateB).toBeCloseTo(8 / 21, 12);
    expect(r.difference).toBeCloseTo(6 / 21, 12);
    expect(r.phi).toBe(0);
    expect(r.interval.method).toBe('newcombe-paired');
    expect(r.interval.low).toBeCloseTo(0.026, 3);
    expect(r.interval.high).toBeCloseTo(0.507, 3);
  });

  it('stays wide when no case differs (the t interval would collapse to a point)', () => {
    const r = pairedProportionDifferenceFromTable({ both: 20, onlyA: 0, onlyB: 0, neither: 0 })!;
    expect(r.difference).toBe(0);
    expect(r.interval.low).toBeCloseTo(-0.161125, 5);
    expect(r.interval.high).toBeCloseTo(0.161125, 5);
  });

  it('reproduces the GSM8K comparison of SOURCES.md (383 vs 95 discordant of 1,319)', () => {
    const r = pairedProportionDifferenceFromTable({ both: 747, onlyA: 383, onlyB: 95, neither: 94 })!;
    expect(r.rateA).toBeCloseTo(1130 / 1319, 12);
    expect(r.rateB).toBeCloseTo(842 / 1319, 12);
    // From an independent Python implementation of method 10 with the corrected φ.
    expect(r.interval.low).toBeCloseTo(-0.248422, 5);
    expect(r.interval.high).toBeCloseTo(-0.18781, 5);
  });

  it('is undefined for no cases and rejects bad counts', () => {
    expect(pairedProportionDifferenceFromTable({ both: 0, onlyA: 0, onlyB: 0, neither: 0 })).toBeUndefined();
    expect(() => pairedProportionDifferenceFromTable({ both: -1, onlyA: 0, onlyB: 0, neither: 0 })).toThrow(RangeError);
    expect(() => pairedProportionDifference([true], [true, false])).toThrow();
  });

  it('covers the true difference about 95% of the time (seeded simulation)', () => {
    // Correlated pairs: P(both) = .70, P(A only) = .10, P(B only) = .05, P(neither) = .15; true B − A = −0.05.
    const random = mulberry32(20240607);
    const draws = 2000;
    const n = 80;
    let covered = 0;
    for (let d = 0; d < draws; d++) {
      const table = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
      for (let i = 0; i < n; i++) {
        const u = random();
        if (u < 0.7) table.both++;
        else if (u < 0.8) table.onlyA++;
        else if (u < 0.85) table.onlyB++;
        else table.neither++;
      }
      const r = pairedProportionDifferenceFromTable(table)!;
      if (r.interval.low <= -0.05 && -0.05 <= r.interval.high) covered++;
    }
    expect(covered / draws).toBeGreaterThan(0.93);
    expect(covered / draws).toBeLessThan(0.975);
  });
});
