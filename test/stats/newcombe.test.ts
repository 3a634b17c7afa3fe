// Newcombe's paired interval (1998, Stat Med 17:2635, method 10) with his corrected φ, against published
// values, and the paired score bound (Nam 1997; Tango 1998) used by compare bars on pass/fail outcomes.
// Tables are written as (both, onlyA, onlyB, neither); published tables give rate(first) − rate(second),
// which is our B − A with B the first variable, so their (a, b, c, d) is our (both, onlyB, onlyA, neither).
import { describe, expect, it } from 'vitest';
import { pairedProportionDifferenceFromTable, pairedScoreLowerBound, type PairedTable } from '../../src/stats/index.js';

const table = (both: number, onlyA: number, onlyB: number, neither: number): PairedTable => ({ both, onlyA, onlyB, neither });
const round = (x: number, digits: number) => Number(x.toFixed(digits));

describe("Newcombe's method 10 (corrected φ)", () => {
  it("reproduces Newcombe's own method 10 result for (20, 12, 2, 16): 0.0562 to 0.3292 (as ratesci's tests quote it)", () => {
    const d = pairedProportionDifferenceFromTable(table(20, 2, 12, 16))!;
    expect(d.difference).toBeCloseTo(0.2, 12);
    expect([round(d.interval.low, 4), round(d.interval.high, 4)]).toEqual([0.0562, 0.3292]);
  });

  it("reproduces ratesci's test value for (7, 25, 2, 68): 0.133 to 0.318 (plain φ gives 0.1353 to 0.3169)", () => {
    const d = pairedProportionDifferenceFromTable(table(7, 2, 25, 68))!;
    expect([round(d.interval.low, 3), round(d.interval.high, 3)]).toEqual([0.133, 0.318]);
  });

  it('reproduces Fagerland, Lydersen & Laake (2014) for (1, 1, 7, 12): −0.507 to −0.026', () => {
    const d = pairedProportionDifferenceFromTable(table(1, 7, 1, 12))!;
    expect([round(d.interval.low, 3), round(d.interval.high, 3)]).toEqual([-0.507, -0.026]);
  });

  it('never collapses to "0.0 to 0.0": 40 cases, both pass 20 and fail 20, give about ±4.7 points', () => {
    const d = pairedProportionDifferenceFromTable(table(20, 0, 0, 20))!;
    // ad − bc = 400 > n/2, φ* = (400 − 20)/√(20⁴) = 0.95; the Wilson 95% interval of 20/40 is 0.3520 to 0.6480
    // (half-width h = 0.1480), so the half-width is h·√(2 − 2φ*) = 0.1480·√0.1 = 0.0468.
    expect(d.phi).toBeCloseTo(0.95, 12);
    expect(d.interval.high).toBeCloseTo(0.0468, 4);
    expect(d.interval.low).toBeCloseTo(-0.0468, 4);
  });
});

describe('paired score bound (Tango 1998)', () => {
  it('inverted at 97.5% on each side, reproduces the Tango score interval of Fagerland et al. (2014): −0.517 to −0.026', () => {
    const low = pairedScoreLowerBound(table(1, 7, 1, 12), 0.975)!;
    const high = -pairedScoreLowerBound(table(1, 1, 7, 12), 0.975)!; // the upper limit is the mirrored lower one
    expect([round(low, 3), round(high, 3)]).toEqual([-0.517, -0.026]);
  });

  it('with no discordant case the bound is −z²/(n + z²) (from z(δ)² = n|δ|/(1 − |δ|))', () => {
    const z = 1.6448536269514722;
    expect(pairedScoreLowerBound(table(30, 0, 0, 10))!).toBeCloseTo(-(z * z) / (40 + z * z), 9);
    expect(pairedScoreLowerBound(table(0, 5, 0, 0))!).toBe(-1);
    expect(pairedScoreLowerBound(table(0, 0, 0, 0))).toBeUndefined();
  });
});
