// `evalspec doctor RUN_ID` through the built CLI on a run built to have every design problem once: cases every
// variant passes, cases no variant passes, a case that errored everywhere, checks that never fail (a critical
// guard and a graded metric), a segment too small for its bar, and the minimum detectable difference of the
// suite from its own paired comparison. Expected figures are computed here from the construction.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { normalQuantile } from '../../src/stats/index.js';
import { cases, runScenario, wilsonLower, writeScenario } from '../stats-integration/scenario.js';

afterAll(() => cleanupTempDirs());

const N = 30;
const passA = (i: number) => i % 3 !== 0;
const passB = (i: number) => i % 5 !== 0;
const ERRORED = 29;

describe('evalspec doctor', () => {
  const dir = tempDir();
  let run: any;
  let doctor: any;
  let stdout: string;
  const find = (kind: string) => doctor.findings.filter((f: { kind: string }) => f.kind === kind);

  it('runs a suite with known design problems, then diagnoses it (exit 0 even for an incomplete run)', async () => {
    const suite = writeScenario(dir, {
      name: 'doctor',
      cases: cases(N, (i) => (i < 5 ? ['segment:vip'] : ['segment:main'])),
      variants: [
        { label: 'A', answer: (i) => ({ pass: passA(i), tone: i % 2 ? 0.7 : 0.9, missing: i === ERRORED }) },
        { label: 'B', answer: (i) => ({ pass: passB(i), tone: 0.8, missing: i === ERRORED }) },
      ],
      baseline: 'A',
      bars: ['- { metric: pass_rate, min: 0.9, segment: "segment:vip" }'],
    });
    run = (await runScenario(dir, suite)).report;
    expect(run.status).toBe('incomplete');
    const r = await runCli(['doctor', run.runId, '--json', 'doctor.json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    stdout = r.stdout;
    doctor = JSON.parse(readFileSync(join(dir, 'doctor.json'), 'utf8'));
    expect(doctor).toMatchObject({ formatVersion: 1, kind: 'doctor', runId: run.runId, suite: 'doctor', cases: N, variants: ['A', 'B'] });
  });

  it('saturated cases: every variant passes them (a warning when more than half the suite)', () => {
    const ids = Array.from({ length: N }, (_, i) => i)
      .filter((i) => i !== ERRORED && passA(i) && passB(i))
      .map((i) => `c${i}`);
    const [f] = find('saturated-cases');
    expect(f.cases).toEqual(ids);
    expect(f.figures.share).toBeCloseTo(ids.length / N, 12);
    expect(f.severity).toBe(ids.length / N > 0.5 ? 'warning' : 'info');
    expect(f.suggestion).toMatch(/harder cases|regression guard/);
  });

  it('cases no variant passes, with the first failure reason of each', () => {
    const [f] = find('unpassed-cases');
    expect(f.severity).toBe('warning');
    expect(f.cases).toEqual(['c0', 'c15']);
    expect(f.reasons.c0).toMatch(/^A: contains \(contains\): /);
    expect(f.suggestion).toMatch(/expected answer/);
  });

  it('a case that errored in every variant is a provider or input problem', () => {
    const [f] = find('errored-cases');
    expect(f.cases).toEqual([`c${ERRORED}`]);
    expect(f.suggestion).toContain(`evalspec run --resume ${run.runId}`);
  });

  it('checks that never fail: the critical guard (add a canary) and the graded tone (gate on its mean)', () => {
    const never = find('never-failing-check');
    const byMetric = Object.fromEntries(never.map((f: { figures: { metric: string } }) => [f.figures.metric, f]));
    expect(Object.keys(byMetric).sort()).toEqual(['no-leak', 'tone']);
    expect(byMetric['no-leak']).toMatchObject({ severity: 'info', figures: { severity: 'critical', judged: 2 * (N - 1), failed: 0 } });
    expect(byMetric['no-leak'].suggestion).toMatch(/canary/);
    expect(byMetric.tone).toMatchObject({ severity: 'info', figures: { graded: true } });
    expect(byMetric.tone.suggestion).toMatch(/metric: tone, min/);
    // contains fails on some cases: not listed.
    expect(byMetric.contains).toBeUndefined();
  });

  it('a segment too small for its bar: 5 cases can never prove pass rate ≥ 90% (Wilson needs 25 if all pass)', () => {
    let needed = 1;
    while (wilsonLower(needed, needed) < 0.9) needed++;
    expect(needed).toBe(25);
    const [f] = find('segment-too-small');
    expect(f.severity).toBe('warning');
    expect(f.figures).toMatchObject({ segment: 'segment:vip', cases: 5, casesNeededIfPerfect: needed });
    expect(f.suggestion).toMatch(/add at least 20 cases tagged segment:vip/);
  });

  it("the minimum detectable difference from the run's own paired comparison, and the cases needed for 5 points", () => {
    const [f] = find('minimum-detectable-difference');
    const c = run.comparisons[0];
    expect(f.figures.minimumDetectableDifference).toBeCloseTo(c.minimumDetectableDifference, 12);
    const z = normalQuantile(0.975) + normalQuantile(0.8);
    expect(f.figures.casesNeeded).toBe(Math.ceil((z * z * c.se * c.se * c.n) / 0.05 ** 2 - 1e-9));
    expect(f.title).toMatch(/this suite can detect pass-rate differences of about \d+\.\d points between variants/);
  });

  it('prints every finding with its suggestion, warnings first, in plain text', () => {
    expect(stdout).toMatch(/^doctor · doctor · run \S+ · 30 cases × 2 variants · incomplete/);
    const warningAt = stdout.lastIndexOf('\nwarning: ');
    const noteAt = stdout.indexOf('\nnote: ');
    expect(warningAt).toBeLessThan(noteAt);
    expect(stdout.match(/suggestion: /g)!.length).toBe(doctor.findings.length);
    expect(stdout).not.toMatch(/[\r\u001b]/);
  });

  it('an unknown run is exit 2', async () => {
    const r = await runCli(['doctor', 'nope'], { cwd: dir });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/no run nope/);
  });
});
