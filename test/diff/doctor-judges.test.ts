// Doctor's judge findings from a report's judge summary (the calibrations another command stores): a judge
// below κ 0.6 is a warning with a concrete fix; judges never calibrated are one note; a good judge says nothing.
import { describe, expect, it } from 'vitest';
import { judgeFindings } from '../../src/report/doctor.js';
import type { JudgeSummary } from '../../src/report/index.js';

const calibration = (judge: string, kappa: number | null) => ({
  judge,
  kappa,
  weights: 'quadratic',
  agreement: 0.7,
  labels: 80,
  runId: 'r-cal',
  suiteName: 'support',
  createdAt: '2025-01-01T00:00:00Z',
});

describe('doctor: judges with low agreement with humans', () => {
  const judges: JudgeSummary = {
    judgeCostUsd: {},
    checks: [
      {
        metric: 'helpfulness',
        type: 'rubric',
        judges: ['judge-a', 'judge-b'],
        variants: [],
        calibrations: [calibration('judge-a', 0.42), calibration('judge-b', 0.81)],
      },
      { metric: 'tone', type: 'judge', judges: ['judge-c'], variants: [], calibrations: [] },
    ],
  };
  const findings = judgeFindings({ judges });

  it('flags κ below 0.6 as a warning with the figures and a fix', () => {
    const low = findings.filter((f) => f.kind === 'low-judge-agreement');
    expect(low).toHaveLength(1);
    expect(low[0]).toMatchObject({ severity: 'warning', figures: { judge: 'judge-a', metric: 'helpfulness', kappa: 0.42, labels: 80 } });
    expect(low[0].title).toBe('judge judge-a agrees poorly with humans on "helpfulness" (κ 0.42)');
    expect(low[0].detail).toContain('quadratic-weighted');
    expect(low[0].suggestion).toMatch(/rubric/);
  });

  it('names the judges never calibrated in one note', () => {
    const none = findings.filter((f) => f.kind === 'uncalibrated-judge');
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ severity: 'info', detail: 'judge-c on tone' });
  });

  it('says nothing without judges', () => {
    expect(judgeFindings({ judges: undefined })).toEqual([]);
  });
});
