// `evalspec doctor` on segment bars that need many cases even if every case passed. Pass-rate bars are tested
// with a one-sided Wilson bound, and the Wilson lower bound of n passes out of n is n / (n + z²) (z = 1.645 at
// 95%), so "pass rate ≥ t" needs n ≥ z² · t / (1 − t) perfect cases. The doctor takes that figure from stats/
// (the bars' own bound, searched up to a billion cases) where it used to search on its own and stop near a
// million: for ≥ 99.9999% it printed about 1.0 million cases where 2.7 million are needed.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { Z95_ONE_SIDED, cases, runScenario, wilsonLower, writeScenario } from '../stats-integration/scenario.js';

afterAll(() => cleanupTempDirs());

/** Smallest n with n / (n + z²) ≥ t: the closed form, settled against the bound itself (rounding at the edge). */
function perfectCases(t: number): number {
  let n = Math.ceil((Z95_ONE_SIDED ** 2 * t) / (1 - t));
  while (n > 1 && wilsonLower(n - 1, n - 1) >= t) n--;
  while (wilsonLower(n, n) < t) n++;
  return n;
}

describe('evalspec doctor: cases a segment bar needs if every case passed', () => {
  it('gives the exact figure for a bar near 100% and for a modest one', async () => {
    const dir = tempDir();
    const suite = writeScenario(dir, {
      name: 'doctor-reach',
      cases: cases(12, (i) => (i < 4 ? ['segment:vip'] : ['segment:main'])),
      variants: [{ label: 'A', answer: (i) => ({ pass: i % 4 !== 1 }) }],
      bars: ['- { metric: pass_rate, min: 0.999999, segment: "segment:vip" }', '- { metric: pass_rate, min: 0.8, segment: "segment:main" }'],
    });
    const { result, report: run } = (await runScenario(dir, suite)) as { result: { stderr: string }; report: { runId: string } | null };
    expect(run, result.stderr).not.toBeNull();
    const r = await runCli(['doctor', run!.runId, '--json', 'doctor.json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    const doctor = JSON.parse(readFileSync(join(dir, 'doctor.json'), 'utf8'));
    const small = doctor.findings.filter((f: { kind: string }) => f.kind === 'segment-too-small');
    const of = (segment: string) => small.find((f: { figures: { segment: string } }) => f.figures.segment === segment);
    // 2.7055 · 0.999999 / 0.000001 = 2,705,540.8 → 2,705,541 cases.
    expect(perfectCases(0.999999)).toBe(2_705_541);
    expect(of('segment:vip').figures).toMatchObject({ cases: 4, casesNeededIfPerfect: 2_705_541 });
    expect(of('segment:vip').suggestion).toMatch(/^add at least 2,705,537 cases tagged segment:vip/);
    // 2.7055 · 0.8 / 0.2 = 10.8 → 11 cases.
    expect(perfectCases(0.8)).toBe(11);
    expect(of('segment:main').figures).toMatchObject({ cases: 8, casesNeededIfPerfect: 11 });
    expect(of('segment:main').suggestion).toMatch(/^add at least 3 cases tagged segment:main/);
  });
});
