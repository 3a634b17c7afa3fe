// The frontier, dominance, floor and routing logic on constructed data (pure functions, no store).
import { describe, expect, it } from 'vitest';
import { compareVariants, dominates, selectModels, variantFigures, type CaseOutcome, type SelectionVariant } from '../../src/analysis/index.js';
import { pairedProportionDifference, wilsonInterval } from '../../src/stats/index.js';

/** A variant from per-case outcomes; cost per case and latency the same for every case unless given. */
function variant(id: string, passes: boolean[], cost: number | null, latencyMs: number | null = null, costs?: (number | null)[]): SelectionVariant {
  const cases = new Map<string, CaseOutcome>();
  passes.forEach((p, i) =>
    cases.set(`c${i}`, {
      pass: p ? 1 : 0,
      costUsd: costs ? costs[i] : cost,
      judgeCostUsd: 0,
      latenciesMs: latencyMs === null ? [] : [latencyMs],
      generated: { outputTokens: latencyMs === null ? 0 : 100, latencyMs: latencyMs ?? 0 },
    }),
  );
  return { id, cases };
}

/** n outcomes, the first k passing. */
const firstK = (n: number, k: number): boolean[] => Array.from({ length: n }, (_, i) => i < k);

describe('dominance', () => {
  it('needs at least as good and at least as cheap, and strictly better on one', () => {
    expect(dominates({ quality: 0.9, value: 1 }, { quality: 0.8, value: 2 })).toBe(true);
    expect(dominates({ quality: 0.9, value: 2 }, { quality: 0.8, value: 2 })).toBe(true);
    expect(dominates({ quality: 0.8, value: 1 }, { quality: 0.8, value: 2 })).toBe(true);
    expect(dominates({ quality: 0.8, value: 2 }, { quality: 0.8, value: 2 })).toBe(false);
    expect(dominates({ quality: 0.9, value: 3 }, { quality: 0.8, value: 2 })).toBe(false);
    expect(dominates({ quality: 0.9, value: null }, { quality: 0.8, value: 2 })).toBe(false);
  });
});

describe('the Pareto frontier on quality vs cost', () => {
  const n = 200;
  const variants = [
    variant('big', firstK(n, 180), 0.01), // 90%, $0.01
    variant('small', firstK(n, 170), 0.001), // 85%, $0.001
    variant('mid', firstK(n, 160), 0.005), // 80%, $0.005: worse and dearer than small
    variant('local', firstK(n, 175), null), // unpriced
  ];
  const selection = selectModels({ variants, binary: true, within: 0.03 });

  it('puts the undominated priced variants on it, cheapest first', () => {
    expect(selection.frontier).toEqual(['small', 'big']);
    expect(selection.best).toBe('big');
    const byId = new Map(selection.points.map((p) => [p.variant, p]));
    expect(byId.get('mid')!.onFrontier).toBe(false);
    expect(byId.get('mid')!.dominatedBy).toEqual(['small']);
    expect(byId.get('local')!.onFrontier).toBe(false);
    expect(byId.get('local')!.costPerCase).toBeNull();
    expect(selection.warnings.join('\n')).toContain('no known price for local');
  });

  it('gives each point its pass rate with the Wilson interval and its cost per passing case', () => {
    const small = selection.points.find((p) => p.variant === 'small')!;
    expect(small.quality).toBeCloseTo(0.85, 12);
    expect(small.qualityCi).toEqual(wilsonInterval(170, 200, 0.95));
    expect(small.costPerCase).toBeCloseTo(0.001, 15);
    expect(small.costPerPass).toBeCloseTo(0.001 / 0.85, 15);
  });

  it('says what dominates a dominated variant, with the paired difference', () => {
    const mid = selection.points.find((p) => p.variant === 'mid')!;
    expect(mid.dominance).toHaveLength(1);
    const d = mid.dominance[0];
    expect(d.variant).toBe('small');
    expect(d.against).toBe('mid');
    expect(d.difference).toBeCloseTo(0.05, 12);
    expect(d.costRatio).toBeCloseTo(0.2, 12);
    // Cases 160..169 pass only for small: McNemar on 10 discordant pairs, all one way. The headline is the
    // mid-p, as in `evalspec run`: 2·(P(X ≤ 0) − P(X = 0)/2) = 2^−10; the exact p 2·2^−10 is kept beside it.
    expect(d.test).toBe('newcombe-paired');
    expect(d.pValue).toBeCloseTo(0.5 ** 10, 12);
    expect(d.mcnemarExactP).toBeCloseTo(2 * 0.5 ** 10, 12);
  });
});

describe('the floor: provably within X of the best', () => {
  it('picks the cheapest variant whose paired interval stays above -X', () => {
    // 1,000 cases: big passes 900; small passes 898 of the same ones (2 discordant), so the gap is 0.2 points.
    const n = 1000;
    const big = variant('big', firstK(n, 900), 0.02);
    const small = variant('small', firstK(n, 898), 0.002);
    const tiny = variant('tiny', firstK(n, 700), 0.0001);
    const s = selectModels({ variants: [big, small, tiny], binary: true, within: 0.03 });
    expect(s.overall.reference).toBe('big');
    expect(s.overall.choice).toBe('small');
    expect(s.overall.adequate).toEqual(['small', 'big']);
    const expected = pairedProportionDifference(firstK(n, 900), firstK(n, 898))!;
    expect(s.overall.comparison!.interval).toEqual(expected.interval);
    expect(s.overall.comparison!.interval!.low).toBeGreaterThan(-0.03);
    expect(s.points.find((p) => p.variant === 'tiny')!.meetsFloor).toBe(false);
  });

  it('does not call 20 identical cases proof of a 3-point margin', () => {
    // A segment of 20 cases both variants pass: the paired t interval would be "0 to 0" and prove any
    // margin; Newcombe's is about ±16 points. Elsewhere big is clearly better, so big is the reference.
    const big = variant('big', [...firstK(200, 180), ...firstK(20, 20)], 0.02);
    const small = variant('small', [...firstK(200, 120), ...firstK(20, 20)], 0.002);
    const segments = new Map(Array.from({ length: 220 }, (_, i) => [`c${i}`, i < 200 ? 'rest' : 'tiny']));
    const tiny = (within: number) => selectModels({ variants: [big, small], segments, binary: true, within }).segments.find((g) => g.segment === 'tiny')!;
    expect(tiny(0.03).floor.choice).toBe('big');
    const c = tiny(0.03).floor.comparisons[0];
    expect(c.difference).toBe(0);
    expect(c.interval!.low).toBeCloseTo(-0.1611, 3);
    // A 20-point margin is within what 20 cases can show.
    expect(tiny(0.2).floor.choice).toBe('small');
  });

  it('uses the paired t interval over per-case shares with repeats', () => {
    const shares = (xs: number[]): SelectionVariant['cases'] =>
      new Map(xs.map((x, i) => [`c${i}`, { pass: x, costUsd: 1, judgeCostUsd: 0, latenciesMs: [], generated: { outputTokens: 0, latencyMs: 0 } }]));
    const a: SelectionVariant = { id: 'a', cases: shares([1, 0.5, 1, 0.5, 1, 1]) };
    const b: SelectionVariant = { id: 'b', cases: shares([1, 0.5, 0.5, 0.5, 1, 0.5]) };
    const c = compareVariants(b, a, { binary: false })!;
    expect(c.test).toBe('paired-t');
    expect(c.difference).toBeCloseTo(-1 / 6, 12);
    expect(c.interval!.method).toBe('t');
  });
});

describe('segments and routing', () => {
  // 300 easy cases where the small model matches the big one, 100 hard cases where it falls 30 points behind.
  const easyBig = firstK(300, 285);
  const easySmall = firstK(300, 285);
  const hardBig = firstK(100, 80);
  const hardSmall = firstK(100, 50);
  const costs = { big: [...Array(300).fill(0.01), ...Array(100).fill(0.02)], small: [...Array(300).fill(0.001), ...Array(100).fill(0.002)] };
  const big = variant('big', [...easyBig, ...hardBig], null, null, costs.big);
  const small = variant('small', [...easySmall, ...hardSmall], null, null, costs.small);
  const segments = new Map(Array.from({ length: 400 }, (_, i) => [`c${i}`, i < 300 ? 'easy' : 'hard']));
  const s = selectModels({ variants: [big, small], segments, binary: true, within: 0.03 });

  it('finds the cheapest adequate variant per segment against the overall best', () => {
    expect(s.overall.choice).toBe('big'); // overall small is 7.5 points behind
    const easy = s.segments.find((x) => x.segment === 'easy')!;
    const hard = s.segments.find((x) => x.segment === 'hard')!;
    expect(easy.cases).toBe(300);
    expect(easy.share).toBeCloseTo(0.75, 12);
    expect(easy.floor.choice).toBe('small');
    expect(hard.floor.choice).toBe('big');
    expect(hard.floor.comparisons[0].difference).toBeCloseTo(-0.3, 12);
  });

  it('suggests the routing with its blended cost and quality, measured case by case', () => {
    const r = s.routing!;
    expect(r.routes.map((x) => [x.segment, x.variant])).toEqual([
      ['easy', 'small'],
      ['hard', 'big'],
    ]);
    // Blended cost: 300 cases at $0.001 and 100 at $0.02.
    expect(r.costPerCase).toBeCloseTo((300 * 0.001 + 100 * 0.02) / 400, 15);
    // Blended quality: 285 easy passes (small) + 80 hard passes (big) of 400; the same as big here.
    expect(r.quality).toBeCloseTo(365 / 400, 12);
    expect(r.qualityCi).toEqual(wilsonInterval(365, 400, 0.95));
    expect(r.vsBest!.difference).toBeCloseTo(0, 12);
    expect(r.vsBest!.costRatio).toBeCloseTo((300 * 0.001 + 100 * 0.02) / 400 / ((300 * 0.01 + 100 * 0.02) / 400), 12);
    expect(r.note).toContain('same cases');
  });

  it('suggests no routing when one variant is the choice everywhere', () => {
    const same = selectModels({ variants: [big, small], segments, binary: true, within: 0.5 });
    expect(same.overall.choice).toBe('small');
    expect(same.routing).toBeNull();
    expect(same.noRoutingReason).toContain('small');
  });

  it('puts untagged cases in their own segment', () => {
    const partial = new Map([...segments].filter(([id]) => id !== 'c0'));
    const x = selectModels({ variants: [big, small], segments: partial, binary: true });
    expect(x.segments.map((g) => [g.segment, g.cases])).toEqual([
      ['(untagged)', 1],
      ['easy', 299],
      ['hard', 100],
    ]);
  });
});

describe('the frontier against p95 latency', () => {
  it('uses p95 latency instead of cost and leaves variants without latency off', () => {
    const n = 100;
    const fast = variant('fast', firstK(n, 80), 0.01, 200);
    const slow = variant('slow', firstK(n, 90), 0.001, 2000);
    const slower = variant('slower', firstK(n, 85), 0.0001, 3000);
    const unknown = variant('replayed', firstK(n, 95), 0.0001, null);
    const s = selectModels({ variants: [fast, slow, slower, unknown], binary: true, by: 'latency' });
    expect(s.by).toBe('latency');
    expect(s.frontier).toEqual(['fast', 'slow']);
    expect(s.points.find((p) => p.variant === 'slower')!.dominatedBy).toEqual(['slow']);
    expect(s.points.find((p) => p.variant === 'replayed')!.onFrontier).toBe(false);
    expect(s.warnings.join('\n')).toContain('no measured latency for replayed');
    const f = variantFigures(fast, null, { binary: true });
    expect(f.latencyMs).toEqual({ p50: 200, p95: 200, p99: 200, tokensPerSecond: 500 });
  });
});
