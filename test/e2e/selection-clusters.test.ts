// One variant gets one quality interval and one pair one comparison: with clustered cases, `evalspec select`,
// the run report's cost block and the spend projection use the clustered estimators the run report's pass
// rate and comparisons use (before, select's intervals were Wilson over cases, as if cases were independent).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { cases, writeScenario } from '../stats-integration/scenario.js';
import type { Interval } from '../../src/stats/index.js';

afterAll(() => cleanupTempDirs());

// 24 cases in 6 clusters of 4; "big" fails 3 cases, "small" fails most of clusters 1 and 4 (failures cluster).
const bigFails = new Set([0, 9, 18]);
const smallFails = new Set([4, 5, 6, 7, 16, 17, 18, 2]);

/** Same method and level, same ends up to floating-point summation order (cases are read in another order). */
function expectSameInterval(actual: Interval | null, expected: Interval | null): void {
  expect(actual).not.toBeNull();
  expect(expected).not.toBeNull();
  expect({ method: actual!.method, level: actual!.level }).toEqual({ method: expected!.method, level: expected!.level });
  expect(actual!.low).toBeCloseTo(expected!.low, 12);
  expect(actual!.high).toBeCloseTo(expected!.high, 12);
}

const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));

describe.each([
  { name: 'one result per case', repeat: 1, yaml: null },
  { name: 'repeats reduced by pass^2', repeat: 3, yaml: 'repeat: { n: 3, reduce: pass^2 }' },
])('clustered cases, $name', ({ repeat, yaml }) => {
  it("costs.variants[].qualityCi, select and the projection use the run report's clustered figures", async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, {
      name: 'clustered',
      cases: cases(24, undefined, (i) => `k${Math.floor(i / 4)}`),
      repeat,
      variants: [
        // With repeats, the last repeat of some passing cases fails too (so pass^2 differs from the mean).
        { label: 'big', answer: (i, r) => ({ pass: !bigFails.has(i) && !(r === 2 && i % 5 === 1) }) },
        { label: 'small', answer: (i, r) => ({ pass: !smallFails.has(i) && !(r === 2 && i % 3 === 0) }) },
      ],
    });
    if (yaml) {
      const file = join(dir, suite);
      writeFileSync(file, readFileSync(file, 'utf8').replace(`repeat: ${repeat}`, yaml));
    }
    const run = await runCli(['run', suite, '--json', 'run.json', '--no-progress'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = read(dir, 'run.json');
    for (const v of report.variants) {
      expect(v.passRateCi.method).toMatch(/clustered/);
      expect(v.passRateCi.method).toMatch(/6 clusters/);
      const cost = report.costs.variants.find((c: { variant: string }) => c.variant === v.id);
      expect(cost.quality).toBeCloseTo(v.passRate, 12);
      expectSameInterval(cost.qualityCi, v.passRateCi);
    }
    const [big, small] = report.variants;

    const select = await runCli(['select', report.runId, '--json', 'select.json', '--volume', '1M/month', '--within', '0.5'], { cwd: dir });
    expect(select.exitCode, select.stderr).toBe(0);
    const sel = read(dir, 'select.json');
    for (const v of report.variants) expectSameInterval(sel.points.find((p: { variant: string }) => p.variant === v.id).qualityCi, v.passRateCi);
    // small − big, paired and clustered, as the run report's comparison (baseline big, the first variant).
    const comparison = report.comparisons.find((c: { baseline: string; variant: string }) => c.baseline === big.id && c.variant === small.id);
    expect(comparison.test).toBe('clustered-paired-t');
    const vsBest = sel.points.find((p: { variant: string }) => p.variant === small.id).vsBest;
    expect(vsBest.test).toBe('clustered-paired-t');
    expectSameInterval(vsBest.interval, comparison.interval);
    const change = sel.projection.switches.find((s: { scope: string; to: string }) => s.scope === 'overall' && s.to === small.id);
    expect(change.qualityChange).toBeCloseTo(comparison.difference, 12);
    expectSameInterval(change.qualityChangeCi, comparison.interval);
  });
});
