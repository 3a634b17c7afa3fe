// AggregateFold (store/aggregate-fold.ts) is what the run report now reads instead of results.aggregate(): the
// same figures folded from the scan it already makes. On SQLite it must equal the SQL to the bit, including the
// compensated SUM of fractional scores and costs (a plain running sum differs in the last digits, and would
// change the JSON report); on PostgreSQL, whose SUM is a plain running sum, it must agree to rounding.
import { describe, expect, it } from 'vitest';
import { AggregateFold, CompensatedSum, type ResultRow } from '../../src/store/index.js';
import { testAllStores, storedResult, storedRun } from './all-stores.js';

/** A seeded PRNG (mulberry32): the same rows on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Rows with every kind of value the SQL treats apart: nulls, errors, cached calls, fractional scores of mixed magnitude. */
function awkwardRows(n: number): ResultRow[] {
  const next = random(7);
  const rows: ResultRow[] = [];
  for (let c = 0; c < n; c++) {
    for (const variantId of ['small', 'large']) {
      const r = next();
      const errored = r < 0.05;
      rows.push(
        storedResult(`case-${Math.floor(next() * 1e6)}-${c}`, {
          variantId,
          pass: errored ? null : next() < 0.7,
          score: errored || r < 0.1 ? null : r < 0.3 ? Math.round(next() * 10) / 10 : next() * 10 ** (Math.floor(next() * 6) - 3),
          cached: !errored && next() < 0.1,
          errorClass: errored ? 'server' : null,
          inputTokens: next() < 0.1 ? null : Math.floor(next() * 5000),
          outputTokens: next() < 0.1 ? null : Math.floor(next() * 800),
          costUsd: next() < 0.02 ? null : next() * 0.003,
        }),
      );
    }
  }
  return rows;
}

describe('CompensatedSum', () => {
  it('is null when empty and recovers what a running sum loses', () => {
    expect(new CompensatedSum().value()).toBeNull();
    const sum = new CompensatedSum();
    let plain = 0;
    for (const x of [1e16, 1, -1e16, 0.1, 0.2]) {
      sum.add(x);
      plain += x;
    }
    expect(plain).not.toBeCloseTo(1.3, 10); // the running sum lost the 1
    expect(sum.value()).toBeCloseTo(1.3, 14);
  });
});

testAllStores('AggregateFold equals results.aggregate', ({ open, kind }) => {
  it('on 2,000 awkward results of two variants (the variants in the order of their first result)', async () => {
    const store = await open();
    await store.runs.create(storedRun('r1'));
    const rows = awkwardRows(1000);
    for (let k = 0; k < rows.length; k += 500) await store.results.putMany(rows.slice(k, k + 500));
    const fold = new AggregateFold();
    await store.results.scan('r1', { slim: true }, (r) => fold.add(r));
    const folded = fold.aggregates();
    const stored = await store.results.aggregate('r1');
    expect(folded.map((a) => a.variantId)).toEqual(['small', 'large']);
    expect(folded.length).toBe(stored.length);
    for (const [i, a] of folded.entries()) {
      const { scoreSum, costUsd, ...counts } = a;
      const { scoreSum: sqlScore, costUsd: sqlCost, ...sqlCounts } = stored[i];
      expect(counts).toEqual(sqlCounts);
      if (kind === 'sqlite') {
        // To the bit: SQLite's SUM is the compensated sum the fold repeats.
        expect(scoreSum).toBe(sqlScore);
        expect(costUsd).toBe(sqlCost);
      } else {
        expect(scoreSum).toBeCloseTo(sqlScore, 9);
        if (sqlCost === null) expect(costUsd).toBeNull();
        else expect(costUsd).toBeCloseTo(sqlCost, 12);
      }
    }
    // The compensation matters on these rows: a plain running sum misses SQLite's figure.
    if (kind === 'sqlite') {
      const plain = rows.filter((r) => r.variantId === 'small' && r.score !== null).reduce((s, r) => s + r.score!, 0);
      expect(plain).not.toBe(stored[0].scoreSum);
    }
    // Some of each kind really occurred, so the comparison covered them.
    const [small] = folded;
    expect(small.errors).toBeGreaterThan(0);
    expect(small.cached).toBeGreaterThan(0);
    expect(small.unpriced).toBeGreaterThan(0);
    expect(small.costUsd).toBeNull();
  });
});
