// Doctor's "below 0.6" must not fire on a kappa of 0.6 that floating point computes as 0.5999999999999996.
import { describe, expect, it } from 'vitest';
import { judgeFindings } from '../../src/report/doctor.js';
import type { JudgeSummary } from '../../src/report/index.js';
import { cohensKappa } from '../../src/stats/index.js';

const summary = (kappa: number): JudgeSummary => ({
  judgeCostUsd: {},
  checks: [
    {
      metric: 'helpfulness',
      type: 'judge',
      judges: ['judge-a'],
      variants: [],
      calibrations: [
        { judge: 'judge-a', kappa, weights: 'none', agreement: 16 / 18, labels: 18, runId: 'r-cal', suiteName: 's', createdAt: '2025-01-01T00:00:00Z' },
      ],
    },
  ],
});

describe('doctor: the kappa floor of 0.6', () => {
  it('κ exactly 0.6 (computed as 0.5999999999999996) is not "below 0.6"', () => {
    // Human × judge confusion [[2, 1], [1, 14]], n = 18: p_o = 16/18, marginals 3/18 and 15/18 on both sides,
    // p_e = (3·3 + 15·15)/18² = 234/324, κ = (16·18 − 234)/(324 − 234) = 54/90 = 0.6 exactly.
    const kappa = cohensKappa({
      confusion: [
        [2, 1],
        [1, 14],
      ],
    })!.kappa;
    expect(kappa).toBeCloseTo(0.6, 12);
    expect(kappa).toBeLessThan(0.6); // the floating-point value the comparison used to trip on
    expect(judgeFindings({ judges: summary(kappa) }).filter((f) => f.kind === 'low-judge-agreement')).toEqual([]);
  });

  it('κ 0.59 is still flagged', () => {
    expect(judgeFindings({ judges: summary(0.59) }).filter((f) => f.kind === 'low-judge-agreement')).toHaveLength(1);
  });
});
