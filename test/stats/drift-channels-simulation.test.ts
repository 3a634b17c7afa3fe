// The false-alarm guarantee of the exceedance and segment-mix rules, by seeded simulation: each rule is several
// detectors (two directions; two per segment plus "(new)") sharing α by Bonferroni, against a baseline sample whose
// thresholds and shares are themselves estimated. Smaller than drift-simulation.test.ts (100 streams of 10 days) to
// keep CPU low; the claim checked is the same: alarms in ≤ α of stable streams, plus a binomial allowance.
import { describe, expect, it } from 'vitest';
import { detectDrift, mulberry32, type DriftObservation, type RandomSource } from '../../src/stats/index.js';

const STREAMS = 100;
const N = 5000;
// Binomial(100, 0.01): P(count ≥ 5) = 0.34%, so ≤ 4 of 100 is what a rule at α = 1% fails < 0.5% of the time.
const ALLOWANCE = 4;
const at = (i: number) => Date.UTC(2026, 11, 1) + i * 172_800; // epoch ms: no ISO parsing per call

/** Output lengths in whole words: 20..60 with many ties, so the "past the baseline median" rate is not exactly ½. */
const length = (random: RandomSource) => 20 + Math.floor(random() * 41);
/** Latencies: a log-normal-ish continuous figure (exp of a sum of uniforms). */
const latency = (random: RandomSource) => Math.exp(6 + random() + random() - 1);
const SEGMENTS = [
  ['plan:free', 0.6],
  ['plan:pro', 0.3],
  ['plan:team', 0.1],
] as const;
function segment(random: RandomSource): string[] {
  const u = random();
  let cumulative = 0;
  for (const [tag, share] of SEGMENTS) if (u < (cumulative += share)) return [tag];
  return [SEGMENTS[0][0]];
}

describe('exceedance and segment rules on stable streams', () => {
  it.each([
    ['output_length (median, both ways, tied values)', 'length'],
    ['p95_latency (p95, increase)', 'latency'],
    ['segment_mix (3 segments + new)', 'segments'],
  ] as const)('%s: false alarms within α', (_name, figure) => {
    let fired = 0;
    for (let s = 0; s < STREAMS; s++) {
      const random = mulberry32(700 + s);
      const common = { metric: figure, falseAlarmRate: 0.01, samplesPerPeriod: N, minSamples: 200 };
      const draw = (i: number): DriftObservation =>
        figure === 'segments' ? { at: at(i), tags: segment(random) } : { at: at(i), value: figure === 'length' ? length(random) : latency(random) };
      let result;
      if (figure === 'segments') {
        const counts: Record<string, number> = {};
        for (let i = 0; i < 2000; i++) for (const tag of segment(random)) counts[tag] = (counts[tag] ?? 0) + 1;
        result = detectDrift(
          Array.from({ length: N }, (_, i) => draw(i)),
          { ...common, kind: 'segments', baseline: { n: 2000, counts } },
        );
      } else {
        const values = Array.from({ length: 2000 }, () => (figure === 'length' ? length(random) : latency(random)));
        result = detectDrift(
          Array.from({ length: N }, (_, i) => draw(i)),
          {
            ...common,
            kind: 'exceedance',
            quantile: figure === 'length' ? 0.5 : 0.95,
            direction: figure === 'length' ? 'both' : 'increase',
            baseline: { kind: 'values', values },
          },
        );
      }
      if (result.alarm) fired++;
    }
    expect(fired).toBeLessThanOrEqual(ALLOWANCE);
  });

  it('and the same rules do see a real shift (a check that the simulation is not vacuous)', () => {
    const random = mulberry32(99);
    const counts = { 'plan:free': 1200, 'plan:pro': 600, 'plan:team': 200 };
    const shifted = Array.from({ length: N }, (_, i) => ({ at: at(i), tags: [random() < 0.2 ? 'plan:team' : 'plan:free'] }));
    const alarm = detectDrift(shifted, {
      metric: 'segment_mix',
      kind: 'segments',
      falseAlarmRate: 0.01,
      samplesPerPeriod: N,
      baseline: { n: 2000, counts },
    }).alarm;
    expect(alarm?.segment).toMatch(/^plan:(team|pro)$/);
    const values = Array.from({ length: 2000 }, () => length(random));
    const longer = Array.from({ length: N }, (_, i) => ({ at: at(i), value: length(random) + 5 }));
    const rule = { metric: 'output_length', kind: 'exceedance' as const, quantile: 0.5, direction: 'both' as const, falseAlarmRate: 0.01, samplesPerPeriod: N };
    expect(detectDrift(longer, { ...rule, baseline: { kind: 'values', values } }).alarm?.direction).toBe('increase');
  });
});
