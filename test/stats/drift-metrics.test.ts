// The monitor metrics as drift rules: which figure of a scored call each reads, the baseline a reference window
// gives, and the rule the monitor evaluation runs (sync and over an async stream, as store.production.observations()).
import { describe, expect, it } from 'vitest';
import { DRIFT_METRICS, baselineFromCalls, detectDrift, detectDriftAsync, driftObservation, driftRuleFor, type MonitoredCall } from '../../src/stats/index.js';
import { MONITOR_METRICS } from '../../src/suite/index.js';

const call = (i: number, overrides: Partial<MonitoredCall> = {}): MonitoredCall => ({
  startedAt: new Date(Date.UTC(2026, 11, 1) + i * 60_000).toISOString(),
  tags: ['plan:pro'],
  passed: true,
  criticalFailed: false,
  costUsd: 0.001,
  latencyMs: 800,
  outputChars: 400,
  metrics: { refusal: 0 },
  ...overrides,
});

describe('drift metrics', () => {
  it('cover exactly the suite’s monitor metrics', () => {
    expect(Object.keys(DRIFT_METRICS).sort()).toEqual([...MONITOR_METRICS].sort());
  });

  it('read each figure, unknown as null', () => {
    const c = call(0, { passed: null, costUsd: null, metrics: {} });
    expect(driftObservation(c, 'pass_rate').value).toBeNull();
    expect(driftObservation(c, 'cost_per_call').value).toBeNull();
    expect(driftObservation(c, 'refusal_rate').value).toBeNull();
    expect(driftObservation(c, 'p95_latency').value).toBe(800);
    expect(driftObservation(c, 'segment_mix')).toEqual({ at: c.startedAt, tags: ['plan:pro'] });
  });

  it('build baselines from a reference window and reject a baseline of the wrong shape', () => {
    const window = Array.from({ length: 10 }, (_, i) =>
      call(i, { passed: i < 8 ? true : i === 8 ? false : null, tags: i < 3 ? ['plan:free', 'plan:free'] : ['plan:pro'] }),
    );
    expect(baselineFromCalls(window, 'pass_rate')).toEqual({ kind: 'sample', successes: 8, n: 9 });
    expect(baselineFromCalls(window, 'segment_mix')).toEqual({ n: 10, counts: { 'plan:free': 3, 'plan:pro': 7 } });
    expect(baselineFromCalls(window, 'output_length')).toEqual({ kind: 'values', values: Array(10).fill(400) });
    const alert = { falseAlarmRate: 0.01, samplesPerPeriod: 15_000 };
    expect(driftRuleFor('critical_rate', { kind: 'sample', successes: 1, n: 100 }, alert)).toMatchObject({ kind: 'rate', direction: 'increase' });
    expect(driftRuleFor('p95_latency', { kind: 'values', values: [1, 2, 3] }, alert)).toMatchObject({
      kind: 'exceedance',
      quantile: 0.95,
      direction: 'increase',
    });
    expect(() => driftRuleFor('pass_rate', { kind: 'values', values: [1] }, alert)).toThrow(/pass_rate needs a rate baseline/);
    expect(() => driftRuleFor('segment_mix', { kind: 'sample', successes: 1, n: 2 }, alert)).toThrow(/segments baseline/);
  });

  it('run the same over an async stream as over an array', async () => {
    // Pass rate falls from 90% to 50% at call 1,000.
    const calls = Array.from({ length: 3000 }, (_, i) => call(i, { passed: i < 1000 ? i % 10 !== 0 : i % 2 === 0 }));
    const rule = driftRuleFor('pass_rate', { kind: 'sample', successes: 900, n: 1000 }, { falseAlarmRate: 0.01, samplesPerPeriod: 15_000, minSamples: 200 });
    async function* stream() {
      for (const c of calls) yield driftObservation(c, 'pass_rate');
    }
    const sync = detectDrift(
      calls.map((c) => driftObservation(c, 'pass_rate')),
      rule,
    );
    expect(sync.alarm).not.toBeNull();
    expect(sync.alarm!.index).toBeGreaterThan(1000);
    expect(await detectDriftAsync(stream(), rule)).toEqual(sync);
  });
});
