// CUPED wired to the pre-period (the effect equals the ANCOVA coefficient numpy computes), the novelty check
// (an effect in week 1 that fades), and segments with the too-small rule.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeExperiment } from '../../src/experiment/index.js';
import { cleanupTempDirs, jsonl, tempDir, writeFiles } from '../helpers/cli.js';

afterAll(cleanupTempDirs);

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

interface Unit {
  id: string;
  arm: 'control' | 'treatment';
  day: number;
  accepted: number;
  pre?: number;
  plan?: string;
}

function write(units: Unit[], analysis: string): string {
  const dir = tempDir('evalspec-exp-');
  const iso = (t: number) => new Date(t).toISOString();
  writeFiles(dir, {
    'exp.yaml': `name: b\nunit: user_id\narms:\n  - { id: control, weight: 1 }\n  - { id: treatment, weight: 1 }\nexposures: { file: e.csv }\noutcomes: { file: o.jsonl }\npre_period: { file: pre.csv }\nsegments: [plan]\nmetrics:\n  - { id: acceptance, type: proportion, column: accepted, covariate: pre }\nanalysis: ${analysis}\n`,
    'e.csv': ['user_id,arm,timestamp,plan', ...units.map((u) => `${u.id},${u.arm},${iso(T0 + u.day * DAY + 3_600_000)},${u.plan ?? 'free'}`)].join('\n'),
    'o.jsonl': jsonl(units.map((u) => ({ user_id: u.id, timestamp: iso(T0 + u.day * DAY + 7_200_000), accepted: u.accepted }))),
    'pre.csv': ['user_id,pre', ...units.filter((u) => u.pre !== undefined).map((u) => `${u.id},${u.pre}`)].join('\n'),
  });
  return join(dir, 'exp.yaml');
}

describe('experiment breakdowns', () => {
  it('CUPED: the adjusted effect is the treatment coefficient of y ~ arm + x', async () => {
    const rows: [Unit['arm'], number, number][] = [
      ['control', 1, 0.5],
      ['control', 0, 0.1],
      ['control', 1, 0.9],
      ['control', 0, 0.2],
      ['treatment', 1, 0.4],
      ['treatment', 1, 0.3],
      ['treatment', 0, 0.05],
      ['treatment', 1, 0.8],
    ];
    const path = write(
      rows.map(([arm, accepted, pre], i) => ({ id: `u${i}`, arm, day: 0, accepted, pre })),
      '{ min_segment_units: 1 }',
    );
    const comparison = (await analyzeExperiment(path)).metrics[0].comparisons[0];
    // numpy.linalg.lstsq on [1, arm, x]: arm coefficient 0.29898804047838135, slope (pooled θ) 1.3063477460901565.
    expect(comparison.effect.absolute!.estimate).toBeCloseTo(0.29898804047838135, 10);
    expect(comparison.cuped!.theta!).toBeCloseTo(1.3063477460901565, 10);
    expect(comparison.cuped!.unitsWithCovariate).toBe(8);
    // The raw effect beside it: 3/4 − 2/4.
    expect(comparison.raw.absolute!.estimate).toBeCloseTo(0.25, 12);
  });

  it('novelty: a lift in the first week that is gone later is detected; segments below the minimum are not judged', async () => {
    // 14 days × 100 units per arm per day. Control accepts 1 in 2 throughout. Treatment accepts 9 in 10 in days
    // 0–6 and 1 in 2 from day 7: early effect +0.4, late 0.
    const units: Unit[] = [];
    for (let day = 0; day < 14; day++) {
      for (let i = 0; i < 100; i++) {
        units.push({ id: `c${day}-${i}`, arm: 'control', day, accepted: i % 2, pre: (i % 5) / 5, plan: i < 3 ? 'pro' : 'free' });
        const accepted = day < 7 ? (i % 10 === 0 ? 0 : 1) : i % 2;
        units.push({ id: `t${day}-${i}`, arm: 'treatment', day, accepted, pre: (i % 5) / 5, plan: i < 3 ? 'pro' : 'free' });
      }
    }
    const metric = (await analyzeExperiment(write(units, '{ novelty_days: 7, min_segment_units: 100 }'))).metrics[0];
    const novelty = metric.novelty[0];
    expect(novelty.days).toBe(7);
    expect(novelty.early.absolute!.estimate).toBeCloseTo(0.4, 1);
    expect(novelty.late.absolute!.estimate).toBeCloseTo(0, 1);
    expect(novelty.detected).toBe(true);
    expect(novelty.difference!.estimate).toBeLessThan(0); // later − early
    // 3 pro units per arm per day: 42 per arm, under the minimum of 100: shown, not judged.
    const pro = metric.segments.find((s) => s.segment === 'plan=pro')!;
    expect(pro.units).toEqual([42, 42]);
    expect(pro.tooSmall).toBe(true);
    const free = metric.segments.find((s) => s.segment === 'plan=free')!;
    expect(free.tooSmall).toBe(false);
    expect(free.comparisons[0].conclusion).toBe('better');
    // The daily series covers the 14 days; the last point is the whole experiment.
    expect(metric.series[0].points).toHaveLength(14);
    expect(metric.series[0].points[13].estimate).toBeCloseTo(metric.comparisons[0].effect.absolute!.estimate, 12);
  });
});
