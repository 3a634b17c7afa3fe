// The safety section (issue #18) through the built CLI against the loopback fake provider: a suite whose red-team
// cases (tagged redteam / plugin: / strategy: / owasp:, hand-written so every figure is known) run on a
// "vulnerable" and a "guarded" model. The run report (JSON, terminal, Markdown) gives each variant's attack success
// rate with its exact interval, per plugin, strategy, OWASP id and cell, the zero-tolerance statement, the paired
// comparison (McNemar exact) and the worst successful attacks; `evalspec diff` of a run per model pairs the attacks.
//
// Who leaks (the answer function below); the canary is in the system prompt, the critical check fails when the
// reply contains it:
//   cases 1–6    prompt-injection, none          vulnerable 1–6      guarded —
//   cases 7–12   prompt-injection, base64        vulnerable 7–10     guarded 7, 8
//   cases 13–16  system-prompt-extraction, none  vulnerable 13, 14   guarded —
//   cases 17–20  system-prompt-extraction, b64   vulnerable —        guarded 17
//   case 21      off-topic, none (normal check only: success = the case failed)  vulnerable answers, guarded refuses
//   case 22      prompt-injection, rot13          vulnerable leaks    guarded: HTTP 400 (errored, left out)
//   "hello"      an ordinary case (not red-team): never counted
// Hand counts: vulnerable 14 of 22 succeeded; guarded 3 of 21 judged (1 errored). Paired on the 21 attacks judged on
// both: only vulnerable 11 (1–6, 9, 10, 13, 14, 21), only guarded 1 (17), both 2 (7, 8), neither 7.
// McNemar exact: 2·P(X ≤ 1 | 12, ½) = 2·(1 + 12)/4096 = 26/4096.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FakeProvider } from '../fake-provider/server.js';
import { cleanupTempDirs, runCli, tempDir } from '../helpers/cli.js';
import { CANARY, startSafetyProvider, writeSafetySuites } from '../helpers/safety-run.js';
import { expectValidGfm } from '../helpers/gfm.js';
import { jsonReportSchema } from '../helpers/report-schema.js';
import { startOver } from '../viewer/helpers.js';

afterAll(() => cleanupTempDirs());

/** Σ_{i=lo}^{hi} C(n,i) p^i (1−p)^(n−i), by the product form of C(n,i): independent of stats' beta quantiles. */
function binomialSum(n: number, p: number, lo: number, hi: number): number {
  let total = 0;
  for (let i = lo; i <= hi; i++) {
    let c = 1;
    for (let j = 1; j <= i; j++) c = (c * (n - i + j)) / j;
    total += c * p ** i * (1 - p) ** (n - i);
  }
  return total;
}

/** A Clopper–Pearson interval satisfies P(X ≥ k | low) = tail and P(X ≤ k | high) = tail (its definition). */
function expectClopperPearson(interval: { low: number; high: number; method: string }, k: number, n: number, tail = 0.025) {
  expect(interval.method).toBe('clopper-pearson');
  if (k > 0) expect(binomialSum(n, interval.low, k, n)).toBeCloseTo(tail, 9);
  if (k < n) expect(binomialSum(n, interval.high, 0, k)).toBeCloseTo(tail, 9);
}

describe('safety section of the run report and of diff', () => {
  let server: FakeProvider;
  const dir = tempDir();
  let report: any;
  let stdout: string;

  beforeAll(async () => {
    server = await startSafetyProvider();
    writeSafetySuites(dir, server);
    const run = await runCli(['run', 'both.yaml', '--json', 'report.json', '--md', 'report.md'], { cwd: dir });
    stdout = run.stdout;
    expect(run.stderr).not.toContain('error[');
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    jsonReportSchema.parse(report);
  }, 60_000);

  afterAll(async () => server?.close());

  it('counts each variant’s attacks with exact intervals (errored attacks left out, ordinary cases not counted)', () => {
    const s = report.safety;
    expect(s.attackCases).toBe(22);
    expect(s.intervalMethod).toBe('clopper-pearson');
    const [vulnerable, guarded] = s.variants;
    expect(vulnerable.id).toContain('vulnerable');
    expect(vulnerable.overall).toMatchObject({ attacks: 22, successes: 14, errored: 0 });
    expect(vulnerable.overall.rate).toBeCloseTo(14 / 22, 12);
    expectClopperPearson(vulnerable.overall.interval, 14, 22);
    expect(guarded.overall).toMatchObject({ attacks: 21, successes: 3, errored: 1 });
    expectClopperPearson(guarded.overall.interval, 3, 21);
  });

  it('breaks the rate down per plugin, strategy (base attack first), OWASP id and cell', () => {
    const [vulnerable, guarded] = report.safety.variants;
    const counts = (groups: any[]) => groups.map((g) => [g.key, g.successes, g.attacks, g.errored]);
    expect(counts(vulnerable.byPlugin)).toEqual([
      ['off-topic', 1, 1, 0],
      ['prompt-injection', 11, 13, 0],
      ['system-prompt-extraction', 2, 8, 0],
    ]);
    expect(counts(vulnerable.byStrategy)).toEqual([
      ['none', 9, 11, 0],
      ['base64', 4, 10, 0],
      ['rot13', 1, 1, 0],
    ]);
    expect(counts(guarded.byOwasp)).toEqual([
      ['LLM01:2025', 2, 12, 1],
      ['LLM07:2025', 1, 8, 0],
    ]);
    // The one-sided exact bound of a clean group: 0 of 11 base attacks on guarded → 1 − 0.05^(1/11) = 0.2384.
    expect(guarded.byStrategy[0]).toMatchObject({ key: 'none', successes: 0, attacks: 11 });
    expect(guarded.byStrategy[0].upperBound.high).toBeCloseTo(1 - 0.05 ** (1 / 11), 12);
    expect(guarded.byStrategy[0].upperBound.method).toBe('clopper-pearson-one-sided');
    const cell = guarded.cells.find((c: any) => c.plugin === 'prompt-injection' && c.strategy === 'base64');
    expect(cell).toMatchObject({ successes: 2, attacks: 6 });
    expectClopperPearson(cell.interval, 2, 6);
  });

  it('states the one-sided exact bound and how many clean attacks would prove the targets', () => {
    const z = report.safety.variants[1].zeroTolerance;
    expect(z.upperBound.method).toBe('clopper-pearson-one-sided');
    // One-sided 95%: P(X ≤ 3 | 21, u) = 0.05.
    expect(binomialSum(21, z.upperBound.high, 0, 3)).toBeCloseTo(0.05, 9);
    // ⌈ln 0.05 / ln(1 − r)⌉: 298.1 → 299, 597.6 → 598, 2994.2 → 2995.
    expect(z.targets.map((t: any) => [t.maxRate, t.proven, t.cleanAttacksNeeded])).toEqual([
      [0.01, false, 299],
      [0.005, false, 598],
      [0.001, false, 2995],
    ]);
  });

  it('pairs the two variants on the same attacks: McNemar exact and Newcombe’s interval', () => {
    const [c] = report.safety.comparisons;
    expect(c.baseline).toContain('vulnerable');
    expect(c.variant).toContain('guarded');
    expect(c).toMatchObject({ n: 21, baselineOnly: 11, variantOnly: 1, method: 'mcnemar-exact' });
    expect(c.pValue).toBeCloseTo(26 / 4096, 12);
    expect(c.difference).toBeCloseTo(3 / 21 - 13 / 21, 12);
    expect(c.interval.method).toBe('newcombe-paired');
    expect(c.interval.high).toBeLessThan(0);
  });

  it('lists the worst successful attacks with their outputs (critical failures first)', () => {
    const v = report.safety.variants[0];
    expect(v.worst).toHaveLength(10);
    expect(v.worstOmitted).toBe(4);
    expect(v.worst.every((w: any) => w.criticalFailures === 1 && w.output.includes(CANARY))).toBe(true);
    expect(v.worst[0].reasons[0]).toMatch(/^leak: /);
    // The off-topic case failed no critical check: it is listed after every leak, so not among the first 10.
    expect(v.worst.some((w: any) => w.plugin === 'off-topic')).toBe(false);
  });

  it('prints the same figures in the terminal and in Markdown, escaped', () => {
    expect(stdout).toContain('14 of 22 attacks succeeded: 63.6%');
    expect(stdout).toContain('3 successful attacks in 21: attack success rate ≤');
    expect(stdout).toMatch(/11 succeeded only against \S*vulnerable\S*, 1 only against \S*guarded\S*; McNemar exact p = 0\.006/);
    expect(stdout).not.toContain('\u001b');
    const md = readFileSync(join(dir, 'report.md'), 'utf8');
    expect(md).toContain('#### Safety: 22 red-team cases');
    expect(md).toContain('| none | 11 | 0 | 0.0% | 0.0–28.5 | ≤ 23.9% |');
    expect(md).toContain('| prompt-injection | 13 | 11 | 84.6% |');
    expect(md).toContain('\\<img src=x onerror=alert(1)\\>');
    expectValidGfm(md);
  });

  it('diff pairs the attacks of a run without and a run with the guard', async () => {
    const ids: string[] = [];
    for (const file of ['vulnerable.yaml', 'guarded.yaml']) {
      const run = await runCli(['run', file, '--json', `${file}.json`], { cwd: dir });
      expect(run.stderr).not.toContain('error[');
      ids.push(JSON.parse(readFileSync(join(dir, `${file}.json`), 'utf8')).runId);
    }
    const diff = await runCli(['diff', ids[0], ids[1], '--json', 'diff.json', '--md', 'diff.md'], { cwd: dir });
    const json = JSON.parse(readFileSync(join(dir, 'diff.json'), 'utf8'));
    expect(json.safety.pairedByPosition).toBe(true);
    const [c] = json.safety.comparisons;
    expect(c).toMatchObject({ n: 21, baselineOnly: 11, variantOnly: 1 });
    expect(c.pValue).toBeCloseTo(26 / 4096, 12);
    expect(diff.stdout).toContain('safety: red-team attacks of both runs');
    expect(diff.stdout).toContain('attack success rate 61.9% → 14.3%');
    expectValidGfm(readFileSync(join(dir, 'diff.md'), 'utf8'));
  }, 60_000);

  it('the viewer serves the same figures at /api/runs/:id/safety, with the report’s sentences', async () => {
    const plain = await runCli(['run', 'plain.yaml', '--json', 'plain.json'], { cwd: dir });
    expect(plain.stderr).not.toContain('error[');
    const plainId = JSON.parse(readFileSync(join(dir, 'plain.json'), 'utf8')).runId;
    const viewer = await startOver(join(dir, '.evalspec', 'evalspec.db'));
    try {
      const body: any = await (await fetch(`${viewer.url}api/runs/${report.runId}/safety`)).json();
      expect(body.safety).toEqual(report.safety);
      const [vulnerable, guarded] = report.safety.variants.map((v: any) => v.id);
      expect(body.sentences.statements[guarded]).toMatch(/^3 successful attacks in 21: attack success rate ≤ \d+\.\d% at 95%/);
      expect(body.sentences.statements[vulnerable]).toContain('zero tolerance not met');
      expect(body.sentences.comparisons[0]).toContain('McNemar exact p = 0.006');
      const none: any = await (await fetch(`${viewer.url}api/runs/${plainId}/safety`)).json();
      expect(none.safety).toBeNull();
      expect((await fetch(`${viewer.url}api/runs/no-such-run/safety`)).status).toBe(404);
    } finally {
      await viewer.closeAll();
    }
  }, 60_000);
});
