// Quality bars through the real CLI, on constructed runs whose outcomes are known (replay: logs we write):
// met / not met / inconclusive with their figures, zero-failure critical bars, segment and metric bars,
// exit codes of `evalspec run` and `evalspec gate`, and bar validation at suite load.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, cleanupTempDirs } from '../helpers/cli.js';
import { countRows } from '../helpers/store.js';
import { tQuantile } from '../../src/stats/index.js';
import { cases, mean, runScenario, sd, wilsonLower, writeScenario, type ScenarioSpec } from '../stats-integration/scenario.js';

afterAll(() => cleanupTempDirs());

const ALL = (bars: any[]) => bars.map((b) => [b.index, b.variant, b.verdict]);

/** 40 cases, 12 tagged enterprise (all pass), 28 smb (2 fail): 38 of 40 pass; tone alternates 0.7 / 0.9. */
function singleVariant(bars: string[], extra: Partial<ScenarioSpec> = {}): ScenarioSpec {
  return {
    cases: cases(40, (i) => (i < 12 ? ['segment:enterprise'] : ['segment:smb'])),
    variants: [{ label: 'A', answer: (i) => ({ pass: i !== 12 && i !== 13, tone: i % 2 === 0 ? 0.7 : 0.9 }) }],
    bars,
    ...extra,
  };
}

describe('quality bars: verdicts and figures', () => {
  const dir = tempDir();
  let report: any;
  let exitCode: number | null;
  let stdout: string;
  let stderr: string;

  it('evaluates every bar on a run with known outcomes and exits 1 when one is not met', async () => {
    const suite = writeScenario(
      dir,
      singleVariant([
        '- { metric: pass_rate, min: 0.85 }',
        '- { metric: pass_rate, min: 0.93 }',
        '- { metric: pass_rate, min: 0.97 }',
        '- { severity: critical, max_rate: 0.1 }',
        '- { severity: critical, max_rate: 0.01, description: "never leak a password" }',
        '- { metric: pass_rate, min: 0.75, segment: "segment:enterprise" }',
        '- { metric: pass_rate, min: 0.97, segment: smb }',
        '- { metric: tone, min: 0.75 }',
        '- { metric: tone, min: 0.79 }',
        '- { metric: tone, max: 0.7 }',
      ]),
    );
    const run = await runScenario(dir, suite, ['--md', 'out.md']);
    ({ report } = run);
    ({ exitCode, stdout, stderr } = run.result);
    expect(stderr).not.toContain('error[');
    expect(exitCode).toBe(1);
    expect(stderr).toContain('quality bars failed');
    expect(report.status).toBe('completed');
    expect(ALL(report.bars)).toEqual([
      [0, 'A', 'met'],
      [1, 'A', 'inconclusive'],
      [2, 'A', 'not_met'],
      [3, 'A', 'met'],
      [4, 'A', 'inconclusive'],
      [5, 'A', 'met'],
      [6, 'A', 'not_met'],
      [7, 'A', 'met'],
      [8, 'A', 'inconclusive'],
      [9, 'A', 'not_met'],
    ]);
  });

  it('pass-rate bars: one-sided Wilson lower bound over the 40 cases', () => {
    const [met, inconclusive, notMet] = report.bars;
    const lower = wilsonLower(38, 40);
    for (const bar of [met, inconclusive, notMet]) {
      expect(bar.point).toBeCloseTo(0.95, 12);
      expect(bar.n).toBe(40);
      expect(bar.bound.method).toBe('wilson-one-sided');
      expect(bar.bound.level).toBe(0.95);
      expect(bar.bound.low).toBeCloseTo(lower, 10);
    }
    expect(lower).toBeGreaterThan(0.85);
    expect(lower).toBeLessThan(0.93);
    expect(met.explanation).toContain('clears 85%');
    expect(inconclusive.explanation).toContain('not proven');
    // The inconclusive bar says how many cases would prove it, and that this is an 80%-power figure
    // (Fleiss, Levin & Paik 2003 §2.5, one-sided z.95 = 1.6449, z.80 = 0.8416, written out here).
    const z95 = 1.6448536269514722;
    const z80 = 0.8416212335729143;
    const power80 = Math.ceil(((z95 * Math.sqrt(0.93 * 0.07) + z80 * Math.sqrt(0.95 * 0.05)) / (0.95 - 0.93)) ** 2);
    expect(inconclusive.casesNeeded).toBe(power80);
    // If 95% held exactly: the smallest n whose Wilson bound at 0.95·n of n clears 93%.
    let ifHolds = 1;
    while (wilsonLower(0.95 * ifHolds, ifHolds) < 0.93) ifHolds++;
    expect(inconclusive.casesNeededIfObservedHolds).toBe(ifHolds);
    expect(ifHolds).toBeLessThan(power80);
    expect(inconclusive.explanation).toContain(
      `About ${power80.toLocaleString('en-US')} cases would give an 80% chance of proving it if the true pass rate is the observed one; ${ifHolds.toLocaleString('en-US')} cases if the observed pass rate holds exactly.`,
    );
    expect(notMet.explanation).toContain('below the bar 97%');
    expect(notMet.casesNeeded).toBeNull();
  });

  it('zero-failure critical bars: 0 of n gives the exact bound 1 − 0.05^(1/n) and the cases needed', () => {
    const proven = report.bars[3];
    const unproven = report.bars[4];
    const exact = 1 - 0.05 ** (1 / 40);
    for (const bar of [proven, unproven]) {
      expect(bar.kind).toBe('max_rate');
      expect(bar.severity).toBe('critical');
      expect(bar.failures).toBe(0);
      expect(bar.point).toBe(0);
      expect(bar.bound.method).toBe('clopper-pearson-one-sided');
      expect(bar.bound.high).toBeCloseTo(exact, 12);
    }
    expect(exact).toBeCloseTo(0.0722, 4); // ≈ 3/n
    // Smallest n with 1 − 0.05^(1/n) ≤ rate: 29 for 10%, 299 for 1%.
    expect(proven.casesNeeded).toBe(29);
    expect(unproven.casesNeeded).toBe(299);
    expect(unproven.explanation).toContain('0 failures in 299 cases would prove ≤ 1%');
    expect(unproven.description).toBe('never leak a password');
    expect(unproven.text).toBe('critical failure rate ≤ 1%');
  });

  it('segment bars use the tagged cases only (a bare name matches segment:NAME)', () => {
    const enterprise = report.bars[5];
    expect(enterprise.segment).toBe('segment:enterprise');
    expect(enterprise.n).toBe(12);
    expect(enterprise.point).toBe(1);
    expect(enterprise.bound.low).toBeCloseTo(12 / (12 + 1.6448536269514722 ** 2), 10); // Wilson at x = n
    const smb = report.bars[6];
    expect(smb.n).toBe(28);
    expect(smb.point).toBeCloseTo(26 / 28, 12);
  });

  it('metric bars: mean of the check metric over cases with a one-sided t bound', () => {
    const tone = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 0.7 : 0.9));
    const expected = mean(tone) - tQuantile(0.95, 39) * (sd(tone) / Math.sqrt(40));
    const [met, inconclusive, notMet] = report.bars.slice(7);
    for (const bar of [met, inconclusive, notMet]) {
      expect(bar.metric).toBe('tone');
      expect(bar.point).toBeCloseTo(0.8, 12);
      expect(bar.n).toBe(40);
    }
    expect(met.bound.method).toBe('t-one-sided');
    expect(met.bound.low).toBeCloseTo(expected, 10);
    expect(inconclusive.bound.low).toBeCloseTo(expected, 10);
    expect(inconclusive.casesNeeded).toBeGreaterThan(40);
    expect(notMet.kind).toBe('max');
    expect(notMet.bound.high).toBeCloseTo(mean(tone) + tQuantile(0.95, 39) * (sd(tone) / Math.sqrt(40)), 10);
  });

  it('segments section: every tag, with the too-small rule named', () => {
    const enterprise = report.segments.find((s: { tag: string }) => s.tag === 'segment:enterprise');
    expect(enterprise.cases).toBe(12);
    expect(enterprise.variants[0].passRate).toBe(1);
    // 12 cases at 100%: the Wilson interval is 75.8–100, half-width 12.1 points: not too small by either rule.
    expect(enterprise.variants[0].warning).toBeNull();
    const smb = report.segments.find((s: { tag: string }) => s.tag === 'segment:smb');
    expect(smb.variants[0].cases).toBe(28);
    expect(smb.variants[0].passRate).toBeCloseTo(26 / 28, 12);
  });

  it('terminal and Markdown say it in words', () => {
    expect(stdout).toContain('quality bars:');
    expect(stdout).toMatch(/INCONCLUSIVE\s+A · critical failure rate ≤ 1% \(never leak a password\)/);
    expect(stdout).toContain('3 met'.replace('3', '4'));
    expect(stdout).toContain('4 met, 3 not met, 3 inconclusive');
    const md = readFileSync(join(dir, 'out.md'), 'utf8');
    expect(md).toContain('#### Quality bars');
    expect(md).toContain('❌ **not met**');
    expect(md).toContain('Segments (by case tag)');
  });

  it('--allow-inconclusive does not rescue a bar that is not met', async () => {
    const { result } = await runScenario(dir, 'suite/evalspec.yaml', ['--allow-inconclusive'], 'again.json');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('3 not met');
    expect(result.stderr).not.toContain('inconclusive (not proven');
  });
});

describe('exit codes of run and gate', () => {
  const dir = tempDir();
  const runIds: Record<string, string> = {};

  it('met only: run exits 0, gate exits 0', async () => {
    const suite = writeScenario(dir, singleVariant(['- { metric: pass_rate, min: 0.85 }', '- { severity: critical, max_rate: 0.1 }']), 'met');
    const { result, report } = await runScenario(dir, suite, [], 'met.json');
    expect(result.exitCode).toBe(0);
    runIds.met = report.runId;
    const gate = await runCli(['gate', report.runId], { cwd: dir });
    expect(gate.exitCode).toBe(0);
    expect(gate.stdout).toContain('2 met, 0 not met, 0 inconclusive');
    const json = await runCli(['gate', report.runId, '--json'], { cwd: dir });
    const parsed = JSON.parse(json.stdout);
    expect(parsed.pass).toBe(true);
    expect(parsed.summary).toEqual({ met: 2, notMet: 0, inconclusive: 0, pass: true });
    expect(parsed.bars).toHaveLength(2);
  });

  it('inconclusive: run exits 1 unless --allow-inconclusive; gate likewise', async () => {
    const suite = writeScenario(dir, singleVariant(['- { metric: pass_rate, min: 0.85 }', '- { metric: pass_rate, min: 0.93 }']), 'inconclusive');
    const strict = await runScenario(dir, suite, [], 'i1.json');
    expect(strict.result.exitCode).toBe(1);
    expect(strict.result.stderr).toContain('1 inconclusive (not proven; --allow-inconclusive accepts them)');
    const lenient = await runScenario(dir, suite, ['--allow-inconclusive'], 'i2.json');
    expect(lenient.result.exitCode).toBe(0);
    runIds.inconclusive = strict.report.runId;
    expect((await runCli(['gate', strict.report.runId], { cwd: dir })).exitCode).toBe(1);
    expect((await runCli(['gate', strict.report.runId, '--allow-inconclusive'], { cwd: dir })).exitCode).toBe(0);
  });

  it('not met: gate exits 1 even with --allow-inconclusive', async () => {
    const suite = writeScenario(dir, singleVariant(['- { metric: pass_rate, min: 0.97 }']), 'notmet');
    const { result, report } = await runScenario(dir, suite, [], 'n.json');
    expect(result.exitCode).toBe(1);
    const gate = await runCli(['gate', report.runId, '--allow-inconclusive'], { cwd: dir });
    expect(gate.exitCode).toBe(1);
    expect(gate.stdout).toMatch(/NOT MET\s+A · pass rate ≥ 97%/);
  });

  it('an incomplete run exits 3 even when a bar fails; errored cases count against failure-rate bars', async () => {
    const spec = singleVariant(['- { metric: pass_rate, min: 0.99 }', '- { severity: critical, max_rate: 0.2 }']);
    spec.variants = [{ label: 'A', answer: (i) => ({ pass: i !== 12 && i !== 13, missing: i === 5 }) }];
    const suite = writeScenario(dir, spec, 'incomplete');
    const { result, report } = await runScenario(dir, suite, [], 'inc.json');
    expect(result.exitCode).toBe(3);
    expect(report.status).toBe('incomplete');
    const [passRate, critical] = report.bars;
    expect(passRate.verdict).toBe('not_met');
    // The errored case counts as not passed in the pass rate: 37 of 40.
    expect(passRate.point).toBeCloseTo(37 / 40, 12);
    expect(passRate.errored).toBe(1);
    // Critical failure rate: 0 of the 39 judged cases; the bound counts the errored case as a failure (1 of 40).
    expect(critical.failures).toBe(0);
    expect(critical.n).toBe(39);
    expect(critical.errored).toBe(1);
    expect(critical.point).toBe(0);
    expect(critical.bound.high).toBeGreaterThan(1 - 0.05 ** (1 / 40));
    expect(critical.explanation).toContain('counting 1 errored case as failures');
    const gate = await runCli(['gate', report.runId], { cwd: dir });
    expect(gate.exitCode).toBe(3);
    expect(gate.stderr).toContain('evalspec run --resume');
  });

  it('critical failures that exceed the bar are not met; a loose bar is met with the exact bound', async () => {
    const spec = singleVariant(['- { severity: critical, max_rate: 0.01 }', '- { severity: critical, max_rate: 0.2 }', '- { metric: no-leak, max_rate: 0.2 }']);
    spec.variants = [{ label: 'A', answer: (i) => ({ pass: true, leak: i === 3 || i === 30 }) }];
    const suite = writeScenario(dir, spec, 'leaks');
    const { result, report } = await runScenario(dir, suite, [], 'leaks.json');
    expect(result.exitCode).toBe(1);
    const [tight, loose, byMetric] = report.bars;
    expect(tight.verdict).toBe('not_met');
    expect(tight.failures).toBe(2);
    expect(tight.point).toBeCloseTo(0.05, 12);
    expect(loose.verdict).toBe('met');
    expect(byMetric.verdict).toBe('met');
    expect(byMetric.text).toBe('no-leak failure rate ≤ 20%');
    expect(loose.bound.high).toBeCloseTo(byMetric.bound.high, 12);
    // The JSON variant row counts the cases that failed critically in the segments too.
    expect(report.segments.find((s: { tag: string }) => s.tag === 'segment:enterprise').variants[0].criticalFailureCases).toBe(1);
  });

  it('gate on an unknown run is exit 2 with a hint', async () => {
    const gate = await runCli(['gate', 'no-such-run'], { cwd: dir });
    expect(gate.exitCode).toBe(2);
    expect(gate.stderr).toContain('error[RUN_NOT_FOUND]');
  });

  it('a suite without bars gates to 0 and says so', async () => {
    const suite = writeScenario(dir, singleVariant([]), 'nobars');
    const { result, report } = await runScenario(dir, suite, [], 'nb.json');
    expect(result.exitCode).toBe(0);
    expect(report.bars).toEqual([]);
    const gate = await runCli(['gate', report.runId], { cwd: dir });
    expect(gate.exitCode).toBe(0);
    expect(gate.stdout).toContain('no quality bars');
  });
});

describe('bars are validated when the suite loads', () => {
  const cases3 = cases(12, (i) => (i < 4 ? ['segment:enterprise'] : []));
  const variants = [
    { label: 'A', answer: () => ({ pass: true }) },
    { label: 'B', answer: () => ({ pass: true }) },
  ];

  /** The bars start on line 17 of the generated suite (after repeat:); see suiteYaml. */
  async function broken(bars: string[], extra: Partial<ScenarioSpec> = {}) {
    const dir = tempDir();
    const suite = writeScenario(dir, { cases: cases3, variants, bars, ...extra });
    const text = readFileSync(join(dir, suite), 'utf8').split('\n');
    const result = await runCli(['run', suite, '--no-progress'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    expect(countRows(dir, 'runs')).toBe(0);
    return { result, lineOf: (needle: string) => text.findIndex((l) => l.includes(needle)) + 1 };
  }

  it.each([
    ['{ max_rate: 0.01 }', 'max_rate needs severity or metric', 'max_rate'],
    ['{ compare: baseline }', 'a compare bar needs max_drop', 'compare'],
    ['{ metric: tonality, min: 0.5 }', 'no check of this suite has metric "tonality"', 'tonality'],
    ['{ metric: pass_rate, min: 0.9, segment: "segment:government" }', 'no case is tagged "segment:government"', 'government'],
    ['{ metric: pass_rate, min: 0.9, variant: Z }', 'variant "Z" is not a model of this suite', 'variant: Z'],
    ['{ severity: critical, max_rate: 0 }', 'can never be proven', 'max_rate: 0'],
    ['{ metric: pass_rate, min: 85 }', 'is outside', 'min: 85'],
    ['{ metric: pass_rate, max_drop: 0.02 }', 'max_drop is for bars that compare', 'max_drop'],
    ['{ min: 0.9 }', 'a min bar needs a metric', 'min: 0.9'],
    ['{ metric: pass_rate, min: 0.8, max: 0.9 }', 'this one has min and max', 'max: 0.9'],
  ])('%s', async (bar, message, needle) => {
    const { result, lineOf } = await broken([`- ${bar}`]);
    expect(result.stderr).toContain('error[SUITE_SCHEMA]');
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`evalspec.yaml:${lineOf(needle)}:`);
    expect(result.stderr).toContain('fix:');
  });

  it('an unknown baseline is an error at its line', async () => {
    const { result, lineOf } = await broken([], { baseline: 'Z' });
    expect(result.stderr).toContain('baseline "Z" is not a model of this suite');
    expect(result.stderr).toContain(`evalspec.yaml:${lineOf('baseline: Z')}:`);
  });
});
