// A reference window is accumulated per metric as it streams by (driftBaselineOf), not held as calls: its drift
// baseline must be exactly what stats/'s baselineFromCalls gives for the same calls, metric by metric, and the
// counts below are worked out by hand from the five calls.
import { describe, expect, it } from 'vitest';
import { baselineFromCalls, type DriftMetric } from '../../src/stats/index.js';
import { WindowAccumulator, driftBaselineOf, type WindowCall } from '../../src/monitor/window-figures.js';

const call = (over: Partial<WindowCall>): WindowCall => ({
  startedAt: '2026-11-01T00:00:00.000Z',
  tags: [],
  passed: null,
  criticalFailed: null,
  costUsd: null,
  latencyMs: null,
  outputChars: null,
  metrics: {},
  ...over,
});

const calls: WindowCall[] = [
  call({ passed: true, criticalFailed: false, costUsd: 0.002, latencyMs: 300, outputChars: 40, metrics: { refusal: 0 }, tags: ['plan:free', 'plan:free'] }),
  call({ passed: false, criticalFailed: true, costUsd: 0.001, latencyMs: 900, outputChars: 10, metrics: { refusal: 1 }, tags: ['plan:pro'] }),
  call({ passed: true, criticalFailed: false, costUsd: null, latencyMs: 500, outputChars: null, metrics: { refusal: 0 }, tags: ['plan:free', 'lang:fr'] }),
  // Unscored: no verdicts, no figures; it still counts for the segment mix.
  call({ tags: [] }),
  call({ passed: true, criticalFailed: false, costUsd: 0.003, latencyMs: 100, outputChars: 25, metrics: { refusal: null }, tags: ['plan:pro'] }),
];

const accumulated = (metric: DriftMetric) => {
  const acc = new WindowAccumulator(metric, 0, 0);
  for (const c of calls) acc.add(c);
  return driftBaselineOf(acc);
};

describe('driftBaselineOf: a reference window accumulated as it streams by', () => {
  it('gives the baseline baselineFromCalls gives for the same calls, for every metric', () => {
    for (const metric of ['pass_rate', 'critical_rate', 'refusal_rate', 'cost_per_call', 'p95_latency', 'output_length', 'segment_mix'] as const)
      expect(accumulated(metric), metric).toEqual(baselineFromCalls(calls, metric));
  });
  it('counts by hand: 3 of 4 passed, 1 of 3 refusals, tags once per call, null figures left out', () => {
    expect(accumulated('pass_rate')).toEqual({ kind: 'sample', successes: 3, n: 4 });
    expect(accumulated('refusal_rate')).toEqual({ kind: 'sample', successes: 1, n: 3 });
    expect(accumulated('cost_per_call')).toEqual({ kind: 'values', values: [0.002, 0.001, 0.003] });
    expect(accumulated('segment_mix')).toEqual({ n: 5, counts: { 'plan:free': 2, 'plan:pro': 2, 'lang:fr': 1 } });
    expect(driftBaselineOf(new WindowAccumulator('pass_rate', 0, 0))).toBeNull();
  });
});
