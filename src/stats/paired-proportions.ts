// The difference between two pass rates measured on the same cases (paired binary outcomes), with
// Newcombe's hybrid score interval for paired data (Newcombe 1998, Stat Med 17:2635, method 10): Wilson
// intervals of the two rates combined with a correction for their correlation φ.
//
// Why not the paired t interval on the per-case differences? With few discordant cases the differences have
// (almost) no spread and the t interval collapses: 20 cases where both variants pass give "0 to 0", which
// would "prove" the variants within any margin. Newcombe's interval stays as wide as 20 cases warrant
// (about −16 to +16 points there) and has close to nominal coverage for small and large n.
//
// Sign convention as everywhere: difference = B − A.
import type { Interval } from './interval.js';
import { wilsonInterval } from './proportions.js';
import { assertLevel, assertSameLength } from './validate.js';

export interface PairedTable {
  /** Cases both pass. */
  both: number;
  /** A passes, B fails. */
  onlyA: number;
  /** A fails, B passes. */
  onlyB: number;
  neither: number;
}

export interface PairedProportionDifference {
  n: number;
  table: PairedTable;
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  difference: number;
  /** Method "newcombe-paired". */
  interval: Interval;
  /** Correlation (φ) of the two variants' outcomes over cases; 0 when a margin is empty. */
  phi: number;
}

function assertCell(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
}

/** Newcombe's paired interval from the 2×2 table of outcomes; undefined for no cases. */
export function pairedProportionDifferenceFromTable(table: PairedTable, level = 0.95): PairedProportionDifference | undefined {
  const { both: a, onlyA: b, onlyB: c, neither: d } = table;
  assertCell(a, 'both');
  assertCell(b, 'onlyA');
  assertCell(c, 'onlyB');
  assertCell(d, 'neither');
  assertLevel(level);
  const n = a + b + c + d;
  if (n === 0) return undefined;
  const passA = a + b;
  const passB = a + c;
  const rateA = passA / n;
  const rateB = passB / n;
  const wilsonA = wilsonInterval(passA, n, level)!;
  const wilsonB = wilsonInterval(passB, n, level)!;
  const denominator = Math.sqrt((a + b) * (c + d) * (a + c) * (b + d));
  const phi = denominator > 0 ? (a * d - b * c) / denominator : 0;
  const difference = rateB - rateA;
  // Lower: B could be as low as its Wilson lower end while A is as high as its upper end, less the part of
  // that combination the correlation makes unlikely; the upper limit mirrors it.
  const bDown = rateB - wilsonB.low;
  const aUp = wilsonA.high - rateA;
  const bUp = wilsonB.high - rateB;
  const aDown = rateA - wilsonA.low;
  const lowerSpread = Math.sqrt(Math.max(0, bDown ** 2 - 2 * phi * bDown * aUp + aUp ** 2));
  const upperSpread = Math.sqrt(Math.max(0, bUp ** 2 - 2 * phi * bUp * aDown + aDown ** 2));
  return {
    n,
    table: { both: a, onlyA: b, onlyB: c, neither: d },
    rateA,
    rateB,
    difference,
    interval: { method: 'newcombe-paired', level, low: Math.max(-1, difference - lowerSpread), high: Math.min(1, difference + upperSpread) },
    phi,
  };
}

/** Newcombe's paired interval for rate(B) − rate(A) from per-case outcomes (same cases, same order). */
export function pairedProportionDifference(passesA: readonly boolean[], passesB: readonly boolean[], level = 0.95): PairedProportionDifference | undefined {
  assertSameLength(passesA, passesB, 'passesA and passesB');
  const table: PairedTable = { both: 0, onlyA: 0, onlyB: 0, neither: 0 };
  for (let i = 0; i < passesA.length; i++) {
    if (passesA[i] && passesB[i]) table.both++;
    else if (passesA[i]) table.onlyA++;
    else if (passesB[i]) table.onlyB++;
    else table.neither++;
  }
  return pairedProportionDifferenceFromTable(table, level);
}
