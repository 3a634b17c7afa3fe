// Run history, regressions and CI through the built CLI, on two runs of one suite with known differences
// (replay: logs we write). A prompt change: on the "small" variant accuracy goes up (10 cases fixed, 1 broken)
// while tone drops on customer-facing cases; "large" loses one case. Every figure of `evalspec diff` is checked
// against a paired t computed here by hand from the known per-case vectors (Holm written out), the flips and
// case matching against the construction, and `evalspec ci` for its exit codes, its JSON, its JUnit and its
// Markdown comment (a file snapshot, with run ids normalised, checked to be well-formed GFM).
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanupTempDirs, jsonl, runCli, tempDir, writeFiles } from '../helpers/cli.js';
import { parseXml, elements } from '../helpers/xml.js';
import { expectValidGfm } from '../helpers/gfm.js';
import { tQuantile, tTwoSidedPValue } from '../../src/stats/index.js';
import { holm, mean, output, sd, suiteYaml, type Answer } from '../stats-integration/scenario.js';

afterAll(() => cleanupTempDirs());

type Phase = 'before' | 'after';
const N = 60;
const HOSTILE = 'I do not know <img src=x onerror=alert(1)> @here | `code` **bold** tone=0.8';

const tone = {
  small: (i: number, p: Phase) => {
    const base = 0.8 + (i % 5) * 0.02;
    return p === 'before' || i >= 30 ? base : base - 0.05 - (i % 3) * 0.01;
  },
  large: () => 0.9,
};
const pass = {
  small: (i: number, p: Phase) => (p === 'before' ? i % 4 !== 0 : (i % 4 !== 0 || i < 40) && i !== 1),
  large: (i: number, p: Phase) => i % 10 !== 0 && (p === 'before' || i !== 5),
};
const caseIds = (p: Phase) => (p === 'before' ? Array.from({ length: N }, (_, i) => i) : [...Array.from({ length: N - 1 }, (_, i) => i), N]);
const expected = (i: number, p: Phase) => (i === 3 && p === 'after' ? 'W3-v2' : `W${i}`);
const answer = (label: 'small' | 'large', i: number, p: Phase): Answer => ({ pass: pass[label](i, p), tone: tone[label](i, p) });
const outputOf = (label: 'small' | 'large', i: number, p: Phase) => (label === 'small' && i === 1 && p === 'after' ? HOSTILE : output(i, answer(label, i, p)));

/** The tone the small variant's output states (the javascript check reads it back). */
const toneIn = (i: number, p: Phase) => Number(/tone=([0-9.]+)/.exec(outputOf('small', i, p))![1]);

function writeSuite(dir: string, p: Phase, options: { bars?: string[]; missing?: number } = {}): string {
  const ids = caseIds(p);
  const files: Record<string, string> = {
    'suite/evalspec.yaml': suiteYaml({
      name: 'support',
      cases: [],
      variants: ['small', 'large'].map((label) => ({ label, answer: () => ({ pass: true }) })),
      bars: options.bars ?? ['- { metric: pass_rate, min: 0.6 }'],
    }),
    'suite/cases.jsonl': jsonl(ids.map((i) => ({ id: `c${i}`, vars: { expected: expected(i, p) }, tags: [i < 30 ? 'segment:customer' : 'segment:internal'] }))),
  };
  for (const label of ['small', 'large'] as const) {
    files[`suite/${label}.jsonl`] = jsonl(
      ids.filter((i) => !(label === 'small' && i === options.missing)).map((i) => ({ id: `c${i}`, output: outputOf(label, i, p) })),
    );
  }
  writeFiles(dir, files);
  return 'suite/evalspec.yaml';
}

function pairedT(a: number[], b: number[]) {
  const d = b.map((y, i) => y - a[i]);
  const n = d.length;
  const diff = mean(d);
  const se = sd(d) / Math.sqrt(n);
  const t = tQuantile(0.975, n - 1);
  return { n, diff, se, low: diff - t * se, high: diff + t * se, p: tTwoSidedPValue(diff / se, n - 1) };
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const json = (dir: string, file: string) => JSON.parse(read(dir, file));
const RUN_ID = /\d{8}-\d{6}-[0-9a-f]{4}/g;
// Run ids and commits change every run; the run's own warnings (prices, …) belong to other features.
const normalise = (text: string) =>
  text
    .replace(RUN_ID, 'RUN_ID')
    .replace(/at `[0-9a-f]{10}`/g, 'at `COMMIT`')
    .replace(/(<summary>Warnings<\/summary>\n\n)(- .*\n)+/, "$1- (the run's warnings)\n");

describe('evalspec diff: two runs with known differences', () => {
  const dir = tempDir();
  let before: string;
  let after: string;
  let diff: any;
  const unchanged = caseIds('before').filter((i) => i !== 3 && i !== N - 1);

  it('stores a labelled baseline run and a second run', async () => {
    writeSuite(dir, 'before');
    const a = await runCli(['run', 'suite', '--label', 'main', '--json', 'before.json', '--no-progress'], { cwd: dir });
    expect(a.exitCode, a.stderr).toBe(0);
    writeSuite(dir, 'after');
    const b = await runCli(['run', 'suite', '--label', 'pr', '--json', 'after.json', '--no-progress'], { cwd: dir });
    expect(b.exitCode, b.stderr).toBe(0);
    before = json(dir, 'before.json').runId;
    after = json(dir, 'after.json').runId;
    expect(json(dir, 'before.json').label).toBe('main');
  });

  it('diff RUN_A RUN_B: exit 0, JSON and Markdown written, the change in words', async () => {
    const r = await runCli(['diff', before, after, '--json', 'diff.json', '--md', 'diff.md'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    diff = json(dir, 'diff.json');
    expect(diff).toMatchObject({ formatVersion: 1, kind: 'diff', before: { id: before, label: 'main' }, after: { id: after, label: 'pr' } });
    expect(r.stdout).toMatch(/pass rate got better by 15\.5 points \(95% CI [\d.]+ to [\d.]+, p = 0\.0\d\d, Holm 0\.0\d\d\)/);
    expect(r.stdout).toMatch(/tone got worse by \d\.\d points \(95% CI \d\.\d to \d\.\d, p < 0\.001, Holm < 0\.001\)/);
    expect(r.stdout).toContain('58 compared (same id and content); 1 changed, 1 added, 1 removed');
    expect(r.stdout).not.toMatch(/[\r\u001b]/);
    expectValidGfm(read(dir, 'diff.md'));
  });

  it('cases are matched by id and content: changed, added and removed cases are listed, not compared', () => {
    expect(diff.cases).toEqual({ unchanged: 58, changed: ['c3'], added: ['c60'], removed: ['c59'] });
    expect(diff.variants).toEqual({ compared: ['small', 'large'], onlyBefore: [], onlyAfter: [] });
    expect(diff.warnings.join('\n')).toContain('1 changed, 1 added and 1 removed cases are not compared');
  });

  it('per variant and metric: the paired difference, interval, p and Holm equal a hand-computed paired t', () => {
    for (const label of ['small', 'large'] as const) {
      const v = diff.perVariant.find((x: { variant: string }) => x.variant === label);
      expect(v.n).toBe(58);
      expect(v.metrics.map((m: { metric: string }) => m.metric)).toEqual(['pass_rate', 'score', 'contains', 'no-leak', 'tone']);
      const a = unchanged.map((i) => (pass[label](i, 'before') ? 1 : 0));
      const b = unchanged.map((i) => (pass[label](i, 'after') ? 1 : 0));
      const ref = pairedT(a, b);
      // score = weighted mean of contains and no-leak (tone has weight 0): (pass + 1) / 2.
      const score = pairedT(
        a.map((x) => (x + 1) / 2),
        b.map((x) => (x + 1) / 2),
      );
      const byMetric = Object.fromEntries(v.metrics.map((m: { metric: string }) => [m.metric, m]));
      for (const [m, r] of [
        ['pass_rate', ref],
        ['contains', ref],
        ['score', score],
      ] as const) {
        expect(byMetric[m].difference, m).toBeCloseTo(r.diff, 12);
        expect(byMetric[m].se, m).toBeCloseTo(r.se, 12);
        expect(byMetric[m].interval.low, m).toBeCloseTo(r.low, 12);
        expect(byMetric[m].interval.high, m).toBeCloseTo(r.high, 12);
        expect(byMetric[m].pValue, m).toBeCloseTo(r.p, 12);
      }
      // no-leak never fails on either side: no spread, no p-value (counts as 1 in Holm).
      expect(byMetric['no-leak'].difference).toBe(0);
      expect(byMetric['no-leak'].pValue).toBeNull();
      let toneP = 1;
      if (label === 'small') {
        const t = pairedT(
          unchanged.map((i) => toneIn(i, 'before')),
          unchanged.map((i) => toneIn(i, 'after')),
        );
        expect(byMetric.tone.difference).toBeCloseTo(t.diff, 12);
        expect(byMetric.tone.se).toBeCloseTo(t.se, 12);
        expect(byMetric.tone.pValue).toBeCloseTo(t.p, 12);
        expect(byMetric.tone.direction).toBe('worse');
        toneP = t.p;
      } else {
        expect(byMetric.tone.difference).toBe(0);
      }
      const adjusted = holm([ref.p, score.p, ref.p, 1, toneP]);
      for (const [k, m] of ['pass_rate', 'score', 'contains', 'no-leak', 'tone'].entries()) {
        if (byMetric[m].pValue !== null) expect(byMetric[m].pValueHolm, m).toBeCloseTo(adjusted[k], 12);
      }
    }
    const small = diff.perVariant[0];
    // 10 fixed, 1 broken of 58: +9/58.
    expect(small.metrics[0].difference).toBeCloseTo(9 / 58, 12);
    expect(small.metrics[0].direction).toBe('better');
    expect(diff.perVariant[1].metrics[0].direction).toBe('none');
  });

  it('per segment: the paired pass-rate difference inside the segment, Holm across segments', () => {
    const small = { segments: diff.perVariant[0].segments.filter((s: { metric: string }) => s.metric === 'pass_rate') };
    expect(small.segments.map((s: { tag: string }) => s.tag)).toEqual(['segment:customer', 'segment:internal']);
    const refs = ['segment:customer', 'segment:internal'].map((tag) => {
      const ids = unchanged.filter((i) => i < 30 === (tag === 'segment:customer'));
      return pairedT(
        ids.map((i) => (pass.small(i, 'before') ? 1 : 0)),
        ids.map((i) => (pass.small(i, 'after') ? 1 : 0)),
      );
    });
    const adjusted = holm(refs.map((r) => r.p));
    small.segments.forEach((s: any, k: number) => {
      expect(s.n).toBe(refs[k].n);
      expect(s.difference).toBeCloseTo(refs[k].diff, 12);
      expect(s.pValue).toBeCloseTo(refs[k].p, 12);
      expect(s.pValueHolm).toBeCloseTo(adjusted[k], 12);
    });
  });

  it('where did tone get worse? Per segment for every metric that changed significantly: only on customer cases', () => {
    const tones = diff.perVariant[0].segments.filter((s: { metric: string }) => s.metric === 'tone');
    expect(tones.map((s: { tag: string }) => s.tag)).toEqual(['segment:customer', 'segment:internal']);
    const ids = unchanged.filter((i) => i < 30);
    const ref = pairedT(
      ids.map((i) => toneIn(i, 'before')),
      ids.map((i) => toneIn(i, 'after')),
    );
    expect(tones[0].difference).toBeCloseTo(ref.diff, 12);
    expect(tones[0].pValue).toBeCloseTo(ref.p, 12);
    expect(tones[0]).toMatchObject({ significant: true, direction: 'worse' });
    expect(tones[0].sentence).toMatch(/^tone in segment:customer got worse by /);
    expect(tones[1]).toMatchObject({ difference: 0, significant: false });
    // large: tone did not change, so no tone segments.
    expect(diff.perVariant[1].segments.every((s: { metric: string }) => s.metric === 'pass_rate')).toBe(true);
  });

  it('flipped cases (fixed / broken / still failing) with both outputs in full', () => {
    const small = diff.perVariant[0];
    const ids = (list: { caseId: string }[]) => list.map((f) => f.caseId);
    expect(ids(small.flips.fixed)).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 36].map((i) => `c${i}`));
    expect(ids(small.flips.broken)).toEqual(['c1']);
    expect(ids(small.flips.stillFailing)).toEqual([40, 44, 48, 52, 56].map((i) => `c${i}`));
    const broken = small.flips.broken[0];
    expect(broken.outputs.before).toEqual([expect.objectContaining({ repeat: 0, output: output(1, answer('small', 1, 'before')), pass: true, error: null })]);
    expect(broken.outputs.after[0].output).toBe(HOSTILE);
    expect(broken.outputs.after[0].failedChecks[0]).toMatch(/^contains: /);
    expect(small.mcnemar).toMatchObject({ fixed: 10, broken: 1 });
    const large = diff.perVariant[1];
    expect(ids(large.flips.broken)).toEqual(['c5']);
    expect(ids(large.flips.fixed)).toEqual([]);
    expect(diff.summary).toMatchObject({ fixed: 10, broken: 2, stillFailing: 5 + 6 });
  });

  it('diff RUN --baseline main finds the latest completed run labelled main', async () => {
    const r = await runCli(['diff', after, '--baseline', 'main', '--json', 'diff2.json'], { cwd: dir });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(json(dir, 'diff2.json').before.id).toBe(before);
    const latest = await runCli(['diff', 'latest', '--baseline', 'main'], { cwd: dir });
    expect(latest.stdout).toContain(`before: ${before} (main)`);
  });

  it('exit codes: --fail-on-regression gives 1; an unknown label or a wrong argument count gives 2', async () => {
    const regress = await runCli(['diff', before, after, '--fail-on-regression'], { cwd: dir });
    expect(regress.exitCode).toBe(1);
    expect(regress.stderr).toMatch(/2 significant regressions/); // tone overall, and tone in segment:customer
    const none = await runCli(['diff', after, '--baseline', 'release'], { cwd: dir });
    expect(none.exitCode).toBe(2);
    expect(none.stderr).toMatch(/no completed run of suite support labelled "release"/);
    const one = await runCli(['diff', after], { cwd: dir });
    expect(one.exitCode).toBe(2);
    expect(one.stderr).toMatch(/diff needs two runs/);
  });

  describe('evalspec ci', () => {
    let ci: any;
    let comment: string;

    it('bars met but tone got worse: exit 0, verdict ⚠️, comment, JUnit and JSON; no progress garbage with CI=true', async () => {
      const r = await runCli(['ci', 'suite', '--md', 'comment.md', '--junit', 'junit.xml', '--json', 'ci.json'], { cwd: dir });
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/[\r\u001b]/);
      expect(r.stderr).toMatch(/^progress: 120\/120 calls/m);
      expect(r.stdout).toMatch(/verdict: warn \(look before shipping\)/);
      ci = json(dir, 'ci.json');
      expect(ci).toMatchObject({
        formatVersion: 1,
        kind: 'ci',
        verdict: 'warn',
        exitCode: 0,
        baseline: { label: 'main', runId: before },
        gate: { met: 2, notMet: 0, inconclusive: 0, pass: true },
      });
      expect(ci.diff.perVariant[0].metrics.find((m: { metric: string }) => m.metric === 'tone').direction).toBe('worse');
      const junit = parseXml(read(dir, 'junit.xml'));
      expect(elements(junit, 'testsuite').map((s) => s.attrs.name)).toEqual(['small', 'large']);
      comment = read(dir, 'comment.md');
    });

    it('the PR comment: headline, bars, significant changes only, top flips — valid GFM, escaped (snapshot)', async () => {
      expect(comment.split('\n')[0]).toBe('## ⚠️ evalspec · support: look before shipping');
      expect(comment).toContain('#### Significant changes vs `main`');
      expect(comment).toMatch(/🔴 \*\*small\*\*: tone got worse by/);
      expect(comment).toMatch(/🟢 \*\*small\*\*: pass rate got better by/);
      expect(comment).not.toMatch(/large\*\*: pass rate/); // not significant: not listed
      expect(comment).toContain('\\<img src=x onerror=alert(1)\\>');
      expectValidGfm(comment);
      await expect(normalise(comment)).toMatchFileSnapshot('./__snapshots__/ci-comment.md');
    });

    it('--fail-on-regression turns the significant regression into exit 1', async () => {
      const r = await runCli(['ci', 'suite', '--fail-on-regression', '--md', 'c2.md', '--no-progress'], { cwd: dir });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/significant regression.*against main/);
      expect(read(dir, 'c2.md').split('\n')[0]).toContain('❌');
    });

    it('a bar not met: exit 1 and ❌, whatever the diff says', async () => {
      writeSuite(dir, 'after', { bars: ['- { metric: pass_rate, min: 0.95 }'] });
      const r = await runCli(['ci', 'suite', '--md', 'c3.md', '--json', 'c3.json', '--no-progress'], { cwd: dir });
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/quality bars failed: 2 not met/);
      const md = read(dir, 'c3.md');
      expect(md.split('\n')[0]).toBe('## ❌ evalspec · support: do not ship');
      expect(md).toContain('| ❌ not met | small | pass rate ≥ 95% |');
      expect(json(dir, 'c3.json').verdict).toBe('fail');
    });

    it('no baseline found: says so, still gates', async () => {
      writeSuite(dir, 'after');
      const r = await runCli(['ci', 'suite', '--baseline-label', 'release', '--md', 'c4.md', '--json', 'c4.json', '--no-progress'], { cwd: dir });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('no baseline: no completed run of suite support labelled "release" is stored');
      const md = read(dir, 'c4.md');
      expect(md).toContain('No baseline: no completed run of this suite labelled `release` is stored');
      expect(md.split('\n')[0]).toBe('## ✅ evalspec · support: ready to ship');
      expect(json(dir, 'c4.json')).toMatchObject({ verdict: 'pass', baseline: { label: 'release', runId: null }, diff: null });
      expectValidGfm(md);
    });

    it('keeps 3 for an incomplete run (⚠️, no decision) and 2 for an invalid suite', async () => {
      writeSuite(dir, 'after', { missing: 7 });
      const r = await runCli(['ci', 'suite', '--md', 'c5.md', '--no-progress'], { cwd: dir });
      expect(r.exitCode).toBe(3);
      expect(read(dir, 'c5.md').split('\n')[0]).toBe('## ⚠️ evalspec · support: no decision: the run is not complete');
      writeFiles(dir, { 'bad/evalspec.yaml': 'name: bad\nmodels: []\nfoo: 1\n' });
      const bad = await runCli(['ci', 'bad', '--md', 'c6.md', '--no-progress'], { cwd: dir });
      expect(bad.exitCode).toBe(2);
      rmSync(join(dir, 'bad'), { recursive: true, force: true });
    });

    it('a run labelled main becomes the baseline of the next one', async () => {
      writeSuite(dir, 'after');
      const r = await runCli(['ci', 'suite', '--label', 'main', '--json', 'c7.json', '--no-progress'], { cwd: dir });
      expect(r.exitCode).toBe(0);
      const next = await runCli(['ci', 'suite', '--json', 'c8.json', '--no-progress'], { cwd: dir });
      expect(next.exitCode).toBe(0);
      const c7 = json(dir, 'c7.json');
      const c8 = json(dir, 'c8.json');
      expect(c7.baseline.runId).toBe(before);
      expect(c8.baseline.runId).toBe(c7.runId);
      expect(c8.verdict).toBe('pass'); // same outputs: nothing changed
      expect(c8.diff.summary).toMatchObject({ significant: 0, fixed: 0, broken: 0 });
    });
  });

  describe('evalspec history', () => {
    it('each metric over the completed runs, oldest first, with the significant steps marked', async () => {
      const r = await runCli(['history', 'support', '--metric', 'tone', '--json', 'history.json'], { cwd: dir });
      expect(r.exitCode, r.stderr).toBe(0);
      const h = json(dir, 'history.json');
      expect(h.kind).toBe('history');
      const started = h.runs.map((x: { startedAt: string }) => x.startedAt);
      expect(started).toEqual([...started].sort());
      expect(h.runs[0].id).toBe(before);
      expect(h.runs[1].id).toBe(after);
      expect(h.runs.every((x: { status: string }) => x.status === 'completed')).toBe(true);
      expect(h.runs.map((x: { label: string | null }) => x.label).slice(0, 2)).toEqual(['main', 'pr']);
      const series = (variant: string, metric: string) =>
        h.series.find((s: { variant: string; metric: string }) => s.variant === variant && s.metric === metric);
      const smallTone = series('small', 'tone');
      const smallPass = series('small', 'pass_rate');
      expect(smallTone.points[0].step).toBeNull();
      expect(smallTone.points[1].step).toMatchObject({ previousRunId: before, n: 58, significant: true, direction: 'down' });
      expect(smallPass.points[1].step).toMatchObject({ n: 58, significant: true, direction: 'up' });
      expect(smallPass.points[1].step.difference).toBeCloseTo(9 / 58, 12);
      // Later runs replay the same outputs: no step.
      expect(smallPass.points[2].step).toMatchObject({ significant: false, direction: 'none', difference: 0 });
      expect(series('large', 'pass_rate').points[1].step.significant).toBe(false);
      expect(smallPass.points[0].value).toBeCloseTo(45 / 60, 12);
      expect(r.stdout).toMatch(/small · tone/);
      expect(r.stdout).toMatch(/▼ p < 0\.001/);
      expect(r.stdout).not.toMatch(/[\r\u001b]/);
    });

    it('--limit keeps the newest runs, --label filters, --include-incomplete adds the incomplete run', async () => {
      const all = json(dir, 'history.json').runs.map((x: { id: string }) => x.id);
      await runCli(['history', 'support', '--limit', '2', '--json', 'h2.json'], { cwd: dir });
      expect(json(dir, 'h2.json').runs.map((x: { id: string }) => x.id)).toEqual(all.slice(-2));
      await runCli(['history', 'support', '--label', 'main', '--json', 'h3.json'], { cwd: dir });
      expect(json(dir, 'h3.json').runs.every((x: { label: string }) => x.label === 'main')).toBe(true);
      await runCli(['history', 'suite/evalspec.yaml', '--include-incomplete', '--json', 'h4.json'], { cwd: dir });
      expect(json(dir, 'h4.json').runs.some((x: { status: string }) => x.status === 'incomplete')).toBe(true);
    });
  });
});
