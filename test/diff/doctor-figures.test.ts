// The figures behind doctor's segment and "what can this suite detect" findings (analysis/doctor-figures.ts),
// checked against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { detectFigures, segmentReach, type SegmentBar } from '../../src/analysis/index.js';

const bar = (over: Partial<SegmentBar>): SegmentBar => ({
  kind: 'min',
  metric: 'pass_rate',
  threshold: 0.9,
  level: 0.95,
  clusters: null,
  n: 10,
  verdict: 'inconclusive',
  casesNeeded: null,
  ...over,
});

describe('segmentReach', () => {
  it('a pass-rate bar its segment could not prove even if every case passed', () => {
    // One-sided 95% Wilson lower bound at an observed rate of 1 is n / (n + z²), z = 1.6449 (z² = 2.7055):
    // it reaches 0.9 once n ≥ 9 · 2.7055 = 24.35, so 25 cases; the segment has 10.
    expect(segmentReach(bar({}))).toEqual({ kind: 'unreachable', units: 10, casesIfPerfect: 25 });
  });

  it('a failure-rate bar: the exact zero-failure count, clusters as the units', () => {
    // 0 failures in n: the exact upper bound is 1 − 0.05^(1/n) ≤ 0.05 once n ≥ ln 0.05 / ln 0.95 = 58.4, so 59.
    expect(segmentReach(bar({ kind: 'max_rate', metric: null, threshold: 0.05, clusters: 30, n: 80 }))).toEqual({
      kind: 'unreachable',
      units: 30,
      casesIfPerfect: 59,
    });
  });

  it('reachable: too small only when inconclusive and the cases needed are more than the segment has', () => {
    expect(segmentReach(bar({ n: 40, casesNeeded: 120 }))).toEqual({ kind: 'too-small', units: 40, casesNeeded: 120 });
    expect(segmentReach(bar({ n: 40, casesNeeded: 30 }))).toBeNull();
    expect(segmentReach(bar({ n: 40, verdict: 'not_met', casesNeeded: 120 }))).toBeNull();
  });
});

describe('detectFigures', () => {
  const comparison = (variant: string, mdd: number | null, se: number | null, n = 100) => ({
    variant,
    baseline: 'base',
    minimumDetectableDifference: mdd,
    se,
    n,
  });

  it("the run's least sensitive comparison, and the cases to detect the largest compare bar's drop", () => {
    const f = detectFigures([comparison('a', 0.12, 0.04), comparison('b', 0.2, 0.05)], [{ compare: 'baseline', max_drop: 0.05 }], {}, null);
    // Var(B − A) per case = SE² · n = 0.05² · 100 = 0.25; n = (1.96 + 0.8416)² · 0.25 / 0.05² = 784.9, so 785.
    expect(f).toEqual({ detect: 0.05, warnAbove: 0.1, source: 'run', mdd: 0.2, best: 0.12, n: 100, variant: 'b', baseline: 'base', casesNeeded: 785 });
  });

  it('no usable comparison: the previous run when there is one, else nothing to measure', () => {
    // From the previous run: (1.96 + 0.8416)² · 0.05² · 100 / 0.1² = 196.2, so 197 cases to detect 10 points.
    const previous = { runId: 'r0', variant: 'a', n: 100, se: 0.05, mdd: 0.14 };
    expect(detectFigures([comparison('a', null, null)], [], { detect: 0.1 }, previous)).toMatchObject({ source: 'previous', detect: 0.1, casesNeeded: 197 });
    expect(detectFigures([], [], {}, null)).toEqual({ detect: 0.05, warnAbove: 0.1, source: 'none' });
  });
});
