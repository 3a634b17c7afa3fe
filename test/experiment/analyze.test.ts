// analyzeExperiment end to end on files: effects against scipy values, the daily series, SRM blocking the
// verdict with the PM's sentence, guardrails, and the rendered scorecard.
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { analyzeExperiment, renderScorecardMarkdown, renderScorecardText } from '../../src/experiment/index.js';
import { cleanupTempDirs, tempDir, writeFiles, jsonl } from '../helpers/cli.js';
import { expectValidGfm } from '../helpers/gfm.js';
import { writeSmallExperiment } from './small-experiment.js';

afterAll(cleanupTempDirs);

/** control units c0.., treatment units t0.., all exposed on 2026-11-01; `value(arm, i)` gives each unit's outcome row. */
function writeArms(counts: [number, number], value: (arm: 'control' | 'treatment', i: number) => Record<string, number>, extraYaml = ''): string {
  const dir = tempDir('evalspec-exp-');
  const exposures = ['user_id,arm,timestamp'];
  const outcomes: unknown[] = [];
  (['control', 'treatment'] as const).forEach((arm, a) => {
    for (let i = 0; i < counts[a]; i++) {
      exposures.push(`${arm[0]}${i},${arm},2026-11-01T08:00:00Z`);
      outcomes.push({ user_id: `${arm[0]}${i}`, timestamp: '2026-11-01T09:00:00Z', ...value(arm, i) });
    }
  });
  writeFiles(dir, {
    'exp.yaml': `name: big\nunit: user_id\narms:\n  - { id: control, weight: 1 }\n  - { id: treatment, weight: 1 }\nexposures: { file: e.csv }\noutcomes: { file: o.jsonl }\nmetrics:\n  - { id: accepted, type: proportion, column: accepted }\n${extraYaml}`,
    'e.csv': exposures.join('\n'),
    'o.jsonl': jsonl(outcomes),
  });
  return join(dir, 'exp.yaml');
}

describe('analyzeExperiment', () => {
  it('reproduces the Welch effect computed by scipy for the small experiment', async () => {
    const scorecard = await analyzeExperiment(writeSmallExperiment());
    expect(scorecard.formatVersion).toBe(1);
    expect(scorecard.arms.map((a) => a.units)).toEqual([2, 3]);
    const acceptance = scorecard.metrics.find((m) => m.id === 'acceptance')!;
    const e = acceptance.comparisons[0].effect.absolute!;
    // control [1, 0], treatment [1, 1, 0]: scipy.stats.ttest_ind(t, c, equal_var=False) and t.ppf(0.975, df):
    // difference 1/6, se 0.6009252, df 1.898876, p 0.8087684, 95% CI −2.5554439 to 2.8887773.
    expect(e.estimate).toBeCloseTo(1 / 6, 10);
    expect(e.se).toBeCloseTo(0.6009252125773316, 8);
    expect(e.df!).toBeCloseTo(1.898876404494382, 6);
    expect(e.p).toBeCloseTo(0.8087684441414503, 5);
    expect(e.low).toBeCloseTo(-2.5554439200246124, 4);
    expect(e.high).toBeCloseTo(2.8887772533579454, 4);
    expect(acceptance.comparisons[0].conclusion).toBe('no detectable change');
    // The last day of the series is the final fixed-horizon effect; on day 1 the treatment had one unit: unknown.
    const points = acceptance.series[0].points;
    expect(points.map((p) => p.day)).toEqual(['2026-11-01', '2026-11-02']);
    expect(points[0].estimate).toBeNull();
    expect(points[0].units).toEqual([2, 1]);
    expect(points[1].estimate).toBeCloseTo(1 / 6, 10);
    expect(points[1].fixedLow).toBeCloseTo(e.low, 10);
    // The sequential interval is always wider than the fixed one.
    expect(points[1].sequentialLow!).toBeLessThan(points[1].fixedLow!);
    // The data-quality ledger reaches the scorecard.
    expect(scorecard.dataQuality.issues.map((i) => i.kind)).toContain('units-in-both-arms');
    expect(scorecard.srm.fired).toBe(false);
  });

  it('blocks the verdict when the sample ratio check fires, with the sentence a PM needs', async () => {
    // 600 vs 400 units under a 50/50 plan: chi-square 40 on 1 df, p = 2.54e-10 (scipy.stats.chisquare([600, 400])).
    const path = writeArms([600, 400], (arm, i) => ({ accepted: arm === 'treatment' || i % 2 === 0 ? 1 : 0 }));
    const scorecard = await analyzeExperiment(path);
    expect(scorecard.srm.fired).toBe(true);
    expect(scorecard.srm.p!).toBeCloseTo(2.5396285894708634e-10, 14);
    expect(scorecard.verdict).toBe('blocked');
    // treatment has 40% of users against 50% planned: 20% fewer than planned.
    expect(scorecard.srm.message).toMatch(
      /^treatment has 20\.0% fewer users than planned .*p = 3e-10: assignment or logging is broken; do not read the effects$/,
    );
    expect(scorecard.metrics[0].comparisons[0].conclusion).toBe('blocked');
    const text = renderScorecardText(scorecard);
    expect(text.split('\n')[0]).toMatch(/BLOCKED/);
    expect(text).toContain('do not read (SRM)');
  });

  it('judges a guardrail one-sided and fails the verdict when it is not met', async () => {
    // Latency: control 100 ms ± 10, treatment 150 ms ± 10 (500 units each): 50% worse, far past a 5% margin.
    const path = writeArms(
      [500, 500],
      (arm, i) => ({ accepted: i % 3 === 0 ? 1 : 0, latency_ms: (arm === 'control' ? 100 : 150) + ((i % 21) - 10) }),
      'guardrails:\n  - { metric: latency_ms, type: mean, column: latency_ms, aggregate: mean, higher_is_better: false, max_worse: 0.05, relative: true }\n',
    );
    const scorecard = await analyzeExperiment(path);
    const g = scorecard.guardrails[0];
    expect(g.verdict).toBe('not-met');
    // Judged one-sided at 95%: the bounds come from a 90% two-sided interval.
    expect(g.comparisons[0].effect.absolute!.level).toBeCloseTo(0.9, 12);
    expect(g.comparisons[0].effect.relative!.estimate).toBeCloseTo(0.5, 2);
    expect(scorecard.verdict).toBe('guardrail-failed');
    // Same acceptance in both arms: no detectable change.
    expect(scorecard.metrics[0].comparisons[0].conclusion).toBe('no detectable change');
  });

  it('escapes names from the data in the Markdown scorecard', async () => {
    const yaml = (await import('./small-experiment.js')).EXP_YAML.replace('name: small', 'name: "small | <b>x</b>"');
    const md = renderScorecardMarkdown(await analyzeExperiment(writeSmallExperiment(yaml)));
    expect(md).not.toContain('<b>');
    expectValidGfm(md);
  });
});
