// The viewer's pass rates are the run report's: with the suite's repeat reducer (pass^2 over 3 repeats) and
// with clustered cases, the run page summary, the runs list and the report agree (before, the viewer used the
// share of repeats passed and an unclustered interval). Runs stored by the built CLI from replay logs.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { cases, writeScenario } from '../stats-integration/scenario.js';
import type { Interval } from '../../src/stats/index.js';
import type { CompareResponse } from '../../src/viewer/types.js';
import { startOver } from './helpers.js';

afterAll(() => cleanupTempDirs());

function expectSameInterval(actual: Interval | null, expected: Interval | null): void {
  expect(actual).not.toBeNull();
  expect({ method: actual!.method, level: actual!.level }).toEqual({ method: expected!.method, level: expected!.level });
  expect(actual!.low).toBeCloseTo(expected!.low, 12);
  expect(actual!.high).toBeCloseTo(expected!.high, 12);
}

type Variant = { id: string; passRate: number; passRateCi: Interval };

describe.each([
  { name: 'pass^2 over 3 repeats', repeat: 3, yaml: 'repeat: { n: 3, reduce: pass^2 }', clustered: false, method: /pass\^2 estimates/ },
  { name: 'clustered cases, one repeat', repeat: 1, yaml: null, clustered: true, method: /clustered.*5 clusters/ },
])('viewer pass rates: $name', ({ repeat, yaml, clustered, method }) => {
  it("the run page summary and the runs list show the run report's pass rate and interval", async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, {
      name: 'viewer-rates',
      cases: cases(20, undefined, clustered ? (i) => `k${Math.floor(i / 4)}` : undefined),
      repeat,
      variants: [
        { label: 'a', answer: (i, r) => ({ pass: i % 3 !== 0 && !(r === 2 && i % 4 === 1) }) },
        { label: 'b', answer: (i, r) => ({ pass: i % 5 !== 1 && !(r === 1 && i % 2 === 0) }) },
      ],
    });
    if (yaml) writeFileSync(join(dir, suite), readFileSync(join(dir, suite), 'utf8').replace(`repeat: ${repeat}`, yaml));
    const run = await runCli(['run', suite, '--json', 'run.json', '--no-progress'], { cwd: dir });
    expect(run.exitCode, run.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const viewer = await startOver(join(dir, '.evalspec/evalspec.db'));
    try {
      const page = (await (await fetch(`${viewer.url}api/runs/${report.runId}`)).json()) as { summary: Variant[] };
      const list = (await (await fetch(`${viewer.url}api/runs`)).json()) as { runs: { variants: Variant[] }[] };
      for (const v of report.variants as Variant[]) {
        expect(v.passRateCi.method).toMatch(method);
        for (const shown of [page.summary.find((x) => x.id === v.id)!, list.runs[0].variants.find((x) => x.id === v.id)!]) {
          expect(shown.passRate).toBeCloseTo(v.passRate, 12);
          expectSameInterval(shown.passRateCi, v.passRateCi);
        }
      }
    } finally {
      await viewer.closeAll();
    }
  });
});

describe('viewer Compare: pass values and flips under the suite repeat reducer, as `evalspec diff`', () => {
  // Repeats passed (of 3) per case in run A → run B. pass^3 = C(c,3)/C(3,3): 1 only for 3/3.
  //   c0: 3 → 2   pass^3 1 → 0: A better (the mean, 2/3, would still pass: no flip)
  //   c1: 1 → 2   pass^3 0 → 0: same (the mean would flip it, 1/3 → 2/3)
  //   c2: 3 → 3   same
  const passed = { a: [3, 1, 3], b: [2, 2, 3] };
  it('a case 3/3 → 2/3 flips with pass^k and 1/3 → 2/3 does not', async () => {
    const dir = tempDir();
    const ids: string[] = [];
    for (const side of ['a', 'b'] as const) {
      writeScenario(dir, {
        name: 'viewer-flips',
        cases: cases(3),
        repeat: 3,
        variants: [{ label: 'm', answer: (i, r) => ({ pass: r < passed[side][i] }) }],
      });
      const file = join(dir, 'suite/evalspec.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('repeat: 3', 'repeat: { n: 3, reduce: pass^k }'));
      const run = await runCli(['run', 'suite/evalspec.yaml', '--json', `${side}.json`, '--no-progress'], { cwd: dir });
      expect(run.exitCode, run.stderr).toBe(0);
      ids.push(JSON.parse(readFileSync(join(dir, `${side}.json`), 'utf8')).runId);
    }
    const viewer = await startOver(join(dir, '.evalspec/evalspec.db'));
    try {
      const variant = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).variants[0].id;
      const body = (await (
        await fetch(`${viewer.url}api/compare?runA=${ids[0]}&variantA=${encodeURIComponent(variant)}&runB=${ids[1]}&variantB=${encodeURIComponent(variant)}`)
      ).json()) as CompareResponse;
      const byCase = Object.fromEntries(body.rows.map((r) => [r.caseId, r]));
      expect(byCase.c0).toMatchObject({ passA: 1, passB: 0, flip: 'a-better' });
      expect(byCase.c1).toMatchObject({ passA: 0, passB: 0, flip: 'same' });
      expect(byCase.c2).toMatchObject({ passA: 1, passB: 1, flip: 'same' });
      expect(body.flips).toEqual({ aBetter: 1, bBetter: 0 });
    } finally {
      await viewer.closeAll();
    }
  });
});
